/**
 * The `fetch` every protocol request goes through, in both renderers (it is ChatKit's
 * `api.fetch`). It keeps the caller's headers (a Request's and init's), adds the identity
 * headers, puts the current validated chart context (and the page's policy and outcomes) into the
 * JSON body's `metadata`, whatever form the body takes, and renews the session token once when
 * the server answers 401.
 */
import { CLIENT_ID_HEADER } from '../contract/wire.js';
import { clientId, sessionTokens } from './session.js';

export interface TransportHost {
  /** `session-url`; when empty, no Authorization header is sent. */
  readonly sessionUrl?: string | null | undefined;
  /** What goes into every request's `metadata` (chart context, page policy, outcomes), given the request type. */
  requestMetadata(type: unknown): Record<string, unknown>;
  /** Reports a failure that the caller of fetch may not surface (the session request). */
  reportError(code: string, error: unknown): void;
}

export function createTransport(host: TransportHost): typeof fetch {
  let session: { url: string; token: (renew?: boolean) => Promise<string> } | undefined;
  return async (input, init = {}) => {
    const url = host.sessionUrl;
    if (url && session?.url !== url) session = { url, token: sessionTokens(url) };
    // ChatKit may hand us a Request: its headers and body count as much as init's.
    const request = input instanceof Request ? input : undefined;
    const body = await withMetadata(init.body ?? (request?.body && (await request.clone().blob())), host);
    const send = async (renew?: boolean) => {
      const headers = new Headers(request?.headers);
      new Headers(init.headers).forEach((value, name) => headers.set(name, value));
      headers.set(CLIENT_ID_HEADER, clientId());
      if (url) headers.set('Authorization', `Bearer ${await session!.token(renew).catch((e: unknown) => {
        host.reportError('session_failed', e);
        throw e;
      })}`);
      return fetch(input, { ...init, headers, body });
    };
    const res = await send();
    return res.status === 401 && url ? send(true) : res;
  };
}

/**
 * Adds the host's metadata (`chart_context`, ...) to a JSON request body, whatever form it takes:
 * a string, a Blob, an ArrayBuffer or a typed array (the result is a string, or a Blob of the same
 * type). Any other body (FormData, a stream), and a body that is not a JSON object, passes through untouched.
 */
export async function withMetadata(body: BodyInit | null | undefined, host: Pick<TransportHost, 'requestMetadata'>): Promise<BodyInit | null | undefined> {
  try {
    const text =
      typeof body === 'string'
        ? body
        : body instanceof Blob
          ? await body.text()
          : body instanceof ArrayBuffer || ArrayBuffer.isView(body)
            ? new TextDecoder().decode(body)
            : undefined;
    if (text === undefined) return body;
    const request: unknown = JSON.parse(text);
    if (!request || typeof request !== 'object' || Array.isArray(request)) return body;
    const { metadata, type } = request as { metadata?: unknown; type?: unknown };
    const merged = metadata && typeof metadata === 'object' && !Array.isArray(metadata) ? metadata : {};
    const json = JSON.stringify({ ...request, metadata: { ...merged, ...host.requestMetadata(type) } });
    // A Blob keeps its type (it may be the request's only Content-Type).
    return body instanceof Blob ? new Blob([json], { type: body.type }) : json;
  } catch {
    return body;
  }
}
