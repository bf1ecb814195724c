/**
 * Serves a Hono app on a real socket (127.0.0.1, port 0) for tests that need real HTTP:
 * streaming, client disconnects, load. The same Node server as `npm start` (server/node/),
 * with the default request limits unless a test gives its own.
 */
import type { Hono } from 'hono';
import type { AddressInfo } from 'node:net';
import { silentLogger, type Logger } from '../log/logger.js';
import { serveNode } from '../node/node-server.js';
import { DEFAULT_REQUEST_LIMITS, type RequestLimits } from '../node/request-limits.js';

export interface Listening {
  /** Base URL, e.g. `http://127.0.0.1:54321`. */
  url: string;
  /** The port, for raw-socket clients. */
  port: number;
  close(): Promise<void>;
}

export interface ListenOptions {
  /** Default: the defaults of `npm start`. */
  readonly limits?: Partial<RequestLimits>;
  /** Where the server's own lines (timeouts, refused connections) go. Default: silent. */
  readonly logger?: Logger;
}

export function listen(app: Hono, options: ListenOptions = {}): Promise<Listening> {
  return new Promise((resolve) => {
    const limits = { ...DEFAULT_REQUEST_LIMITS, ...options.limits };
    const server = serveNode({ fetch: app.fetch, port: 0, hostname: '127.0.0.1', limits, logger: options.logger ?? silentLogger }, (info: AddressInfo) => {
      resolve({
        url: `http://127.0.0.1:${info.port}`,
        port: info.port,
        close: () =>
          new Promise<void>((done) => {
            if ('closeAllConnections' in server) server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}
