/**
 * The key guard's fast path: whether a response chunk can pass as it is — no secret in it, no
 * secret's start at its end, and for event streams whole frames without anything the
 * {@link DeltaGuard} would hold. For ASCII secrets a decoded chunk has the same matches as its
 * bytes (ASCII bytes decode to themselves, other bytes never to ASCII), so one native decode
 * and string search answer for the bytes. Anything else (a hit, a partial frame, a non-ASCII
 * tail) takes the byte-level slow path.
 */
import { deltaTailMayHold, endsWithStartOf, jsonEscaped } from './delta-guard.js';

export class QuickCheck {
  readonly #secrets: readonly string[];
  readonly #escaped: readonly string[];
  readonly #usable: boolean;
  readonly #decoder = new TextDecoder();

  constructor(secrets: readonly string[]) {
    this.#secrets = secrets;
    this.#escaped = secrets.map(jsonEscaped);
    // eslint-disable-next-line no-control-regex
    this.#usable = secrets.every((secret) => /^[\x00-\x7f]+$/.test(secret));
  }

  clean(bytes: Uint8Array, eventStream: boolean): boolean {
    const n = bytes.byteLength;
    if (!this.#usable || n === 0 || bytes[n - 1]! >= 0x80) return false;
    return this.cleanText(this.#decoder.decode(bytes), eventStream);
  }

  /** The same answer for text that is whole (no character cut at its end). */
  cleanText(text: string, eventStream: boolean): boolean {
    if (!this.#usable || text === '') return false;
    if (eventStream && !text.endsWith('\n\n')) return false;
    for (const secret of this.#secrets) if (text.includes(secret) || endsWithStartOf(text, secret)) return false;
    return !(eventStream && deltaTailMayHold(text, this.#escaped));
  }
}
