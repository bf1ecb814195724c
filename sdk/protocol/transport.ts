/**
 * The `fetch` every protocol request goes through, in both renderers (it is ChatKit's
 * `api.fetch`). It keeps the caller's headers (a Request's and init's), adds the identity
 * headers, puts the current validated chart context (and the page's policy and outcomes) into the
 * JSON body's `metadata`, whatever form the body takes, and renews the session token once when
 * the server answers 401.
 *
 * Bars are sent once per thread (docs/protocol.md §6): once the server acknowledged storing the
 * bars of a request, the next request on that thread with the same bars sends their hash instead,
 * and sends the request again with the bars if the server answers that it cannot resolve it.
 */
import { BARS_HEADER, BARS_UNKNOWN_STATUS } from '../contract/bars-ref.js';
import { CLIENT_ID_HEADER } from '../contract/wire.js';
import { clientId } from './client-id.js';

export interface TransportHost {
  /** `session-url`; when empty, no Authorization header is sent. */
  readonly sessionUrl?: string | null | undefined;
  /** What goes into a request's `metadata` (chart context, page policy, outcomes), given the request type; called once per request. */
  requestMetadata(type: unknown): Record<string, unknown>;
  /** Session tokens from a session URL (`session.ts`'s `sessionTokens`, which loads with the renderers). */
  sessionTokens?: (url: string) => (renew?: boolean) => Promise<string>;
  /** Reports a failure that the caller of fetch may not surface (the session request). */
  reportError(code: string, error: unknown): void;
}

/**
 * `fetch`, plus who to tell when a request about a thread found it gone (404): ChatKit's
 * renderer lets go of that thread when it is the one on screen.
 */
export type Transport = (input: RequestInfo | URL, init?: RequestInit, gone?: { threadGone(threadId: unknown): void }) => Promise<Response>;

export function createTransport(host: TransportHost): Transport {
  let session: { url: string; token: (renew?: boolean) => Promise<string> } | undefined;
  // The last acknowledged upload: [hash, thread id, JSON of its bars].
  let stored: (string | undefined)[] = [];
  return async (input, init = {}, gone) => {
    const url = host.sessionUrl;
    if (url && session?.url !== url) session = { url, token: host.sessionTokens!(url) };
    // ChatKit may hand us a Request: its headers and body count as much as init's.
    const request = input instanceof Request ? input : undefined;
    const original = init.body ?? (request?.body && (await request.clone().blob()));
    const json = await jsonOf(original);
    // Only an object's metadata is merged into.
    const metadata = json && { ...(json.metadata?.constructor == Object && json.metadata), ...host.requestMetadata(json.type) };
    const context = metadata?.chart_context;
    const bars: string | undefined = context && JSON.stringify(context.bars);
    const hash = bars && bars == stored[2] && json.params?.thread_id == stored[1] && stored[0];
    const body = (full?: unknown) => {
      if (!json) return original;
      const text = JSON.stringify({ ...json, metadata: hash && !full ? { ...metadata, chart_context: { ...context, bars: hash } } : metadata });
      // A Blob keeps its type (it may be the request's only Content-Type).
      return original instanceof Blob ? new Blob([text], { type: original.type }) : text;
    };
    const send = async (body: BodyInit | null | undefined, renew?: boolean) => {
      const headers = new Headers(request?.headers);
      new Headers(init.headers).forEach((value, name) => headers.set(name, value));
      headers.set(CLIENT_ID_HEADER, clientId());
      if (url) headers.set('Authorization', `Bearer ${await session!.token(renew).catch((e: unknown) => {
        host.reportError('session_failed', e);
        throw e;
      })}`);
      return fetch(input, { ...init, headers, body });
    };
    const sent = body();
    let res = await send(sent);
    if (res.status === 401 && url) res = await send(sent, true);
    // The server no longer has those bars for this thread: the same request, with them.
    if (res.status === BARS_UNKNOWN_STATUS) res = await send(body(1));
    const ack = res.headers.get(BARS_HEADER);
    if (ack) stored = [...ack.split(' '), bars];
    if (res.status == 404) gone?.threadGone(json?.params?.thread_id);
    return res;
  };
}

/**
 * The JSON object a request body holds, whatever form the body takes: a string, a Blob, an
 * ArrayBuffer or a typed array (a `Response` reads them all). Any other body (FormData, a
 * stream), and a body that is not a JSON object, is undefined: it passes through untouched.
 */
async function jsonOf(body: BodyInit | null | undefined): Promise<any> {
  try {
    const request = body instanceof ReadableStream || JSON.parse(await new Response(body).text());
    // JSON.parse makes plain objects only: not an array, null, a string or a number.
    if (request?.constructor == Object) return request;
  } catch {}
}
