/**
 * Node entry for `npm start`: the chart-chat API plus the demo page and the built SDK,
 * configured from the environment by server/config.ts. Prints one line once ready.
 * The store: PGlite in `.data/` by default, PostgreSQL with DATABASE_URL, memory with STORE=memory. SIGTERM/SIGINT end open
 * streams with a final event and their partial answers saved, then close the store.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';
import { createApp } from './app.js';
import { nodeFetch, serveNode } from './node/node-server.js';
import { readConfig, type ServerConfig } from './config.js';
import { staticRouter } from './static-router.js';
import { openStore, type OpenedStore } from './store/open-store.js';

const root = fileURLToPath(new URL('..', import.meta.url));

// Every variable, read and checked in one place (server/config.ts); a bad one stops the start.
let config: ServerConfig;
let opened: OpenedStore;
try {
  config = readConfig(process.env, { defaultDataDir: join(root, '.data'), modelFetch: nodeFetch() });
  opened = await openStore(config.store);
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}
const stopping = new AbortController();
const logger = config.app.logger;
const app = createApp({ ...config.app, store: opened.store, streamLeaseMs: config.store.leaseTtlMs, shutdownSignal: stopping.signal });
logger.info('config', { ...config.summary, store: opened.description });

// Retention: idle threads go at start and then hourly (every instance may sweep; it is idempotent).
const sweep = (): void => void opened.store.sweepIdleThreads?.().catch((error: unknown) => logger.warn('retention sweep failed', { error: String(error) }));
sweep();
setInterval(sweep, 3600_000).unref();
app.route('/', staticRouter(root));

const server = serveNode({ fetch: app.fetch, port: config.port, hostname: config.host, limits: config.limits, logger }, (info: AddressInfo) => {
  console.log(`chart-chat listening on http://localhost:${info.port}`);
});

let closing = false;
function shutdown(): void {
  if (closing) return;
  closing = true;
  // Streams end first (final event, partial answer saved), then the connections, then the store.
  stopping.abort();
  const exit = (): void => void opened.close().finally(() => process.exit(0));
  server.close(exit);
  if ('closeIdleConnections' in server) server.closeIdleConnections();
  setTimeout(() => {
    if ('closeAllConnections' in server) server.closeAllConnections();
    exit();
  }, 6000).unref();
}
process.once('SIGINT', shutdown);
process.once('SIGTERM', shutdown);
