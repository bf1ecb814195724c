/**
 * Refusals that come before the body is read (401, 403, 413, 429) leave the rest of the upload
 * on the socket. Saying `Connection: close` on such answers means the connection carries no
 * further request after a body nobody wanted, and a flood of refused uploads cannot hold
 * sockets open. The client still reads the answer: the Node server reads and drops what it
 * still sends before closing (server/node/request-limits.ts); other runtimes drain or close
 * in their own way.
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
