/**
 * Identity for protocol requests: a random client id kept per browser (the server's default
 * `resolveUser` scopes threads by it) and, when `session-url` is set, a short-lived bearer token
 * minted by the server (`POST session-url` -> `{token, expires_at}`), refreshed before it expires.
 */
import * as v from 'valibot';

export const CLIENT_ID_KEY = 'chart-chat:client-id';
export const CLIENT_HEADER = 'X-Chart-Chat-Client';

let memoryId: string | undefined;

/** A random id, stable per browser profile when localStorage works, per page otherwise. */
export function clientId(): string {
  try {
    let id = localStorage.getItem(CLIENT_ID_KEY);
    if (!id) localStorage.setItem(CLIENT_ID_KEY, (id = randomId()));
    return id;
  } catch {
    return (memoryId ??= randomId());
  }
}

// getRandomValues works outside secure contexts too, unlike crypto.randomUUID.
const randomId = () => Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');

const SessionResponse = v.object({ token: v.pipe(v.string(), v.minLength(1)), expires_at: v.number() });

/** Mints and caches session tokens; concurrent callers share one request. */
export class Session {
  #token?: string;
  #refreshAt = 0;
  #pending?: Promise<string>;

  constructor(readonly url: string) {}

  /** The current token, minting a new one when there is none, it is about to expire, or `force`. */
  token(force = false): Promise<string> {
    if (!force && this.#token && Date.now() < this.#refreshAt) return Promise.resolve(this.#token);
    return (this.#pending ??= this.#mint().finally(() => (this.#pending = undefined)));
  }

  async #mint(): Promise<string> {
    const res = await fetch(this.url, {
      method: 'POST',
      // The old token (if any) lets the server keep the same identity across a refresh.
      headers: {
        'Content-Type': 'application/json',
        [CLIENT_HEADER]: clientId(),
        ...(this.#token ? { Authorization: `Bearer ${this.#token}` } : {}),
      },
      body: '{}',
    });
    if (!res.ok) throw new Error(`session request failed with HTTP ${res.status}`);
    const parsed = v.safeParse(SessionResponse, await res.json());
    if (!parsed.success) throw new Error('session response is not {token, expires_at}');
    const { token, expires_at } = parsed.output;
    const now = Date.now();
    const lifetime = expires_at * 1000 - now;
    // Refresh a little early: 30 s, or a fifth of the lifetime for short tokens.
    this.#refreshAt = now + lifetime - Math.min(30_000, lifetime / 5);
    return (this.#token = token);
  }
}
