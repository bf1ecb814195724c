/**
 * Shared by the packaging tests and the browser benchmarks: Debian's Chromium through
 * playwright-core (no browser download), and a local site serving the built SDK next to a real
 * chart-chat server, on 127.0.0.1 with a random port.
 */
import { serveStatic } from '@hono/node-server/serve-static';
import type { Page } from 'playwright-core';
import { createApp } from '../app.js';
import type { Responder } from '../chatkit/responder.js';
import { listen, type Listening } from './listen.js';

export { launchChromium } from './chromium.js';


/**
 * The chart-chat API (`createApp` with `responder`) plus `/dist/*` and `/node_modules/*` from
 * disk and the given HTML pages, on a real socket.
 */
export function serveSite(responder: Responder, pages: Record<string, string>): Promise<Listening> {
  const app = createApp({ responder });
  app.get('/dist/*', serveStatic({ root: './' }));
  app.get('/node_modules/*', serveStatic({ root: './' }));
  for (const [path, html] of Object.entries(pages)) app.get(path, (c) => c.html(html));
  app.get('/favicon.ico', (c) => c.body(null, 204)); // keeps "404" noise out of the console checks
  return listen(app);
}

/** Collects uncaught page errors and console errors, so a test can assert there were none. */
export function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  return errors;
}
