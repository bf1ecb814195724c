/**
 * CORS for the API: an exact allow-list of origins, never `*`. Allowed origins get their own
 * origin echoed back (with `Vary: Origin`); a preflight from them is answered 204 for the
 * methods and headers the element uses. A cross-origin request from an origin not on the list
 * is refused with 403 before it reaches a handler — a `text/plain` "simple" POST skips the
 * preflight, so refusing only preflights would still let any page make us do work.
 * Same-origin requests (Origin's host equals the request's Host) always pass.
 */
import type { MiddlewareHandler } from 'hono';
import { jsonError } from './json-error.js';

export interface CorsOptions {
  /** Exact origins, e.g. `https://app.example.com` (scheme + host + port, no path). */
  readonly origins: readonly string[];
  /** Send `Access-Control-Allow-Credentials: true` (only needed when `identify` reads cookies). */
  readonly credentials?: boolean;
  /** Preflight cache in seconds (default 600). */
  readonly maxAge?: number;
}

export const CORS_ALLOWED_HEADERS = ['content-type', 'authorization', 'x-chart-chat-client', 'accept-language'] as const;
export const CORS_EXPOSED_HEADERS = ['retry-after'] as const;
const ALLOWED_METHODS = 'GET, POST, OPTIONS';

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
  const maxAge = String(options.maxAge ?? 600);

  return async (c, next) => {
    const origin = c.req.header('origin');
    if (origin === undefined || isSameOrigin(origin, c.req.url)) {
      if (c.req.method === 'OPTIONS' && origin !== undefined) return new Response(null, { status: 204 });
      await next();
      return;
    }
    if (!allowed.has(origin)) {
      return jsonError(403, 'origin_not_allowed', 'This origin may not call this API.', { vary: 'Origin' });
    }
    const headers: Record<string, string> = { 'access-control-allow-origin': origin, vary: 'Origin' };
    if (options.credentials) headers['access-control-allow-credentials'] = 'true';

    if (c.req.method === 'OPTIONS' && c.req.header('access-control-request-method') !== undefined) {
      return new Response(null, {
        status: 204,
        headers: {
          ...headers,
          'access-control-allow-methods': ALLOWED_METHODS,
          'access-control-allow-headers': CORS_ALLOWED_HEADERS.join(', '),
          'access-control-max-age': maxAge,
        },
      });
    }
    await next();
    for (const [name, value] of Object.entries(headers)) {
      if (name === 'vary') appendVary(c.res.headers, value);
      else c.res.headers.set(name, value);
    }
    c.res.headers.set('access-control-expose-headers', CORS_EXPOSED_HEADERS.join(', '));
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

function appendVary(headers: Headers, value: string): void {
  const current = headers.get('vary');
  if (!current) headers.set('vary', value);
  else if (!current.toLowerCase().split(/\s*,\s*/).includes(value.toLowerCase())) headers.set('vary', `${current}, ${value}`);
}
