/**
 * Streaming search-and-replace of secrets in bytes: the engine under the key-leak guard
 * ({@link keyGuard}) and the text-delta guard ({@link DeltaGuard}).
 */
const REPLACEMENT = new TextEncoder().encode('[REDACTED]');

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
    const data = this.#carry.byteLength > 0 ? concatBytes([this.#carry, chunk]) : chunk;
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
    return concatBytes(out);
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

export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.byteLength;
  }
  return out;
}
