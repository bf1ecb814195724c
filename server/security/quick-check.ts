/**
 * The key guard's fast path: whether a response chunk can pass as it is — no secret in it, no
 * secret's start at its end, and for event streams whole frames without anything the
 * {@link DeltaGuard} would hold. For ASCII secrets a decoded chunk has the same matches as its
 * bytes (ASCII bytes decode to themselves, other bytes never to ASCII), so one native decode
 * and string search answer for the bytes. Anything else (a hit, a partial frame, a non-ASCII
 * tail) takes the byte-level slow path.
 */
import { MIN_HELD_PREFIX } from './delta-guard.js';

export class QuickCheck {
  readonly #secrets: readonly string[];
  readonly #heldStarts: readonly string[];
  readonly #usable: boolean;
  readonly #decoder = new TextDecoder();

  constructor(secrets: readonly string[]) {
    this.#secrets = secrets;
    this.#heldStarts = secrets.map((secret) => secret.slice(0, MIN_HELD_PREFIX));
    // eslint-disable-next-line no-control-regex
    this.#usable = secrets.every((secret) => /^[\x00-\x7f]+$/.test(secret));
  }

  clean(bytes: Uint8Array, eventStream: boolean): boolean {
    const n = bytes.byteLength;
    if (!this.#usable || n === 0 || bytes[n - 1]! >= 0x80) return false;
    const text = this.#decoder.decode(bytes);
    if (eventStream && !text.endsWith('\n\n')) return false;
    for (let i = 0; i < this.#secrets.length; i++) {
      const secret = this.#secrets[i]!;
      if (text.includes(secret) || endsWithStartOf(text, secret)) return false;
      if (eventStream && text.includes(this.#heldStarts[i]!)) return false;
    }
    return true;
  }
}

/** Whether `text` ends with a proper prefix of `secret`. */
function endsWithStartOf(text: string, secret: string): boolean {
  const first = secret[0]!;
  for (let at = text.indexOf(first, Math.max(0, text.length - secret.length + 1)); at >= 0; at = text.indexOf(first, at + 1)) {
    if (secret.startsWith(text.slice(at))) return true;
  }
  return false;
}
