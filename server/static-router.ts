/**
 * The demo page, its files and the built SDK, served from disk for `npm start` (Node only:
 * `createApp` stays runtime-agnostic, so `server/main.ts` mounts this beside it).
 */
import { serveStatic } from '@hono/node-server/serve-static';
import { Hono } from 'hono';

/** `root`: the repository (or package) directory, ending in `/`. */
export function staticRouter(root: string): Hono {
  return new Hono()
    .get('/', serveStatic({ path: `${root}demo/index.html` }))
    .get('/demo/*', serveStatic({ root }))
    .get('/dist/*', serveStatic({ root }));
}
