/**
 * The part of the key-leak guard that byte scanning cannot do: a secret streamed across several
 * ChatKit `text_delta` events ("sk-proj-ab" + "cdef…") is never contiguous in the bytes, yet the
 * browser joins it back together. So, per assistant text part, the deltas themselves are scanned
 * as one text: a delta ending in the first 6+ characters of a secret is held back until the next
 * one shows whether it continues (then the secret is replaced), and whatever is held is released
 * before any other event. Deltas that cannot start a secret pass through byte-for-byte.
 */
import { SecretScanner } from './secret-scanner.js';

/** Shorter prefixes (like "sk-") are ordinary text; holding them back would reshape streams. */
export const MIN_HELD_PREFIX = 6;
const DELTA_MARK = '"assistant_message.content_part.text_delta"';

interface Held {
  itemId: string;
  contentIndex: number;
  scanner: SecretScanner;
}

export class DeltaGuard {
  readonly #patterns: readonly Uint8Array[];
  readonly #onHit: () => void;
  readonly #decoder = new TextDecoder();
  readonly #encoder = new TextEncoder();
  readonly #parts = new Map<string, Held>();
  /** A delta can only start a hold if it contains one of these (the secrets' first characters). */
  readonly #starts: readonly string[];
  #holding = 0;
  #buffer = '';
  /** The last chunk ended in a non-ASCII byte: the decoder may hold part of a character. */
  #midCharacter = false;

  constructor(patterns: readonly Uint8Array[], onHit: () => void) {
    this.#patterns = patterns;
    this.#onHit = onHit;
    this.#starts = patterns.map((p) => new TextDecoder().decode(p.subarray(0, MIN_HELD_PREFIX)));
  }

  /** Nothing held, buffered or half-decoded: a chunk of whole, harmless frames may skip {@link push}. */
  get idle(): boolean {
    return this.#holding === 0 && this.#buffer === '' && !this.#midCharacter;
  }

  /** SSE bytes in, SSE bytes out (whole frames only; a partial frame waits for its end). */
  push(bytes: Uint8Array): Uint8Array {
    this.#midCharacter = bytes.byteLength > 0 && bytes[bytes.byteLength - 1]! >= 0x80;
    this.#buffer += this.#decoder.decode(bytes, { stream: true });
    let out = '';
    let end: number;
    while ((end = this.#buffer.indexOf('\n\n')) >= 0) {
      out += this.#frame(this.#buffer.slice(0, end + 2));
      this.#buffer = this.#buffer.slice(end + 2);
    }
    return this.#encoder.encode(out);
  }

  flush(): Uint8Array {
    const rest = this.#releaseAll() + this.#buffer + this.#decoder.decode();
    this.#buffer = '';
    return this.#encoder.encode(rest);
  }

  #frame(frame: string): string {
    // Fast path, nearly every frame: nothing held and nothing here that could start a hold.
    if (this.#holding === 0 && !this.#starts.some((start) => frame.includes(start))) return frame;
    if (!frame.includes(DELTA_MARK)) return this.#releaseAll() + frame;
    let event: { type?: unknown; item_id?: unknown; update?: { type?: unknown; content_index?: unknown; delta?: unknown } };
    try {
      event = JSON.parse(frame.slice(frame.indexOf('{'), frame.lastIndexOf('}') + 1)) as typeof event;
    } catch {
      return this.#releaseAll() + frame;
    }
    const update = event.update;
    if (
      event.type !== 'thread.item.updated' ||
      typeof event.item_id !== 'string' ||
      update?.type !== 'assistant_message.content_part.text_delta' ||
      typeof update.content_index !== 'number' ||
      typeof update.delta !== 'string'
    ) {
      return this.#releaseAll() + frame;
    }
    const key = `${event.item_id}\u0000${update.content_index}`;
    let held = this.#parts.get(key);
    if (!held) {
      held = { itemId: event.item_id, contentIndex: update.content_index, scanner: new SecretScanner(this.#patterns, this.#onHit, MIN_HELD_PREFIX) };
      this.#parts.set(key, held);
    }
    const before = this.#releaseOthers(key);
    const wasHolding = held.scanner.holding;
    const released = new TextDecoder().decode(held.scanner.push(this.#encoder.encode(update.delta)));
    this.#holding += (held.scanner.holding ? 1 : 0) - (wasHolding ? 1 : 0);
    if (!wasHolding && !held.scanner.holding && released === update.delta) return before + frame; // the common case: untouched
    if (released === '') return before;
    return before + deltaFrame(held.itemId, held.contentIndex, released);
  }

  /** Releases held text of every other part (an event of another part means this one moved on). */
  #releaseOthers(keep: string): string {
    let out = '';
    for (const [key, held] of this.#parts) if (key !== keep && held.scanner.holding) out += this.#release(held);
    return out;
  }

  #releaseAll(): string {
    let out = '';
    for (const held of this.#parts.values()) if (held.scanner.holding) out += this.#release(held);
    return out;
  }

  #release(held: Held): string {
    if (held.scanner.holding) this.#holding--;
    const text = new TextDecoder().decode(held.scanner.flush());
    return text === '' ? '' : deltaFrame(held.itemId, held.contentIndex, text);
  }
}

function deltaFrame(itemId: string, contentIndex: number, delta: string): string {
  const event = { type: 'thread.item.updated', item_id: itemId, update: { type: 'assistant_message.content_part.text_delta', content_index: contentIndex, delta } };
  return `data: ${JSON.stringify(event)}\n\n`;
}
