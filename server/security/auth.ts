/**
 * Who is asking: the middleware that turns a request into the user id its threads are scoped
 * to, before any body is read. A valid `Authorization: Bearer <token>` (from `POST /api/session`)
 * wins; a token that is present but bad is a 401 `invalid_token` (the element then fetches a new
 * one once) — never a silent fallback to another identity. Without a token, the element's
 * anonymous `X-Chart-Chat-Client` id is used unless `requireSession` is set.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { CLIENT_ID_HEADER, CLIENT_ID_PATTERN } from '../../sdk/contract/index.js';
import { errorResponse, RequestError } from '../wire/request-error.js';
import type { TokenSigner } from './token.js';

declare module 'hono' {
  interface ContextVariableMap {
    /** The authenticated user id of this request (set by `authenticate`). */
    chartChatUser?: string;
  }
}

/** Client ids are bearer secrets without sessions: at least 128 bits (see CLIENT_ID_PATTERN). */
export const MIN_CLIENT_ID_LENGTH = 32;

/** The user id of an anonymous browser/device (same form the protocol layer uses). */
export const deviceUser = (clientId: string): string => `client:${clientId}`;
/** The user id of an integrator-identified user; a distinct namespace, so no device id can collide. */
export const integratorUser = (id: string): string => `user:${id}`;

/** The element's `X-Chart-Chat-Client` id if well-formed. */
export function clientIdOf(c: Context): string | undefined {
  const id = c.req.header(CLIENT_ID_HEADER);
  return id !== undefined && CLIENT_ID_PATTERN.test(id) ? id : undefined;
}

/** The Bearer credential, `null` when the header is absent, `''` when it is there but not Bearer. */
export function bearerOf(c: Context): string | null {
  const header = c.req.header('authorization');
  if (header === undefined) return null;
  const match = /^Bearer[ ]+([^\s]+)[ ]*$/i.exec(header);
  return match?.[1] ?? '';
}

export interface AuthenticateOptions {
  readonly tokens: TokenSigner;
  /** Refuse requests without a valid token (401 `session_required`). Default false. */
  readonly requireSession?: boolean;
}

export function authenticate(options: AuthenticateOptions): MiddlewareHandler {
  return async (c, next) => {
    if (c.req.method === 'OPTIONS') return next();
    const bearer = bearerOf(c);
    if (bearer !== null) {
      const check = await options.tokens.verify(bearer);
      if (!check.ok) {
        const message = check.reason === 'expired' ? 'The session token has expired.' : 'The session token is not valid.';
        return errorResponse(new RequestError(401, 'invalid_token', message, { 'www-authenticate': 'Bearer error="invalid_token"' }));
      }
      c.set('chartChatUser', check.claims.sub);
      return next();
    }
    if (options.requireSession) {
      return errorResponse(new RequestError(401, 'session_required', 'A session token is required: POST the session URL first.', {
        'www-authenticate': 'Bearer',
      }));
    }
    const clientId = clientIdOf(c);
    if (clientId === undefined) return missingIdentity();
    c.set('chartChatUser', deviceUser(clientId));
    return next();
  };
}

/**
 * Identity without sessions: the element's per-browser client id, or 401 before the body is
 * read. Never a shared fallback user: a request without an id of its own gets nothing.
 */
export function clientIdentity(): MiddlewareHandler {
  return async (c, next) => {
    // Only POST does work; other methods get their 405 from the route.
    if (c.req.method !== 'POST') return next();
    const clientId = clientIdOf(c);
    if (clientId === undefined) return missingIdentity();
    c.set('chartChatUser', deviceUser(clientId));
    return next();
  };
}

function missingIdentity(): Response {
  return errorResponse(
    new RequestError(401, 'missing_identity', `Send a session token or an X-Chart-Chat-Client id of ${MIN_CLIENT_ID_LENGTH}-64 characters [A-Za-z0-9_-].`),
  );
}

/** The `resolveUser` for `createApp` once `authenticate` has run on the route. */
export function authenticatedUser(c: Context): string {
  const user = c.get('chartChatUser');
  if (user === undefined) throw new Error('authenticate middleware did not run on this route');
  return user;
}
