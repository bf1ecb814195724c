/**
 * CORS for the API, built on `hono/cors`: an exact allow-list of origins, never `*`. Allowed
 * origins get their own origin echoed back (with `Vary: Origin`); a preflight from them is
 * answered 204 for every header a ChatKit client sends (see {@link CHATKIT_REQUEST_HEADERS}).
 * A cross-origin request from an origin not on the list is refused with 403 before it reaches
 * a handler — a `text/plain` "simple" POST skips the preflight, so refusing only preflights
 * would still let any page make us do work. Same-origin requests (Origin's host equals the
 * request's Host) always pass.
 */
import type { MiddlewareHandler } from 'hono';
import { cors as honoCors } from 'hono/cors';
import { BARS_HEADER, CLIENT_ID_HEADER } from '../../sdk/contract/index.js';
import { errorResponse, RequestError } from '../wire/request-error.js';

export interface CorsOptions {
  /** Exact origins, e.g. `https://app.example.com` (scheme + host + port, no path). */
  readonly origins: readonly string[];
  /** Send `Access-Control-Allow-Credentials: true` (only needed when `identify` reads cookies). */
  readonly credentials?: boolean;
  /** Preflight cache in seconds (default 600). */
  readonly maxAge?: number;
  /** More request headers to allow, for a page whose own ChatKit `fetch` adds some. */
  readonly allowHeaders?: readonly string[];
}

/**
 * The request headers a ChatKit client sends to a custom backend. ChatKit's client is closed
 * source, so this list comes from what its users report and allow: `content-type`, `accept`
 * (`text/event-stream`) and `accept-language` from ChatKit itself, ChatKit's own
 * `chatkit-frame-instance-id` and `chatkit-device-id` (also `chatkit-session-id` and
 * `chatkit-user-id` in some versions), `authorization` from the element's session token (or an
 * integrator's fetch), and the element's anonymous client id.
 */
export const CHATKIT_REQUEST_HEADERS = [
  'content-type',
  'accept',
  'accept-language',
  'authorization',
  'chatkit-frame-instance-id',
  'chatkit-device-id',
  'chatkit-session-id',
  'chatkit-user-id',
  CLIENT_ID_HEADER.toLowerCase(),
] as const;
/** Response headers a cross-origin page may read: `Retry-After`, and the element's bars acknowledgement (docs/protocol.md §6). */
export const CORS_EXPOSED_HEADERS = ['retry-after', BARS_HEADER.toLowerCase()] as const;
const ALLOWED_METHODS = ['GET', 'POST', 'OPTIONS'];

/** Parses `CORS_ORIGINS` (comma or space separated); throws on anything that is not a bare origin. */
export function parseCorsOrigins(value: string | undefined): string[] {
  const entries = (value ?? '').split(/[\s,]+/).filter((entry) => entry.length > 0);
  return entries.map((entry) => {
    if (entry.includes('*')) throw new Error('CORS_ORIGINS: "*" is not allowed; list the exact origins');
    let url: URL;
    try {
      url = new URL(entry);
    } catch {
      throw new Error(`CORS_ORIGINS: "${entry}" is not an origin like https://example.com`);
    }
    if (url.origin === 'null' || url.origin !== entry.replace(/\/$/, '')) {
      throw new Error(`CORS_ORIGINS: "${entry}" must be a bare origin (scheme://host[:port])`);
    }
    return url.origin;
  });
}

export function cors(options: CorsOptions): MiddlewareHandler {
  const allowed = new Set(options.origins.map((origin) => origin.replace(/\/$/, '')));
  if (allowed.has('*')) throw new Error('cors: "*" is not allowed; list the exact origins');
  const extra = (options.allowHeaders ?? []).map((name) => name.trim().toLowerCase()).filter((name) => /^[a-z0-9!#$%&'*+.^_`|~-]+$/.test(name));
  const allowCrossOrigin = honoCors({
    origin: (origin) => (allowed.has(origin) ? origin : null),
    allowMethods: ALLOWED_METHODS,
    allowHeaders: [...new Set([...CHATKIT_REQUEST_HEADERS, ...extra])],
    exposeHeaders: [...CORS_EXPOSED_HEADERS],
    maxAge: options.maxAge ?? 600,
    ...(options.credentials ? { credentials: true } : {}),
  });

  return async (c, next) => {
    const origin = c.req.header('origin');
    if (origin === undefined || isSameOrigin(origin, c.req.url)) {
      if (c.req.method === 'OPTIONS' && origin !== undefined) return new Response(null, { status: 204 });
      await next();
      return;
    }
    if (!allowed.has(origin)) {
      return errorResponse(new RequestError(403, 'origin_not_allowed', 'This origin may not call this API.', { vary: 'Origin' }));
    }
    return allowCrossOrigin(c, next);
  };
}

/** Compares hosts only: behind a TLS-terminating proxy the request URL says http. */
function isSameOrigin(origin: string, requestUrl: string): boolean {
  try {
    return new URL(origin).host === new URL(requestUrl).host;
  } catch {
    return false;
  }
}
