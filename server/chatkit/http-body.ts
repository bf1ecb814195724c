/**
 * Reading a request body defensively: a byte cap enforced while streaming (not just from
 * Content-Length), strict UTF-8, lenient about Content-Type, and a nesting-depth check so
 * that no later recursive step (validation, serialization) can blow the stack.
 */
import { RequestError } from '../wire/request-error.js';

export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
export const MAX_JSON_DEPTH = 64;

export async function readJsonBody(request: Request, maxBytes: number): Promise<unknown> {
  const text = await readText(request, maxBytes);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new RequestError(400, 'invalid_json', 'the request body is not valid JSON');
  }
  // No second walk over the parsed value for its depth: readText scanned every byte JSON.parse
  // accepted, and in valid JSON the brackets outside strings are exactly the nesting.
  return body;
}

async function readText(request: Request, maxBytes: number): Promise<string> {
  const tooLarge = (): RequestError => new RequestError(413, 'payload_too_large', `the request body exceeds ${maxBytes} bytes`);
  const declared = Number(request.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) {
    if (request.body && declared <= DRAIN_LIMIT_BYTES) await drain(request.body.getReader(), DRAIN_LIMIT_BYTES);
    throw tooLarge();
  }
  // A declared length within the cap bounds what the runtime buffers (its HTTP parser reads no
  // more than that), so the body is read whole: on Node the request is never turned into a web
  // stream (@hono/node-server reads the socket directly), a third of this function's time.
  if (Number.isFinite(declared) && request.headers.has('content-length')) return decode(await wholeBody(request));
  if (!request.body) throw new RequestError(400, 'invalid_json', 'the request body is empty');
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  const depth = new DepthScanner(MAX_JSON_DEPTH);
  let size = 0;
  for (;;) {
    let read: ReadableStreamReadResult<Uint8Array>;
    try {
      read = await reader.read();
    } catch {
      // The client went away mid-body: nobody is left to answer, and it is no server error.
      throw new RequestError(400, 'client_abort', 'the client aborted the request body');
    }
    if (read.done) break;
    const value = read.value;
    size += value.byteLength;
    if (size > maxBytes) {
      await drain(reader, DRAIN_LIMIT_BYTES);
      throw tooLarge();
    }
    // Depth is checked as the bytes arrive, before JSON.parse spends time on a hostile shape.
    if (depth.exceeded(value)) {
      // Read (and drop) the rest, unscanned, so the client gets the answer instead of a reset.
      await drain(reader, maxBytes - size);
      throw new RequestError(400, 'invalid_request', `the request body is nested deeper than ${MAX_JSON_DEPTH} levels`);
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return decode(bytes);
}

async function wholeBody(request: Request): Promise<Uint8Array> {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await request.arrayBuffer());
  } catch {
    throw new RequestError(400, 'client_abort', 'the client aborted the request body');
  }
  if (bytes.byteLength === 0) throw new RequestError(400, 'invalid_json', 'the request body is empty');
  if (new DepthScanner(MAX_JSON_DEPTH).exceeded(bytes)) throw new RequestError(400, 'invalid_request', `the request body is nested deeper than ${MAX_JSON_DEPTH} levels`);
  return bytes;
}

function decode(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new RequestError(400, 'invalid_json', 'the request body is not valid UTF-8');
  }
}

/** A refused upload is read this far (and dropped) so its client can read the refusal. */
const DRAIN_LIMIT_BYTES = 8 * 1024 * 1024;
const DRAIN_LIMIT_MS = 5_000;

/**
 * Reads and drops the rest of a body, up to `limit` bytes and a few seconds, before answering:
 * a client still sending when it is answered could otherwise see a connection reset instead of
 * the 4xx. Past the limit reading stops without cancelling: cancelling would destroy the
 * connection before the answer is written. (On Node the server drops what is left after the
 * answer: server/node/request-limits.ts.)
 */
async function drain(reader: ReadableStreamDefaultReader<Uint8Array>, limit: number): Promise<void> {
  const deadline = Date.now() + DRAIN_LIMIT_MS;
  let left = limit;
  try {
    for (;;) {
      if (left < 0 || Date.now() > deadline) break;
      const { done, value } = await reader.read();
      if (done) return;
      left -= value.byteLength;
    }
  } catch {
    return; // the client went away: nothing to answer
  }
  reader.releaseLock();
}

const OTHER = 0;
const QUOTE = 1;
const BACKSLASH = 2;
const OPEN = 3;
const CLOSE = 4;
/** What each byte is to the depth scan. */
const BYTE_KIND = new Uint8Array(256);
BYTE_KIND[0x22] = QUOTE;
BYTE_KIND[0x5c] = BACKSLASH;
BYTE_KIND[0x5b] = BYTE_KIND[0x7b] = OPEN;
BYTE_KIND[0x5d] = BYTE_KIND[0x7d] = CLOSE;

/**
 * Nesting depth of JSON text, byte by byte across chunks, outside strings. UTF-8 continuation
 * bytes are all >= 0x80, so looking at ASCII brackets and quotes byte-wise is exact. Linear, and
 * stops at the first byte past the limit (1 MB of `[` costs microseconds, not a parse).
 */
export class DepthScanner {
  #depth = 0;
  #inString = false;
  #escaped = false;
  constructor(readonly maxDepth: number) {}

  /** Feeds the next bytes; true once the text has gone deeper than `maxDepth`. */
  exceeded(bytes: Uint8Array): boolean {
    // The state lives in locals inside the loop (every body byte passes here; fields cost more per byte).
    let depth = this.#depth;
    let inString = this.#inString;
    let escaped = this.#escaped;
    const max = this.maxDepth;
    let over = false;
    for (let i = 0, n = bytes.length; i < n; i++) {
      const kind = BYTE_KIND[bytes[i]!]!;
      // Most bytes (digits, letters, commas) mean nothing here: one table load, no comparisons.
      if (kind === OTHER) {
        escaped = false;
        continue;
      }
      if (inString) {
        if (escaped) escaped = false;
        else if (kind === BACKSLASH) escaped = true;
        else if (kind === QUOTE) inString = false;
      } else if (kind === QUOTE) inString = true;
      else if (kind === OPEN) {
        if (++depth > max) {
          over = true;
          break;
        }
      } else if (kind === CLOSE) depth--;
    }
    this.#depth = depth;
    this.#inString = inString;
    this.#escaped = escaped;
    return over;
  }
}
