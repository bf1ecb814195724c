/**
 * Headers for the pages `npm start` serves (`/`, `/demo/*`, and 404s): a Content Security
 * Policy that allows only this origin's scripts plus the page's own inline scripts by hash (the
 * embed page's import map and snippet), no framing by other sites, no MIME sniffing, and no
 * referrer beyond the origin. ChatKit's CDN stays allowed so `?renderer=auto` can still load it.
 */
import { createHash } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';

const CHATKIT_ORIGIN = 'https://cdn.platform.openai.com';

/** The sha256 CSP sources of every inline `<script>` in an HTML document. */
export function inlineScriptHashes(html: string): string[] {
  const hashes: string[] = [];
  for (const match of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)) {
    if (/\bsrc\s*=/.test(match[1]!)) continue;
    hashes.push(`'sha256-${createHash('sha256').update(match[2]!, 'utf8').digest('base64')}'`);
  }
  return hashes;
}

export function pagePolicy(scriptHashes: readonly string[] = []): string {
  return [
    "default-src 'self'",
    `script-src 'self' ${[...scriptHashes, CHATKIT_ORIGIN].join(' ')}`,
    // lightweight-charts and Lit set inline styles.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    `connect-src 'self' ${CHATKIT_ORIGIN}`,
    `frame-src ${CHATKIT_ORIGIN}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'self'",
  ].join('; ');
}

/** Sets the page headers; `hashesFor(path)` gives the inline-script hashes of the HTML served there. */
export function pageHeaders(hashesFor: (path: string) => readonly string[] = () => []): MiddlewareHandler {
  return async (c, next) => {
    await next();
    c.res.headers.set('content-security-policy', pagePolicy(hashesFor(c.req.path)));
    c.res.headers.set('x-content-type-options', 'nosniff');
    c.res.headers.set('referrer-policy', 'strict-origin-when-cross-origin');
    c.res.headers.set('x-frame-options', 'SAMEORIGIN');
  };
}
