/**
 * The part of the key-leak guard that byte scanning cannot do: a secret streamed across several
 * ChatKit `text_delta` events ("s" + "k-pro" + "j-ab…") is never contiguous in the bytes, yet the
 * browser joins it back together. So, per assistant text part, the deltas themselves are scanned
 * as one text.
 *
 * What is held back, and why: the longest tail of the part's text so far that is a proper prefix
 * of a guarded secret — however short, down to a lone "s". A key can be cut anywhere, including
 * within its first characters, and a prefix that has reached the client cannot be taken back;
 * "sk-" alone looks like ordinary text, but once released, the rest of the key would follow in
 * the next delta where no byte scan can see it whole. The held tail waits only until the next
 * delta of the same part (then it is released joined to it, or, if the secret is completed, replaced
 * by `[REDACTED]`), or until any other event or the end of the stream (then it is released as it
 * was, before that event): the text is never lost or reordered, only a few characters may arrive
 * one delta later. Deltas whose text cannot end in a secret's start pass through byte-for-byte.
 */
import { SecretScanner } from './secret-scanner.js';

const DELTA_MARK = '"assistant_message.content_part.text_delta"';
const DELTA_KEY = '"delta":"';
/** How our text-delta frames end: the delta string is the last field of `update`, the last field of the event. */
const DELTA_FRAME_END = '"}}';

/** A secret as it appears inside a JSON string (what the frames carry). */
export const jsonEscaped = (secret: string): string => JSON.stringify(secret).slice(1, -1);

/**
 * Whether any text-delta frame in `text` (whole SSE frames) may end its delta with the start of
 * one of `escapedSecrets` ({@link jsonEscaped}) — or has a layout this check cannot read, which
 * counts as "may". The delta guard's and the key guard's fast paths: `false` means nothing to hold.
 */
export function deltaTailMayHold(text: string, escapedSecrets: readonly string[]): boolean {
  for (let mark = text.indexOf(DELTA_MARK); mark >= 0; ) {
    const end = text.indexOf('\n\n', mark);
    if (end < 0) return true;
    const close = end - DELTA_FRAME_END.length;
    // The last key-value separator of the frame must be the delta's: then the delta string ends at `close`.
    const key = text.lastIndexOf(DELTA_KEY, close);
    if (key < mark || !text.startsWith(DELTA_FRAME_END, close) || text.lastIndexOf('":"', close) !== key + DELTA_KEY.length - 3) return true;
    if (escapedSecrets.some((secret) => endsWithStartOf(text, secret, key + DELTA_KEY.length, close))) return true;
    mark = text.indexOf(DELTA_MARK, end);
  }
  return false;
}

/** Whether `text.slice(from, end)` ends with a proper prefix of `secret`. */
export function endsWithStartOf(text: string, secret: string, from = 0, end = text.length): boolean {
  const first = secret[0]!;
  for (let at = text.indexOf(first, Math.max(from, end - secret.length + 1)); at >= 0 && at < end; at = text.indexOf(first, at + 1)) {
    let j = 1;
    while (at + j < end && text.charCodeAt(at + j) === secret.charCodeAt(j)) j++;
    if (at + j === end) return true;
  }
  return false;
}

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
  /** The secrets as frames carry them, for the fast path. */
  readonly #escaped: readonly string[];
  #holding = 0;
  #buffer = '';
  /** The last chunk ended in a non-ASCII byte: the decoder may hold part of a character. */
  #midCharacter = false;

  constructor(patterns: readonly Uint8Array[], onHit: () => void) {
    this.#patterns = patterns;
    this.#onHit = onHit;
    this.#escaped = patterns.map((p) => jsonEscaped(new TextDecoder().decode(p)));
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
    // Fast path, nearly every frame: nothing held and no delta here whose tail could start a hold.
    if (this.#holding === 0 && !deltaTailMayHold(frame, this.#escaped)) return frame;
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
      held = { itemId: event.item_id, contentIndex: update.content_index, scanner: new SecretScanner(this.#patterns, this.#onHit) };
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
