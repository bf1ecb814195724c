/**
 * Key-leak guard: the last thing every response passes through. Any occurrence of a guarded
 * secret (the OpenAI key, the server secret) in a header or the body is replaced by
 * `[REDACTED]` and reported — whatever path it took there (an upstream error message, a model
 * told to "print your key", a bug). Streams are scanned as they flow; only bytes that could be
 * the start of a secret split across chunks are held back, so SSE latency is unchanged.
 * ChatKit event streams also get a {@link DeltaGuard}: a secret spread over several text deltas.
 */
import type { MiddlewareHandler } from 'hono';
import { filterEventStream, type FrameFilter } from '../chatkit/sse.js';
import { tapBody } from '../lib/body-tap.js';
import { DeltaGuard } from './delta-guard.js';
import { QuickCheck } from './quick-check.js';
import { concatBytes, SecretScanner } from './secret-scanner.js';

export interface KeyGuardOptions {
  /** Secrets that must never leave the server (values under 8 characters are ignored). */
  readonly secrets: readonly (string | undefined)[];
  /** Told (without the secret) when something was caught. */
  readonly onLeak?: (where: 'header' | 'body', path: string) => void;
}

export function keyGuard(options: KeyGuardOptions): MiddlewareHandler {
  const secrets = options.secrets.filter((s): s is string => typeof s === 'string' && s.length >= 8);
  if (secrets.length === 0) return async (_c, next) => next();
  const patterns = secrets.map((s) => new TextEncoder().encode(s));
  const quick = new QuickCheck(secrets);

  return async (c, next) => {
    await next();
    const path = c.req.path;
    const leakedHeaders: [string, string][] = [];
    c.res.headers.forEach((value, name) => {
      if (secrets.some((secret) => value.includes(secret))) leakedHeaders.push([name, value]);
    });
    for (const [name, value] of leakedHeaders) {
      c.res.headers.set(name, secrets.reduce((text, secret) => text.split(secret).join('[REDACTED]'), value));
      options.onLeak?.('header', path);
    }
    if (!c.res.body) return;
    const report = () => options.onLeak?.('body', path);
    const scanner = new SecretScanner(patterns, report);
    const deltas = (c.res.headers.get('content-type') ?? '').startsWith('text/event-stream') ? new DeltaGuard(patterns, report) : undefined;
    c.res.headers.delete('content-length'); // redaction can change the length
    // Our own event streams take the guard as a text filter: no second stream around the body.
    if (deltas && filterEventStream(c.res, eventStreamFilter(scanner, deltas, quick))) return;
    c.res = new Response(
      tapBody(c.res.body, {
        // Nearly every chunk passes untouched after one native decode and search.
        chunk: (bytes) =>
          !scanner.holding && (!deltas || deltas.idle) && quick.clean(bytes, deltas !== undefined) ? bytes : scanner.push(deltas ? deltas.push(bytes) : bytes),
        flush: () => {
          const rest = deltas ? scanner.push(deltas.flush()) : new Uint8Array(0);
          const tail = scanner.flush();
          return rest.byteLength === 0 ? tail : tail.byteLength === 0 ? rest : concatBytes([rest, tail]);
        },
      }),
      c.res,
    );
  };
}

/**
 * The same guard over an event stream's text, before it is encoded: frames that pass the quick
 * check go through as they are; others are scanned as bytes, like a tapped body's.
 */
function eventStreamFilter(scanner: SecretScanner, deltas: DeltaGuard, quick: QuickCheck): FrameFilter {
  const encoder = new TextEncoder();
  // Streaming: held-back bytes may end inside a character (a non-ASCII secret's start).
  const decoder = new TextDecoder();
  return {
    push: (text) =>
      !scanner.holding && deltas.idle && quick.cleanText(text, true) ? text : decoder.decode(scanner.push(deltas.push(encoder.encode(text))), { stream: true }),
    flush: () => decoder.decode(scanner.push(deltas.flush()), { stream: true }) + decoder.decode(scanner.flush()),
  };
}
