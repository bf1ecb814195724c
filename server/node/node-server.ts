/**
 * The Node HTTP server `npm start` runs (and the test listener, so tests meet the same server):
 * @hono/node-server's listener behind the request limits (./request-limits.ts: slow clients,
 * the connection cap, unread bodies dropped after the answer, a lingering close) and coalesced
 * writes (./coalesce-writes.ts). Published as `chart-chat/server/node`.
 */
import { serve, type ServerType } from '@hono/node-server';
import { createServer, type RequestListener, type ServerOptions } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../log/logger.js';
import { coalesceWrites } from './coalesce-writes.js';
export { DEFAULT_REQUEST_LIMITS, type RequestLimits } from './request-limits.js';
export { nodeFetch } from './node-fetch.js';
import { applyRequestLimits, dropUnreadBody, isClosing, limitServerOptions, lingerOnClose, watchBody, type RequestLimits } from './request-limits.js';

export interface NodeServerOptions {
  readonly fetch: (request: Request, env: never) => Response | Promise<Response>;
  readonly port: number;
  readonly hostname: string;
  readonly limits: RequestLimits;
  readonly logger: Logger;
}

/** Serves `fetch` on Node with the request limits; `onListening` gets the bound address. */
export function serveNode(options: NodeServerOptions, onListening?: (info: AddressInfo) => void): ServerType {
  const { limits, logger } = options;
  const create = ((serverOptions: ServerOptions, listener: RequestListener) => {
    const server = createServer({ ...serverOptions, ...limitServerOptions(limits) }, (req, res) => {
      if (isClosing(req.socket)) return dropUnreadBody(req);
      coalesceWrites(res);
      watchBody(req, res, limits, logger);
      res.once('finish', () => dropUnreadBody(req));
      listener(req, res);
    });
    server.on('connection', lingerOnClose);
    applyRequestLimits(server, limits, logger);
    return server;
  }) as unknown as typeof createServer;
  // Unread bodies are ours to drop (./request-limits.ts): @hono/node-server's own cleanup would
  // destroy a keep-alive socket 500 ms after an answer, under a client already reusing it.
  return serve({ fetch: streamsAtOnce(options.fetch) as never, port: options.port, hostname: options.hostname, createServer: create, autoCleanupIncoming: false }, onListening);
}

/**
 * Event streams go out without @hono/node-server's read-ahead: for a body of unknown length it
 * reads up to three chunks, waiting a timer tick for the second, to give a short body a
 * Content-Length. A stream's headers and first events would wait for that timer (long, under
 * load) while the first text delta queued behind it. Declaring the body chunked (HTTP/1.1 only) skips it.
 */
function streamsAtOnce(fetch: NodeServerOptions['fetch']): NodeServerOptions['fetch'] {
  return async (request, env) => {
    const response = await fetch(request, env);
    // HTTP/1.0 clients (nginx's default upstream protocol among them) cannot read chunked bodies.
    const http11 = (env as { incoming?: { httpVersion?: string } } | undefined)?.incoming?.httpVersion === '1.1';
    if (http11 && response.body && !response.headers.has('content-length') && response.headers.get('content-type')?.startsWith('text/event-stream')) {
      response.headers.set('transfer-encoding', 'chunked');
    }
    return response;
  };
}
