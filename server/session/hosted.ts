/**
 * Hosted ChatKit mode (legacy: Agent Builder workflows). Mints an OpenAI-hosted ChatKit session
 * for a user through the `openai` SDK so the browser's `getClientSecret` can use its
 * `client_secret`. The SDK reads `OPENAI_BASE_URL`, so tests point it at a local fake.
 */
import OpenAI from 'openai';

export interface HostedSessionOptions {
  /** The Agent Builder workflow to run (`CHATKIT_WORKFLOW_ID`). */
  readonly workflowId: string;
  /** Pin a workflow version (default: the latest deployment). */
  readonly workflowVersion?: string;
  /** A configured client; default `new OpenAI({apiKey, baseURL, timeout})`. */
  readonly client?: OpenAI;
  readonly apiKey?: string;
  readonly baseURL?: string;
  /** Upstream timeout in ms (default 10 s). */
  readonly timeoutMs?: number;
}

export interface HostedSession {
  readonly id: string;
  readonly clientSecret: string;
  /** Unix seconds. */
  readonly expiresAt: number;
}

export type HostedSessionMinter = (user: string) => Promise<HostedSession>;

export function createHostedSessionMinter(options: HostedSessionOptions): HostedSessionMinter {
  const client =
    options.client ??
    new OpenAI({
      ...(options.apiKey !== undefined && { apiKey: options.apiKey }),
      ...(options.baseURL !== undefined && { baseURL: options.baseURL }),
      timeout: options.timeoutMs ?? 10_000,
      maxRetries: 1,
    });
  return async (user) => {
    const session = await client.beta.chatkit.sessions.create({
      user,
      workflow: { id: options.workflowId, ...(options.workflowVersion !== undefined && { version: options.workflowVersion }) },
    });
    if (typeof session.client_secret !== 'string' || session.client_secret === '' || typeof session.expires_at !== 'number') {
      throw new Error('hosted session response is missing client_secret or expires_at');
    }
    return { id: session.id, clientSecret: session.client_secret, expiresAt: session.expires_at };
  };
}
