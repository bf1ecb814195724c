/**
 * Security headers. API responses (JSON and SSE) are data for scripts, never documents: no
 * sniffing, no framing, no referrer, no caching of per-user answers. The SDK bundle under
 * `/dist` is the opposite — other sites must be able to load it — so it is readable
 * cross-origin (CORP `cross-origin` and `Access-Control-Allow-Origin: *` for GET; it is public,
 * carries no credentials).
 */
import type { MiddlewareHandler } from 'hono';

const API_HEADERS: Readonly<Record<string, string>> = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'x-frame-options': 'DENY',
  'cross-origin-resource-policy': 'same-site',
};

/** For `/api/*`. Also marks responses uncacheable unless the handler chose otherwise. */
export function apiSecurityHeaders(): MiddlewareHandler {
  return async (c, next) => {
    await next();
    for (const [name, value] of Object.entries(API_HEADERS)) c.res.headers.set(name, value);
    if (!c.res.headers.has('cache-control')) c.res.headers.set('cache-control', 'no-store');
  };
}

/** For the public SDK bundle (`/dist/*`): loadable by `<script type="module">` on any site. */
export function publicAssetHeaders(): MiddlewareHandler {
  return async (c, next) => {
    if (c.req.method === 'OPTIONS') {
      return new Response(null, {
        status: 204,
        headers: { 'access-control-allow-origin': '*', 'access-control-allow-methods': 'GET, HEAD', 'access-control-max-age': '86400' },
      });
    }
    await next();
    c.res.headers.set('x-content-type-options', 'nosniff');
    c.res.headers.set('cross-origin-resource-policy', 'cross-origin');
    c.res.headers.set('access-control-allow-origin', '*');
  };
}
