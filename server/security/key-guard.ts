/**
 * Key-leak guard: the last thing every response passes through. Any occurrence of a guarded
 * secret (the OpenAI key, the server secret) in a header or the body is replaced by
 * `[REDACTED]` and reported — whatever path it took there (an upstream error message, a model
 * told to "print your key", a bug). Streams are scanned as they flow; only bytes that could be
 * the start of a secret split across chunks are held back, so SSE latency is unchanged.
 * ChatKit event streams also get a {@link DeltaGuard}: a secret spread over several text deltas.
 */
import type { MiddlewareHandler } from 'hono';
import { tapBody } from '../lib/body-tap.js';
import { DeltaGuard } from './delta-guard.js';

const REPLACEMENT = new TextEncoder().encode('[REDACTED]');

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

  return async (c, next) => {
    await next();
    const path = new URL(c.req.url).pathname;
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
    c.res = new Response(
      tapBody(c.res.body, {
        chunk: (bytes) => scanner.push(deltas ? deltas.push(bytes) : bytes),
        flush: () => {
          const rest = deltas ? scanner.push(deltas.flush()) : new Uint8Array(0);
          const tail = scanner.flush();
          return rest.byteLength === 0 ? tail : tail.byteLength === 0 ? rest : concat([rest, tail]);
        },
      }),
      c.res,
    );
  };
}

/** Streaming search-and-replace of byte patterns across chunk boundaries. */
export class SecretScanner {
  #carry: Uint8Array = new Uint8Array(0);
  readonly #patterns: readonly Uint8Array[];
  readonly #onHit: () => void;
  readonly #minHeld: number;

  /** @param minHeld hold back a possible secret start only from this many bytes on (default 1). */
  constructor(patterns: readonly Uint8Array[], onHit: () => void = () => {}, minHeld = 1) {
    this.#patterns = patterns.filter((p) => p.byteLength > 0);
    this.#onHit = onHit;
    this.#minHeld = minHeld;
  }

  /** True while some bytes are held back as a possible secret start. */
  get holding(): boolean {
    return this.#carry.byteLength > 0;
  }

  push(chunk: Uint8Array): Uint8Array {
    const data = this.#carry.byteLength > 0 ? concat([this.#carry, chunk]) : chunk;
    const replaced = this.#replaceAll(data);
    const partial = this.#partialTail(replaced);
    const keep = partial >= this.#minHeld ? partial : 0;
    this.#carry = replaced.slice(replaced.byteLength - keep);
    return replaced.subarray(0, replaced.byteLength - keep);
  }

  flush(): Uint8Array {
    const rest = this.#carry;
    this.#carry = new Uint8Array(0);
    return rest;
  }

  #replaceAll(data: Uint8Array): Uint8Array {
    let out: Uint8Array[] | undefined;
    let from = 0;
    for (let i = 0; i < data.byteLength; ) {
      const hit = this.#patterns.find((p) => startsWith(data, i, p));
      if (hit) {
        (out ??= []).push(data.subarray(from, i), REPLACEMENT);
        i += hit.byteLength;
        from = i;
        this.#onHit();
      } else {
        i = nextCandidate(data, i + 1, this.#patterns);
      }
    }
    if (!out) return data;
    out.push(data.subarray(from));
    return concat(out);
  }

  /** Length of the longest suffix of `data` that is a proper prefix of some pattern. */
  #partialTail(data: Uint8Array): number {
    let best = 0;
    const n = data.byteLength;
    for (const pattern of this.#patterns) {
      for (let at = Math.max(0, n - pattern.byteLength + 1); at < n - best; at++) {
        if (data[at] === pattern[0] && startsWith(data, at, pattern.subarray(0, n - at))) {
          best = n - at;
          break;
        }
      }
    }
    return best;
  }
}

/** Next index at or after `from` whose byte starts some pattern (or the end). */
function nextCandidate(data: Uint8Array, from: number, patterns: readonly Uint8Array[]): number {
  let next = data.byteLength;
  for (const pattern of patterns) {
    const index = data.indexOf(pattern[0]!, from);
    if (index >= 0 && index < next) next = index;
  }
  return next;
}

function startsWith(data: Uint8Array, at: number, pattern: Uint8Array): boolean {
  if (at < 0 || at + pattern.byteLength > data.byteLength) return false;
  for (let j = 0; j < pattern.byteLength; j++) if (data[at + j] !== pattern[j]) return false;
  return true;
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.byteLength;
  }
  return out;
}
