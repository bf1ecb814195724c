/**
 * The one way the server refuses a request: a `RequestError`, answered by `errorResponse` as
 * JSON `{ "error": { "code", "message" } }` (docs/protocol.md, "Errors"). The protocol core
 * throws it, middleware returns its response, the app's error handler turns anything thrown
 * into one. Messages are fixed strings chosen by the server, never built from what the client
 * sent, so nothing it sent (or any secret) is echoed back.
 */
export type ErrorStatus = 400 | 401 | 403 | 404 | 405 | 408 | 409 | 412 | 413 | 415 | 429 | 431 | 500 | 502 | 503;

export class RequestError extends Error {
  constructor(
    readonly status: ErrorStatus,
    readonly code: string,
    message: string,
    /** Extra response headers (`Retry-After`, `WWW-Authenticate`, `Allow`...). */
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
    this.name = 'RequestError';
  }
}

/** The error's JSON body text. */
export function errorBody(error: RequestError): string {
  return JSON.stringify({ error: { code: error.code, message: error.message } });
}

/** The error's JSON answer; never cached. */
export function errorResponse(error: RequestError): Response {
  return new Response(errorBody(error), {
    status: error.status,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store', ...error.headers },
  });
}
