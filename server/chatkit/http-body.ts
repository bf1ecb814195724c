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
  if (depthExceeds(body, MAX_JSON_DEPTH)) {
    throw new RequestError(400, 'invalid_request', `the request body is nested deeper than ${MAX_JSON_DEPTH} levels`);
  }
  return body;
}

async function readText(request: Request, maxBytes: number): Promise<string> {
  const tooLarge = (): RequestError => new RequestError(413, 'payload_too_large', `the request body exceeds ${maxBytes} bytes`);
  const declared = Number(request.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge();
  if (!request.body) throw new RequestError(400, 'invalid_json', 'the request body is empty');
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge();
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new RequestError(400, 'invalid_json', 'the request body is not valid UTF-8');
  }
}

/** Iterative (no recursion), so it is safe on hostile input. */
export function depthExceeds(value: unknown, maxDepth: number): boolean {
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (node === null || typeof node !== 'object') continue;
    if (depth > maxDepth) return true;
    for (const child of Object.values(node)) if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
  }
  return false;
}
