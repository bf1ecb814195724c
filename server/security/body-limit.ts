/**
 * Request body cap: `413` JSON before the handler reads a byte more than allowed. Trusts
 * `Content-Length` (Node's parser enforces it) and counts chunked bodies as they stream in.
 */
import type { MiddlewareHandler } from 'hono';
import { bodyLimit as honoBodyLimit } from 'hono/body-limit';
import { jsonError } from './json-error.js';

/**
 * 4 MiB: the contract accepts up to MAX_INPUT_BARS (20,000) bars before capping them, about
 * 2 MB of JSON, plus the message; anything larger is not a chat request.
 */
export const DEFAULT_MAX_BODY_BYTES = 4 * 1024 * 1024;

export function bodyLimit(maxBytes: number = DEFAULT_MAX_BODY_BYTES): MiddlewareHandler {
  return honoBodyLimit({
    maxSize: maxBytes,
    onError: () => jsonError(413, 'payload_too_large', `Request body exceeds ${maxBytes} bytes.`),
  });
}
