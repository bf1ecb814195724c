/**
 * The model's event stream read from the raw response body, one body chunk at a time. The SDK
 * still makes the request (retries, timeouts, status errors: everything before the stream
 * starts); its `Stream` iterator would then run each event through four async layers and copy
 * its bytes twice. This reads the same events with the same outcomes as that iterator (openai
 * 6.x `core/streaming.ts`): `[DONE]` ends the events, `data` with an `error` field is an
 * `APIError`, malformed JSON a `SyntaxError`, an abort ends the events quietly — and, as the
 * responder reported it before, a connection dropped mid-stream is a cut stream.
 */
import OpenAI from 'openai';
import type { ResponseStreamEvent } from 'openai/resources/responses/responses';
import type { IncomingMessage } from 'node:http';
import { NODE_BODY } from './node-body.js';
import { failure } from './upstream-errors.js';

/** Each body chunk's complete events, in order (chunks that complete none yield nothing). */
export function responseEvents(response: Response): AsyncGenerator<ResponseStreamEvent[], void, undefined> {
  const message = (response as { [NODE_BODY]?: IncomingMessage })[NODE_BODY];
  return message ? nodeResponseEvents(message, () => response.headers) : webResponseEvents(response);
}

/** From chart-chat/server/node's `nodeFetch`: the body as Node delivers it, no web stream in between. */
async function* nodeResponseEvents(message: IncomingMessage, headers: () => Headers): AsyncGenerator<ResponseStreamEvent[], void, undefined> {
  const parser = new EventParser(headers);
  const chunks = new BodyChunks(message);
  try {
    try {
      for (let chunk = await chunks.next(); chunk !== null; chunk = await chunks.next()) {
        const events = parser.push(chunk);
        if (events.length > 0) yield events;
        if (parser.failure !== undefined) throw parser.failure;
        if (parser.finished) return;
      }
    } catch (error) {
      if (error === parser.failure) throw error;
      if (isAbortError(error)) return;
      throw failure('cut');
    }
    const events = parser.push('');
    if (events.length > 0) yield events;
  } finally {
    chunks.dispose();
    if (!message.complete) message.destroy();
  }
}

/** A body paused once this many chunks wait unread (the client reads slower than the model writes). */
const MAX_WAITING_CHUNKS = 16;

/**
 * A Node body's text chunks, from its `data` events: one callback per chunk, where the stream's
 * async iterator costs a few promise jobs and a `readable` round per chunk. Resolves null at the
 * end; rejects with the stream's error, or when it closes before its end.
 */
class BodyChunks {
  readonly #message: IncomingMessage;
  readonly #waiting: string[] = [];
  #ended = false;
  #failure: { error: unknown } | undefined;
  #wake: (() => void) | undefined;

  constructor(message: IncomingMessage) {
    this.#message = message;
    message.setEncoding('utf8');
    message.on('data', this.#onData);
    message.on('end', this.#onEnd);
    message.on('error', this.#onError);
    message.on('close', this.#onClose);
  }

  async next(): Promise<string | null> {
    while (this.#waiting.length === 0) {
      if (this.#failure) throw this.#failure.error;
      if (this.#ended) return null;
      await new Promise<void>((resolve) => (this.#wake = resolve));
      this.#wake = undefined;
    }
    if (this.#waiting.length === MAX_WAITING_CHUNKS) this.#message.resume();
    return this.#waiting.length === 1 ? this.#waiting.pop()! : this.#waiting.splice(0).join('');
  }

  dispose(): void {
    this.#message.off('data', this.#onData);
    this.#message.off('end', this.#onEnd);
    this.#message.off('error', this.#onError);
    this.#message.off('close', this.#onClose);
  }

  readonly #onData = (chunk: string): void => {
    if (this.#waiting.push(chunk) === MAX_WAITING_CHUNKS) this.#message.pause();
    this.#wake?.();
  };
  readonly #onEnd = (): void => {
    this.#ended = true;
    this.#wake?.();
  };
  readonly #onError = (error: unknown): void => {
    this.#failure ??= { error };
    this.#wake?.();
  };
  readonly #onClose = (): void => {
    if (!this.#ended) this.#failure ??= { error: new Error('the body closed before its end') };
    this.#wake?.();
  };
}

async function* webResponseEvents(response: Response): AsyncGenerator<ResponseStreamEvent[], void, undefined> {
  if (!response.body) throw new OpenAI.OpenAIError('Attempted to iterate over a response with no body');
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  const parser = new EventParser(() => response.headers);
  try {
    for (;;) {
      let read: ReadableStreamReadResult<Uint8Array>;
      try {
        read = await reader.read();
      } catch (error) {
        if (isAbortError(error)) return;
        if (error instanceof TypeError) throw failure('cut');
        throw error;
      }
      const events = parser.push(read.done ? decoder.decode() : decoder.decode(read.value, { stream: true }));
      // The events before a bad one still count, as they did one by one.
      if (events.length > 0) yield events;
      if (parser.failure !== undefined) throw parser.failure;
      // A last event without its blank line is dropped, as the SDK drops it.
      if (read.done || parser.finished) return;
    }
  } finally {
    reader.cancel().catch(() => undefined);
  }
}

const isAbortError = (error: unknown): boolean => typeof error === 'object' && error !== null && (error as { name?: unknown }).name === 'AbortError';

/** Server-sent events (any of CRLF, CR, LF line ends) to the Responses stream's events. */
export class EventParser {
  /** The response's headers, for an in-stream error only (a lazy Headers on Node: most streams never need one). */
  readonly #headers: () => Headers;
  #rest = '';
  #event: string | null = null;
  #data: string[] = [];
  /** `[DONE]` was seen: nothing after it counts. */
  finished = false;
  /** What a bad event threw; the events before it were returned, nothing after it is read. */
  failure: unknown;

  constructor(headers: () => Headers) {
    this.#headers = headers;
  }

  push(text: string): ResponseStreamEvent[] {
    let lines = this.#rest + text;
    // A CR at the end may be the first half of a CRLF: keep it for the next chunk.
    let held = '';
    if (lines.includes('\r')) {
      if (lines.endsWith('\r')) {
        held = '\r';
        lines = lines.slice(0, -1);
      }
      lines = lines.replace(/\r\n?/g, '\n');
    }
    const out: ResponseStreamEvent[] = [];
    let start = 0;
    for (let end = lines.indexOf('\n'); end >= 0 && !this.finished && this.failure === undefined; end = lines.indexOf('\n', start)) {
      try {
        this.#line(lines.slice(start, end), out);
      } catch (error) {
        this.failure = error;
      }
      start = end + 1;
    }
    this.#rest = lines.slice(start) + held;
    return out;
  }

  #line(line: string, out: ResponseStreamEvent[]): void {
    if (line === '') {
      if (this.#event === null && this.#data.length === 0) return;
      const event = this.#event;
      const data = this.#data.join('\n');
      this.#event = null;
      this.#data = [];
      this.#dispatch(event, data, out);
      return;
    }
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') this.#event = value;
    else if (field === 'data') this.#data.push(value);
  }

  #dispatch(event: string | null, data: string, out: ResponseStreamEvent[]): void {
    if (data.startsWith('[DONE]')) {
      this.finished = true;
      return;
    }
    const parsed = JSON.parse(data) as (ResponseStreamEvent & { error?: unknown }) | null;
    // Assistants-style `thread.*` events are not Responses events: the SDK passed them on as
    // `{event, data}`, which nothing here reads.
    if (event !== null && event.startsWith('thread.')) return;
    if (parsed && parsed.error) throw new OpenAI.APIError(undefined, parsed.error as object, undefined, this.#headers());
    out.push(parsed as ResponseStreamEvent);
  }
}
