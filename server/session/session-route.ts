/**
 * `POST /api/session`: mints the short-lived signed token the element sends as
 * `Authorization: Bearer` on every ChatKit request, answered as
 * `{ token, expires_at }` (unix seconds; plus `client_secret` / `client_secret_expires_at` in
 * hosted mode).
 *
 * Who the token is for, in order:
 * 1. `identify(c)` when the integrator plugs in their own auth (cookie, header...): its id, or
 *    401 when it returns nothing. Ids are namespaced (`user:`) so no device id can collide.
 * 2. The identity of the token the client already holds (a refresh) — also when it expired
 *    less than `refreshGraceSeconds` ago, so a laptop waking from sleep keeps its threads.
 * 3. The element's anonymous `X-Chart-Chat-Client` id (unless `adoptClientId` is false), so
 *    turning sessions on keeps the threads a browser already has.
 * 4. A new random device id.
 */
import type { Context, Handler } from 'hono';
import { encodeBase64Url } from '../lib/base64url.js';
import { bearerOf, clientIdOf, deviceUser, integratorUser } from '../security/auth.js';
import { jsonError } from '../security/json-error.js';
import type { TokenSigner } from '../security/token.js';
import type { Logger } from '../log/logger.js';
import type { HostedSessionMinter } from './hosted.js';

export type Identify = (c: Context) => string | null | undefined | Promise<string | null | undefined>;

export interface SessionRouteOptions {
  readonly tokens: TokenSigner;
  /** Integrator identity. Returning null/undefined refuses the session (401). */
  readonly identify?: Identify;
  /** Reuse the element's anonymous client id for new tokens. Default true. */
  readonly adoptClientId?: boolean;
  /** How long after expiry a token may still be refreshed into a new one. Default 7 days. */
  readonly refreshGraceSeconds?: number;
  /** Hosted ChatKit sessions (when a workflow id is configured). */
  readonly hosted?: HostedSessionMinter;
  readonly logger?: Logger;
  /** Clock in unix ms (tests). */
  readonly now?: () => number;
}

export const DEFAULT_REFRESH_GRACE_SECONDS = 7 * 24 * 3600;
const MAX_IDENTITY_LENGTH = 200;

export function sessionRoute(options: SessionRouteOptions): Handler {
  const grace = options.refreshGraceSeconds ?? DEFAULT_REFRESH_GRACE_SECONDS;
  const now = options.now ?? Date.now;

  const identityOf = async (c: Context): Promise<string | undefined> => {
    if (options.identify) {
      const id = await options.identify(c);
      return typeof id === 'string' && id.length > 0 && id.length <= MAX_IDENTITY_LENGTH ? integratorUser(id) : undefined;
    }
    const bearer = bearerOf(c);
    if (bearer) {
      const check = await options.tokens.verify(bearer);
      if (check.ok) return check.claims.sub;
      if (check.reason === 'expired' && check.claims && check.claims.exp + grace > now() / 1000) return check.claims.sub;
      // A forged or foreign token earns nothing: fall through to a fresh identity.
    }
    const clientId = options.adoptClientId === false ? undefined : clientIdOf(c);
    return deviceUser(clientId ?? encodeBase64Url(crypto.getRandomValues(new Uint8Array(18))));
  };

  return async (c) => {
    const user = await identityOf(c);
    if (user === undefined) return jsonError(401, 'unauthenticated', 'Sign in to start a chat session.');
    const issued = await options.tokens.issue(user);
    const body: Record<string, unknown> = { token: issued.token, expires_at: issued.expiresAt };
    if (options.hosted) {
      try {
        const hosted = await options.hosted(user);
        body['client_secret'] = hosted.clientSecret;
        body['client_secret_expires_at'] = hosted.expiresAt;
      } catch (error) {
        // The upstream message may quote request details; the client gets a fixed one.
        options.logger?.error('hosted session failed', { error: error instanceof Error ? error.message : String(error) });
        return jsonError(502, 'hosted_session_failed', 'Could not create a hosted ChatKit session.');
      }
    }
    return c.json(body, 200, { 'cache-control': 'no-store' });
  };
}
