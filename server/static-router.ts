/**
 * The demo page, its files and the built SDK, served from disk for `npm start` (Node only:
 * `createApp` stays runtime-agnostic, so `server/main.ts` mounts this beside it). Pages get
 * CSP and friends (page-headers.ts); `/demo/*` serves only what the pages need — HTML, CSS and
 * the sample data — never the TypeScript sources, tests or screenshots.
 */
import { readFileSync } from 'node:fs';
import { serveStatic } from '@hono/node-server/serve-static';
import { Hono } from 'hono';
import { inlineScriptHashes, pageHeaders } from './page-headers.js';

/** What `/demo/*` may serve: the pages, their styles and the sample bars. */
const DEMO_FILE = /^\/demo\/(?:[a-z0-9-]+\.(?:html|css)|data\/[A-Za-z0-9-]+\.json)$/;

/** `root`: the repository (or package) directory, ending in `/`. */
export function staticRouter(root: string): Hono {
  const hashes = new Map<string, string[]>();
  const hashesFor = (path: string): string[] => {
    const file = path === '/' ? 'demo/index.html' : path.endsWith('.html') && DEMO_FILE.test(path) ? path.slice(1) : undefined;
    if (!file) return [];
    if (!hashes.has(file)) {
      try {
        hashes.set(file, inlineScriptHashes(readFileSync(`${root}${file}`, 'utf8')));
      } catch {
        hashes.set(file, []);
      }
    }
    return hashes.get(file)!;
  };
  const pages = pageHeaders(hashesFor);
  return new Hono()
    // Pages, demo files and 404s (the API and the SDK files have headers of their own).
    .use('*', (c, next) => (c.req.path.startsWith('/api/') || c.req.path.startsWith('/dist/') ? next() : pages(c, next)))
    .get('/', serveStatic({ path: `${root}demo/index.html` }))
    .get('/demo/*', async (c, next) => (DEMO_FILE.test(c.req.path) ? next() : c.notFound()), serveStatic({ root }))
    .get('/dist/*', serveStatic({ root }));
}
