/**
 * Node only (`server/main.ts` and the test listener): what the HTTP server refuses before the
 * app sees a request, cheaply and without an ERROR line — clients too slow to send a request
 * (slow loris) and connections beyond a cap.
 *
 * - Headers: a request's line and headers must arrive within `headersTimeoutMs` of its first
 *   byte (Node's `headersTimeout`).
 * - Body: its body within `bodyTimeoutMs` after the headers (a timer per request that has a body
 *   still to come; Node's own `requestTimeout`, headers + body, is the backstop for the rest).
 * - Only receiving is timed: once a request is in, its answer (an SSE stream of any length) is not.
 * - A timed-out client gets `408 {"error":{"code":"request_timeout",…}}` with `Connection: close`
 *   when nothing of an answer was sent yet, else the connection is closed; either way it is an
 *   info line. The rest of that request is dropped (the app never gets it), and the socket
 *   closes when the client closes or a moment after the answer, so the client reads the 408
 *   rather than a reset.
 * - Connections: at most `maxConnections` open at once (idle keep-alive ones and streams count);
 *   more are closed on arrival, before any byte is read (Node's `maxConnections`), counted in an
 *   info line at most every 10 s.
 */
import type { IncomingMessage, Server, ServerOptions, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Logger } from '../log/logger.js';
import { errorBody, RequestError } from '../wire/request-error.js';

export interface RequestLimits {
  /** A request's line and headers must arrive within this many ms of its first byte. */
  readonly headersTimeoutMs: number;
  /** Its body within this many ms after the headers. */
  readonly bodyTimeoutMs: number;
  /** Open connections at most; more are closed on arrival. `0`: no cap. */
  readonly maxConnections: number;
}

export const DEFAULT_REQUEST_LIMITS: RequestLimits = { headersTimeoutMs: 30_000, bodyTimeoutMs: 30_000, maxConnections: 1000 };

/** After the server's last byte, the client has this long to close before the socket is destroyed. */
const LINGER_MS = 2_000;
const DROP_REPORT_MS = 10_000;

/** `createServer` options carrying the limits Node enforces itself. */
export function limitServerOptions(limits: RequestLimits): ServerOptions {
  return {
    headersTimeout: limits.headersTimeoutMs,
    requestTimeout: limits.headersTimeoutMs + limits.bodyTimeoutMs,
    // Node looks for expired requests this often (default 30 s, as long as the timeouts themselves).
    connectionsCheckingInterval: Math.max(50, Math.min(1_000, Math.floor(limits.headersTimeoutMs / 4))),
  };
}

/** Installs the connection cap and the answers to slow or broken clients on a server made with {@link limitServerOptions}. */
export function applyRequestLimits(server: Server, limits: RequestLimits, logger: Logger): void {
  if (limits.maxConnections > 0) {
    server.maxConnections = limits.maxConnections;
    let dropped = 0;
    let reported = 0;
    server.on('drop', () => {
      dropped++;
      const now = Date.now();
      if (now - reported < DROP_REPORT_MS) return;
      reported = now;
      logger.info('connections refused: at the cap', { max_connections: limits.maxConnections, refused: dropped });
      dropped = 0;
    });
  }
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => {
    // Node reports a broken or expired request again on every later byte or check: answer once.
    if (closing.has(socket)) return;
    if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
      // A request is attached once its headers are in: then it is the body that was too slow.
      const response = (socket as { _httpMessage?: ServerResponse | null })._httpMessage;
      requestTimedOut(socket, response ? 'body' : 'headers', response ?? undefined, logger, response?.req);
    } else if (error.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
    } else {
      // Not HTTP (or headers too large): what Node answers by default, in our error shape.
      const tooLarge = error.code === 'HPE_HEADER_OVERFLOW';
      logger.debug('malformed request', { code: error.code });
      refuse(socket, tooLarge ? new RequestError(431, 'headers_too_large', 'the request headers are too large') : new RequestError(400, 'bad_request', 'malformed HTTP request'));
    }
  });
}

/**
 * Node's own close after an answer that says `Connection: close` (`socket.destroySoon`) destroys
 * the socket as soon as the answer is flushed; a client still sending its body then gets a reset,
 * which can destroy the answer before it is read. Instead: send the FIN, keep reading (what comes
 * is dropped with the request it belongs to), and close once the client closes or after a moment.
 */
export function lingerOnClose(socket: Socket): void {
  socket.destroySoon = function lingeringClose(this: Socket) {
    if (this.writable) this.end();
    lingerThenClose(this);
  };
}

/** Whether the server is closing this connection: a request still arriving on it is not the app's. */
export function isClosing(socket: Socket): boolean {
  return closing.has(socket);
}

/**
 * Once the answer is sent, whatever the app left of the body (a refusal from the headers alone,
 * a body refused part way) is read and dropped: the client reads the answer instead of a reset,
 * and a keep-alive connection can carry its next request. The body timer still bounds it.
 */
export function dropUnreadBody(req: IncomingMessage): void {
  if (req.readableEnded || req.destroyed) return;
  // The app is done with this request: nothing it attached may buffer the rest.
  req.removeAllListeners('data');
  req.on('data', () => undefined);
  req.resume();
}

/** Starts the body timer for a request whose body has yet to arrive (call it as the request comes in). */
export function watchBody(req: IncomingMessage, res: ServerResponse, limits: RequestLimits, logger: Logger): void {
  if (req.complete || !hasBody(req)) return;
  const timer = setTimeout(() => {
    if (!req.complete && !req.socket.destroyed) requestTimedOut(req.socket, 'body', res, logger, req);
  }, limits.bodyTimeoutMs);
  timer.unref();
  req.once('close', () => clearTimeout(timer));
}

function hasBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  return (length !== undefined && length !== '0') || req.headers['transfer-encoding'] !== undefined;
}

/** Sockets being closed after a refusal. */
const closing = new WeakSet<Socket>();

function requestTimedOut(socket: Socket, phase: 'headers' | 'body', response: ServerResponse | undefined, logger: Logger, req?: IncomingMessage): void {
  if (closing.has(socket)) return;
  logger.info('request timeout', { phase, ...(response?.req?.url !== undefined && { path: response.req.url.split('?')[0] }) });
  if (response?.headersSent || !socket.writable) {
    closing.add(socket);
    socket.destroy();
    return;
  }
  // The rest of the body is no longer the app's: it never completes there, and is dropped.
  if (req) dropUnreadBody(req);
  refuse(socket, new RequestError(408, 'request_timeout', phase === 'headers' ? 'the request headers took too long' : 'the request body took too long'));
}

/** Writes a whole error answer straight to the socket, then closes it gently. */
function refuse(socket: Socket, error: RequestError): void {
  const body = errorBody(error);
  const head = [
    `HTTP/1.1 ${error.status} ${REASONS[error.status] ?? 'Error'}`,
    'Content-Type: application/json',
    'Cache-Control: no-store',
    'Connection: close',
    `Content-Length: ${Buffer.byteLength(body)}`,
  ];
  closeGently(socket, `${head.join('\r\n')}\r\n\r\n${body}`);
}

/** Sends `last` and a FIN, then lingers before closing. */
function closeGently(socket: Socket, last: string): void {
  socket.end(last);
  lingerThenClose(socket);
}

/**
 * After the server's last byte: keep reading for a moment (what the client still sends is
 * dropped: a request on a closing connection never reaches the app) and close once the client
 * closes, or after {@link LINGER_MS}. Closing at once with the client's bytes unread would send
 * a reset, which can destroy the answer before the client reads it.
 */
function lingerThenClose(socket: Socket): void {
  if (closing.has(socket)) return;
  closing.add(socket);
  // Node took its own error listener off before a clientError; a reset meanwhile is no news.
  socket.on('error', () => undefined);
  const timer = setTimeout(() => socket.destroy(), LINGER_MS);
  timer.unref();
  socket.once('end', () => socket.destroy());
  socket.once('close', () => clearTimeout(timer));
}

const REASONS: Record<number, string> = { 400: 'Bad Request', 408: 'Request Timeout', 431: 'Request Header Fields Too Large' };
