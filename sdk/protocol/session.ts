/**
 * Identity for protocol requests when `session-url` is set: a short-lived bearer token minted by
 * the server (`POST session-url` -> `{token, expires_at}`), refreshed before it expires. The
 * session request carries credentials: the server binds the identity to an HttpOnly cookie.
 * (The per-browser client id is in `client-id.ts`.) It loads with the renderers, not the element.
 */
import * as v from 'valibot';

// A check rather than v.minLength: that action would be the only one of its kind in the element's bundle.
const SessionResponse = v.object({ token: v.pipe(v.string(), v.check((t) => t.length > 0)), expires_at: v.number() });

/**
 * Tokens from one session URL: cached until shortly before they expire, one request shared by
 * concurrent callers, renewed on demand (`renew`, after a 401).
 */
export function sessionTokens(url: string): (renew?: boolean) => Promise<string> {
  let token: string | undefined;
  let refreshAt = 0;
  let pending: Promise<string> | undefined;
  const mint = async () => {
    const res = await fetch(url, {
      method: 'POST',
      // The server's HttpOnly device cookie (also when embedded cross-site) or the old token
      // keeps the same identity; a client id is never proof of one.
      credentials: 'include',
      headers: { 'Content-Type': 'application/json', ...(token && { Authorization: `Bearer ${token}` }) },
      body: '{}',
    });
    if (!res.ok) throw Error(`session request failed with HTTP ${res.status}`);
    const parsed = v.safeParse(SessionResponse, await res.json());
    if (!parsed.success) throw Error('bad session response');
    const now = Date.now();
    const lifetime = parsed.output.expires_at * 1000 - now;
    // Refresh a little early: 30 s, or a fifth of the lifetime for short tokens.
    refreshAt = now + lifetime - Math.min(30_000, lifetime / 5);
    return (token = parsed.output.token);
  };
  return (renew) =>
    !renew && token && Date.now() < refreshAt ? Promise.resolve(token) : (pending ??= mint().finally(() => (pending = undefined)));
}
