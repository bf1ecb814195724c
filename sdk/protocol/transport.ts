/**
 * The `fetch` every protocol request goes through, in both renderers (it is ChatKit's
 * `api.fetch`). It keeps the caller's headers, adds the identity headers, puts the current
 * validated chart context into the JSON body as `metadata.chart_context`, and renews the
 * session token once when the server answers 401.
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
    const body = withMetadata(init.body, host);
    const send = async (renew?: boolean) => {
      const headers = new Headers(init.headers);
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

/** Adds the host's metadata (`chart_context`, ...) to a JSON string body; any other body passes through untouched. */
export function withMetadata(body: BodyInit | null | undefined, host: Pick<TransportHost, 'requestMetadata'>) {
  if (typeof body !== 'string') return body;
  try {
    const request: unknown = JSON.parse(body);
    if (!request || typeof request !== 'object' || Array.isArray(request)) return body;
    const { metadata, type } = request as { metadata?: unknown; type?: unknown };
    const merged = metadata && typeof metadata === 'object' && !Array.isArray(metadata) ? metadata : {};
    return JSON.stringify({ ...request, metadata: { ...merged, ...host.requestMetadata(type) } });
  } catch {
    return body;
  }
}
