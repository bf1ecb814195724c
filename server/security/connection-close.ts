/**
 * Refusals that come before the body is read (401, 403, 413, 429) leave the rest of the upload
 * on the socket. @hono/node-server drains it for a moment and then destroys the socket — which a
 * keep-alive client may already be reusing for its next request, which then fails as a "socket
 * hang up". Saying `Connection: close` on such answers makes the client open a fresh connection
 * instead (and a flood of refused uploads cannot hold sockets open either).
 */
import type { MiddlewareHandler } from 'hono';

const REFUSED_BEFORE_READING = new Set([401, 403, 413, 429]);

export function closeAfterUnreadBody(): MiddlewareHandler {
  return async (c, next) => {
    await next();
    if (!REFUSED_BEFORE_READING.has(c.res.status)) return;
    const length = c.req.header('content-length');
    const hasBody = (length !== undefined && length !== '0') || c.req.header('transfer-encoding') !== undefined;
    if (hasBody) c.res.headers.set('connection', 'close');
  };
}
