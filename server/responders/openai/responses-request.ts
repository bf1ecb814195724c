/**
 * One streaming `POST /responses`, made as the `openai` SDK's
 * `responses.create(body).asResponse()` makes it (openai 6.x `client.ts` `makeRequest`), with
 * its errors (the SDK's own classes, so ./upstream-errors.ts maps them as before):
 * - each attempt has `timeoutMs` to the response headers, else it is aborted: a timeout;
 * - a connection failure or timeout is retried while retries remain, then thrown as
 *   `APIConnectionError` / `APIConnectionTimeoutError`;
 * - a status the SDK retries (`x-should-retry`, else 408, 409, 429, 5xx) is retried after the
 *   wait the upstream asks for (`retry-after-ms`, `retry-after`) or the SDK's backoff (0.5 s
 *   doubling to 8 s, less up to 25 % jitter); the last one, and every other non-2xx, throws
 *   `APIError.generate(status, body, …)` (`AuthenticationError`, `RateLimitError`, …);
 * - the caller's signal aborting throws `APIUserAbortError`.
 *
 * Why not the SDK's request: per request it builds platform headers, formats debug log lines
 * that are then dropped, and runs a dozen awaits and Headers conversions before the bytes leave,
 * about a tenth of chart-chat's CPU per conversation in `npm run bench` (see README, Benchmarks),
 * all on the way to the first token. Two deliberate differences: a wait between retries ends
 * when the caller's signal aborts (the SDK sleeps on after the client left), and a wait the
 * upstream asks for is capped at a minute (the SDK would sleep as long as it is told).
 * Organization and project headers are not sent: a key carries its project.
 */
import OpenAI from 'openai';

export const DEFAULT_BASE_URL = 'https://api.openai.com/v1';
/** The longest wait between attempts an upstream can ask for. */
const MAX_ASKED_WAIT_MS = 60_000;

export interface ResponsesRequestOptions {
  readonly apiKey: string;
  /** Default {@link DEFAULT_BASE_URL}. */
  readonly baseURL?: string;
  /** Default: the runtime's `fetch`. */
  readonly fetch?: typeof fetch;
  readonly maxRetries: number;
  /** Per attempt, to the response headers. */
  readonly timeoutMs: number;
}

/** Sends one Responses API request body; resolves with the 2xx response (its body unread). */
export type ResponsesRequest = (body: Record<string, unknown>, signal: AbortSignal) => Promise<Response>;

export function responsesRequest(options: ResponsesRequestOptions): ResponsesRequest {
  const url = `${(options.baseURL ?? DEFAULT_BASE_URL).replace(/\/+$/, '')}/responses`;
  const send = options.fetch ?? ((input, init) => fetch(input, init));
  const headers = { accept: 'application/json', 'content-type': 'application/json', authorization: `Bearer ${options.apiKey}` };
  const { maxRetries, timeoutMs } = options;

  return async (body, signal) => {
    const payload = JSON.stringify(body);
    for (let retriesLeft = maxRetries; ; retriesLeft--) {
      if (signal.aborted) throw new OpenAI.APIUserAbortError();
      const attempt = new AbortController();
      const abort = () => attempt.abort();
      signal.addEventListener('abort', abort, { once: true });
      const timer = setTimeout(abort, timeoutMs);
      let response: Response | undefined;
      let failure: unknown;
      try {
        response = await send(url, { method: 'POST', headers, body: payload, signal: attempt.signal });
      } catch (error) {
        failure = error;
      } finally {
        clearTimeout(timer);
      }
      // The answer's body stays tied to the caller's signal (an abort mid-stream ends it); any other attempt lets go.
      if (response?.ok) return response;
      signal.removeEventListener('abort', abort);
      if (!response) {
        if (signal.aborted) throw new OpenAI.APIUserAbortError();
        const timedOut = isAbortError(failure) || /timed? ?out/i.test(`${String(failure)}${failure instanceof Error && 'cause' in failure ? String(failure.cause) : ''}`);
        if (retriesLeft > 0) {
          await pause(defaultWait(retriesLeft, maxRetries), signal);
          continue;
        }
        if (timedOut) throw new OpenAI.APIConnectionTimeoutError();
        throw new OpenAI.APIConnectionError({ cause: failure instanceof Error ? failure : new Error(String(failure)) });
      }
      if (retriesLeft > 0 && shouldRetry(response)) {
        await response.body?.cancel().catch(() => undefined);
        await pause(askedWait(response.headers) ?? defaultWait(retriesLeft, maxRetries), signal);
        continue;
      }
      const text = await response.text().catch((error: unknown) => (error instanceof Error ? error.message : String(error)));
      const json = parseJson(text);
      throw OpenAI.APIError.generate(response.status, json as object | undefined, json ? undefined : text, response.headers);
    }
  };
}

/** The SDK's rule: the upstream's `x-should-retry` if it says, else timeouts, lock conflicts, rate limits and server errors. */
function shouldRetry(response: Response): boolean {
  const says = response.headers.get('x-should-retry');
  if (says === 'true') return true;
  if (says === 'false') return false;
  return response.status === 408 || response.status === 409 || response.status === 429 || response.status >= 500;
}

/** `retry-after-ms`, else `retry-after` (seconds or an HTTP date), capped; undefined when neither says. */
function askedWait(headers: Headers): number | undefined {
  let ms: number | undefined;
  const millis = parseFloat(headers.get('retry-after-ms') ?? '');
  if (!Number.isNaN(millis)) ms = millis;
  const after = headers.get('retry-after');
  if (after && !ms) {
    const seconds = parseFloat(after);
    ms = Number.isNaN(seconds) ? Date.parse(after) - Date.now() : seconds * 1000;
  }
  if (ms === undefined || Number.isNaN(ms)) return undefined;
  return Math.min(Math.max(ms, 0), MAX_ASKED_WAIT_MS);
}

/** The SDK's backoff: 0.5 s doubling per retry up to 8 s, less up to 25 % jitter. */
function defaultWait(retriesLeft: number, maxRetries: number): number {
  const seconds = Math.min(0.5 * 2 ** (maxRetries - retriesLeft), 8);
  return seconds * (1 - Math.random() * 0.25) * 1000;
}

/** Waits `ms`, or less if the caller's signal aborts (the next attempt then throws the abort). */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

const isAbortError = (error: unknown): boolean => typeof error === 'object' && error !== null && (error as { name?: unknown }).name === 'AbortError';

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
