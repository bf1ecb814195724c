/**
 * Node entry for `npm start`: the chart-chat API plus the demo page and the built SDK.
 * PORT (default 8787; 0 picks a free port), HOST (default 0.0.0.0). Prints one line once ready.
 */
import { serve } from '@hono/node-server';
import { serveStatic } from '@hono/node-server/serve-static';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';
import { createApp } from './app.js';
import { createResponderFromEnv } from './responders/index.js';
import { securityOptionsFromEnv, type EnvSecurityConfig } from './security/env-config.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const port = Number(process.env.PORT ?? 8787);
const hostname = process.env.HOST ?? '0.0.0.0';
if (!Number.isInteger(port) || port < 0 || port > 65_535) {
  console.error(`PORT must be an integer in 0..65535`);
  process.exit(1);
}

// Sessions, CORS, rate limits and logging from the environment (see server/security/env-config.ts).
let security: EnvSecurityConfig;
try {
  security = securityOptionsFromEnv(process.env);
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}
const app = createApp({ responder: createResponderFromEnv(process.env), ...security.options });
security.options.logger.info('config', security.summary);
app.get('/', serveStatic({ path: `${root}demo/index.html` }));
app.get('/demo/*', serveStatic({ root }));
app.get('/dist/*', serveStatic({ root }));

const server = serve({ fetch: app.fetch, port, hostname }, (info: AddressInfo) => {
  console.log(`chart-chat listening on http://localhost:${info.port}`);
});

function shutdown(): void {
  server.close(() => process.exit(0));
  if ('closeAllConnections' in server) server.closeAllConnections();
  setTimeout(() => process.exit(0), 2000).unref();
}
process.once('SIGINT', shutdown);
process.once('SIGTERM', shutdown);
