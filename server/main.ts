/**
 * Node entry for `npm start`: the chart-chat API plus the demo page and the built SDK.
 * PORT (default 8787; 0 picks a free port), HOST (default 0.0.0.0). Prints one line once ready.
 * The store comes from the environment (server/store/store-config.ts): PGlite in `.data/` by
 * default, PostgreSQL with DATABASE_URL, memory with STORE=memory. SIGTERM/SIGINT end open
 * streams with a final event and their partial answers saved, then close the store.
 */
import { serve } from '@hono/node-server';
import { serveStatic } from '@hono/node-server/serve-static';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';
import { createApp } from './app.js';
import { createCoalescingServer } from './node/coalesce-writes.js';
import { createResponderFromEnv } from './responders/index.js';
import { securityOptionsFromEnv, type EnvSecurityConfig } from './config.js';
import { openStore, type OpenedStore } from './store/open-store.js';
import { storeConfigFromEnv, type StoreConfig } from './store/store-config.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const port = Number(process.env.PORT ?? 8787);
const hostname = process.env.HOST ?? '0.0.0.0';
if (!Number.isInteger(port) || port < 0 || port > 65_535) {
  console.error(`PORT must be an integer in 0..65535`);
  process.exit(1);
}

// Sessions, CORS, rate limits and logging from the environment (see server/config.ts).
let security: EnvSecurityConfig;
let storeConfig: StoreConfig;
let opened: OpenedStore;
try {
  security = securityOptionsFromEnv(process.env);
  storeConfig = storeConfigFromEnv(process.env, join(root, '.data'));
  opened = await openStore(storeConfig);
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}
const stopping = new AbortController();
const app = createApp({
  responder: createResponderFromEnv(process.env),
  ...security.options,
  store: opened.store,
  streamLeaseMs: storeConfig.leaseTtlMs,
  shutdownSignal: stopping.signal,
});
security.options.logger.info('config', { ...security.summary, store: opened.description });

// Retention: idle threads go at start and then hourly (every instance may sweep; it is idempotent).
const sweep = (): void => void opened.store.sweepIdleThreads?.().catch((error: unknown) => security.options.logger.warn('retention sweep failed', { error: String(error) }));
sweep();
setInterval(sweep, 3600_000).unref();
app.get('/', serveStatic({ path: `${root}demo/index.html` }));
app.get('/demo/*', serveStatic({ root }));
app.get('/dist/*', serveStatic({ root }));

const server = serve({ fetch: app.fetch, port, hostname, createServer: createCoalescingServer }, (info: AddressInfo) => {
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
