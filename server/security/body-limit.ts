/**
 * Request body cap: `413` JSON before the handler reads a byte more than allowed. Trusts
 * `Content-Length` (Node's parser enforces it) and counts chunked bodies as they stream in.
 */
import type { MiddlewareHandler } from 'hono';
import { bodyLimit as honoBodyLimit } from 'hono/body-limit';
import { errorResponse, RequestError } from '../wire/request-error.js';

/** The ChatKit route reads its own body with a cap (`maxBodyBytes`); this guards the smaller routes. */
export function bodyLimit(maxBytes: number): MiddlewareHandler {
  return honoBodyLimit({
    maxSize: maxBytes,
    onError: () => errorResponse(new RequestError(413, 'payload_too_large', `Request body exceeds ${maxBytes} bytes.`)),
  });
}
