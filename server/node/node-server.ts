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
  return serve({ fetch: options.fetch as never, port: options.port, hostname: options.hostname, createServer: create, autoCleanupIncoming: false }, onListening);
}
