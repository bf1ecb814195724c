/**
 * The `fetch` model requests use on Node: one `node:http(s)` request over a keep-alive agent.
 * The global fetch (undici) builds the request body as a web stream, clones the request (a tee)
 * and wraps the answer in another web stream — about a seventh of the server's CPU per
 * conversation in `npm run bench` at 200 concurrent. The request on top of it
 * (../responders/openai/responses-request.ts) keeps doing what matters: retries, the timeout
 * (it aborts the signal), status errors. So this behaves as any fetch does (and as the `openai`
 * SDK expects, should it be given this): a failure before the answer rejects with a `TypeError` (`cause`: the
 * socket error), an abort with an `AbortError`; a body cut mid-stream fails its read with a
 * `TypeError`, an aborted one with an `AbortError`.
 *
 * It lives in the Node entry because Workers' bundlers refuse `node:http`: the OpenAI responder
 * takes it as its `fetch` option (`npm start` passes it; other runtimes keep their own fetch).
 */
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import { Readable } from 'node:stream';
import { NODE_BODY } from '../responders/openai/node-body.js';

type Fetch = typeof fetch;

/** A `fetch` over `node:http(s)` with keep-alive agents (string bodies only, as model requests send). */
export function nodeFetch(): Fetch {
  const agents = { 'http:': new http.Agent({ keepAlive: true }), 'https:': new https.Agent({ keepAlive: true }) };
  return ((input: string | URL | Request, init: RequestInit = {}) => {
    if (typeof input !== 'string' && !(input instanceof URL)) return Promise.reject(new TypeError('nodeFetch takes a URL'));
    const url = new URL(input);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return Promise.reject(new TypeError(`fetch failed: ${url.protocol} is not supported`));
    const body = init.body ?? undefined;
    if (body !== undefined && typeof body !== 'string') return Promise.reject(new TypeError('nodeFetch sends string bodies only'));
    const headers: Record<string, string> = {};
    // A plain object (what model requests pass) is copied as it is; anything else through Headers.
    if (isPlainRecord(init.headers)) for (const [name, value] of Object.entries(init.headers)) headers[name.toLowerCase()] = value;
    else new Headers(init.headers).forEach((value, name) => (headers[name] = value));
    if (body !== undefined) headers['content-length'] = String(Buffer.byteLength(body));
    const signal = init.signal ?? undefined;
    const send = url.protocol === 'https:' ? https.request : http.request;
    return new Promise<Response>((resolve, reject) => {
      if (signal?.aborted) return reject(abortError());
      let answered = false;
      const attempt = (retried: boolean) => {
        const request = send(url, { method: init.method ?? 'GET', headers, agent: agents[url.protocol as 'http:' | 'https:'] });
        const onAbort = () => request.destroy(abortError());
        signal?.addEventListener('abort', onAbort, { once: true });
        request.on('error', (error: Error & { code?: string }) => {
          if (answered) return; // the body stream reports it
          signal?.removeEventListener('abort', onAbort);
          // A kept-alive socket the server closed just as it was reused: send once more on a new one.
          if (!retried && request.reusedSocket && error.code === 'ECONNRESET' && !signal?.aborted) return attempt(true);
          reject(signal?.aborted ? abortError() : new TypeError('fetch failed', { cause: error }));
        });
        request.on('response', (message) => {
          answered = true;
          signal?.removeEventListener('abort', onAbort);
          resolve(new NodeResponse(message, url.href, signal) as unknown as Response);
        });
        request.end(body);
      };
      attempt(false);
    });
  }) as Fetch;
}

const abortError = () => new DOMException('This operation was aborted', 'AbortError');

/** What a model request reads of a Response: status, headers, url, and the body as text, JSON or a web stream (made only if asked for). */
class NodeResponse {
  readonly status: number;
  readonly statusText: string;
  readonly ok: boolean;
  #headers: Headers | undefined;
  readonly url: string;
  readonly redirected = false;
  readonly type = 'basic';
  readonly [NODE_BODY]: IncomingMessage;
  #body: ReadableStream<Uint8Array> | undefined;
  #used = false;

  constructor(message: IncomingMessage, url: string, signal: AbortSignal | undefined) {
    this.status = message.statusCode ?? 0;
    this.statusText = message.statusMessage ?? '';
    this.ok = this.status >= 200 && this.status < 300;
    this.url = url;
    this[NODE_BODY] = message;
    // An abort after the answer began ends the body with an AbortError; a cut connection with a TypeError.
    if (signal) {
      const onAbort = () => message.destroy(abortError());
      signal.addEventListener('abort', onAbort, { once: true });
      message.once('close', () => signal.removeEventListener('abort', onAbort));
    }
    message.once('aborted', () => message.destroy(new TypeError('terminated')));
  }

  /** Made on first use: a streamed answer's headers are read only when something fails. */
  get headers(): Headers {
    if (!this.#headers) {
      this.#headers = new Headers();
      const raw = this[NODE_BODY].rawHeaders;
      for (let i = 0; i + 1 < raw.length; i += 2) this.#headers.append(raw[i]!, raw[i + 1]!);
    }
    return this.#headers;
  }

  get bodyUsed(): boolean {
    return this.#used;
  }

  get body(): ReadableStream<Uint8Array> {
    this.#used = true;
    return (this.#body ??= Readable.toWeb(this[NODE_BODY]) as ReadableStream<Uint8Array>);
  }

  async text(): Promise<string> {
    return (await this.#bytes()).toString('utf8');
  }

  async json(): Promise<unknown> {
    return JSON.parse(await this.text());
  }

  async arrayBuffer(): Promise<ArrayBuffer> {
    const bytes = await this.#bytes();
    return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  }

  async #bytes(): Promise<Buffer> {
    if (this.#used) throw new TypeError('Body is unusable: Body has already been read');
    this.#used = true;
    const chunks: Buffer[] = [];
    for await (const chunk of this[NODE_BODY]) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }
}

const isPlainRecord = (value: unknown): value is Record<string, string> =>
  typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype && Object.values(value).every((v) => typeof v === 'string');
