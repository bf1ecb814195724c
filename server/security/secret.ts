/**
 * The server secret that signs client tokens and salts user-id hashes in logs. From
 * `CHART_CHAT_SECRET` when set; otherwise random per process (tokens then die with a restart,
 * and several instances behind one balancer would reject each other's tokens — hence the warning).
 */

import { randomSecretOnFirstUse, type SecretSource } from '../lib/secret-source.js';

export const MIN_SECRET_LENGTH = 32;

export interface ServerSecret {
  readonly bytes: SecretSource;
  /** `false` when generated for this process only. */
  readonly configured: boolean;
}

/**
 * @param configured the `CHART_CHAT_SECRET` value, if any.
 * @param warn called once when a random secret is generated.
 * @throws when a configured secret is shorter than 32 characters.
 */
export function resolveServerSecret(configured: string | undefined, warn: (message: string) => void = () => {}): ServerSecret {
  if (configured !== undefined && configured !== '') {
    if (configured.length < MIN_SECRET_LENGTH) {
      throw new Error(`CHART_CHAT_SECRET must be at least ${MIN_SECRET_LENGTH} characters (use e.g. \`openssl rand -base64 48\`)`);
    }
    return { bytes: new TextEncoder().encode(configured), configured: true };
  }
  warn('CHART_CHAT_SECRET is not set: using a random secret for this process; client tokens will not survive a restart');
  return { bytes: randomSecretOnFirstUse(), configured: false };
}
