/**
 * `POST /api/session`: mints the short-lived signed token the element sends as
 * `Authorization: Bearer` on every ChatKit request, answered as
 * `{ token, expires_at }` (unix seconds; plus `client_secret` / `client_secret_expires_at` in
 * hosted mode).
 *
 * Who the token is for, in order:
 * 1. `identify(c)` when the integrator plugs in their own auth (cookie, header...): its id, or
 *    401 when it returns nothing. Ids are namespaced (`user:`) so no device id can collide.
 * 2. The identity of the token the client already holds (a refresh) — also when it expired
 *    less than `refreshGraceSeconds` ago, so a laptop waking from sleep keeps its threads.
 * 3. The element's anonymous `X-Chart-Chat-Client` id (unless `adoptClientId` is false), so
 *    turning sessions on keeps the threads a browser already has.
 * 4. A new random device id.
 */
import { Hono, type Context, type Handler } from 'hono';
import * as v from 'valibot';
import { encodeBase64Url } from '../lib/base64url.js';
import type { SecretSource } from '../lib/secret-source.js';
import { bearerOf, clientIdOf, deviceUser, integratorUser } from '../security/auth.js';
import { errorResponse, RequestError } from '../wire/request-error.js';
import type { TokenSigner } from '../security/token.js';
import type { Logger } from '../log/logger.js';
import { bodyLimit } from '../security/body-limit.js';
import { createHostedSessionMinter, type HostedSessionMinter, type HostedSessionOptions } from './hosted.js';

/** Signed client sessions: `POST /api/session` and the tokens the ChatKit route then verifies. */
export interface SessionOptions {
  /** The HMAC secret (`CHART_CHAT_SECRET`, at least 32 bytes), or a lazy source (made on first use). See `resolveServerSecret`. */
  readonly secret: SecretSource;
  /** Token lifetime, default 900 s. */
  readonly ttlSeconds?: number;
  /** Refuse ChatKit requests without a valid token (401 `session_required`). Default false. */
  readonly requireSession?: boolean;
  /** Your own identity for `POST /api/session` (cookie, header...); null → 401. */
  readonly identify?: Identify;
  /** Mint tokens for the element's anonymous client id (keeps its threads). Default true. */
  readonly adoptClientId?: boolean;
  /** Expired tokens younger than this can still be refreshed. Default 7 days. */
  readonly refreshGraceSeconds?: number;
  /** Also mint hosted ChatKit sessions (legacy hosted mode). */
  readonly hosted?: HostedSessionOptions | HostedSessionMinter;
  /** Default `/api/session`. */
  readonly path?: string;
}

/** A session request is a few hundred bytes at most. */
const SESSION_MAX_BODY_BYTES = 16 * 1024;

/** The session router: `POST` on each path (`session.path`, default `/api/session`, and its aliases), body capped. */
export function sessionRouter(session: SessionOptions, tokens: TokenSigner, aliases: readonly string[] = [], logger?: Logger): Hono {
  const mint = sessionRoute({
    tokens,
    ...(logger && { logger }),
    ...(session.identify && { identify: session.identify }),
    ...(session.adoptClientId !== undefined && { adoptClientId: session.adoptClientId }),
    ...(session.refreshGraceSeconds !== undefined && { refreshGraceSeconds: session.refreshGraceSeconds }),
    ...(session.hosted && { hosted: typeof session.hosted === 'function' ? session.hosted : createHostedSessionMinter(session.hosted) }),
  });
  const router = new Hono();
  for (const path of new Set([session.path ?? '/api/session', ...aliases])) {
    router.use(path, bodyLimit(SESSION_MAX_BODY_BYTES));
    router.post(path, mint);
  }
  return router;
}

export type Identify = (c: Context) => string | null | undefined | Promise<string | null | undefined>;

export interface SessionRouteOptions {
  readonly tokens: TokenSigner;
  /** Integrator identity. Returning null/undefined refuses the session (401). */
  readonly identify?: Identify;
  /** Reuse the element's anonymous client id for new tokens. Default true. */
  readonly adoptClientId?: boolean;
  /** How long after expiry a token may still be refreshed into a new one. Default 7 days. */
  readonly refreshGraceSeconds?: number;
  /** Hosted ChatKit sessions (when a workflow id is configured). */
  readonly hosted?: HostedSessionMinter;
  readonly logger?: Logger;
  /** Clock in unix ms (tests). */
  readonly now?: () => number;
}

/**
 * The body, optional. `{device_id, existing_session}` is what pages built from the integration
 * plan send: `existing_session` (a token from this endpoint, or its whole `{token}` answer) is
 * treated like a presented Bearer token; `device_id` is only a claim, so it never picks an identity.
 */
export const SessionRequest = v.object({
  device_id: v.optional(v.nullable(v.pipe(v.string(), v.maxLength(200)))),
  existing_session: v.optional(
    v.nullable(v.union([v.pipe(v.string(), v.maxLength(4096)), v.object({ token: v.optional(v.pipe(v.string(), v.maxLength(4096))) })])),
  ),
});
type SessionRequest = v.InferOutput<typeof SessionRequest>;

export const DEFAULT_REFRESH_GRACE_SECONDS = 7 * 24 * 3600;
const MAX_IDENTITY_LENGTH = 200;

export function sessionRoute(options: SessionRouteOptions): Handler {
  const grace = options.refreshGraceSeconds ?? DEFAULT_REFRESH_GRACE_SECONDS;
  const now = options.now ?? Date.now;

  const identityOf = async (c: Context, request: SessionRequest): Promise<string | undefined> => {
    if (options.identify) {
      const id = await options.identify(c);
      return typeof id === 'string' && id.length > 0 && id.length <= MAX_IDENTITY_LENGTH ? integratorUser(id) : undefined;
    }
    const existing = request.existing_session;
    const bearer = bearerOf(c) ?? (typeof existing === 'string' ? existing : existing?.token) ?? null;
    if (bearer) {
      const check = await options.tokens.verify(bearer);
      if (check.ok) return check.claims.sub;
      if (check.reason === 'expired' && check.claims && check.claims.exp + grace > now() / 1000) return check.claims.sub;
      // A forged or foreign token earns nothing: fall through to a fresh identity.
    }
    const clientId = options.adoptClientId === false ? undefined : clientIdOf(c);
    return deviceUser(clientId ?? encodeBase64Url(crypto.getRandomValues(new Uint8Array(18))));
  };

  return async (c) => {
    const request = await sessionRequestOf(c);
    if (!request.success) return errorResponse(new RequestError(400, 'invalid_request', request.message));
    const user = await identityOf(c, request.output);
    if (user === undefined) return errorResponse(new RequestError(401, 'unauthenticated', 'Sign in to start a chat session.'));
    const issued = await options.tokens.issue(user);
    const body: Record<string, unknown> = { token: issued.token, expires_at: issued.expiresAt };
    if (options.hosted) {
      try {
        const hosted = await options.hosted(user);
        body['client_secret'] = hosted.clientSecret;
        body['client_secret_expires_at'] = hosted.expiresAt;
      } catch (error) {
        // The upstream message may quote request details; the client gets a fixed one.
        options.logger?.error('hosted session failed', { error: error instanceof Error ? error.message : String(error) });
        return errorResponse(new RequestError(502, 'hosted_session_failed', 'Could not create a hosted ChatKit session.'));
      }
    }
    return c.json(body, 200, { 'cache-control': 'no-store' });
  };
}

/** The optional body: empty, or JSON matching `SessionRequest` (other fields are ignored). */
async function sessionRequestOf(c: Context): Promise<{ success: true; output: SessionRequest } | { success: false; message: string }> {
  const text = await c.req.text();
  if (text.trim() === '') return { success: true, output: {} };
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return { success: false, message: 'the request body is not valid JSON' };
  }
  // valibot's object schemas accept arrays: refuse them here.
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return { success: false, message: 'body: expected a JSON object' };
  if (Array.isArray((body as { existing_session?: unknown }).existing_session)) return { success: false, message: 'existing_session: expected a string' };
  const parsed = v.safeParse(SessionRequest, body);
  if (parsed.success) return { success: true, output: parsed.output };
  const field = parsed.issues[0]?.path?.map((step) => String(step.key)).filter((key) => /^[a-z_]{1,40}$/.test(key)).join('.') || 'body';
  return { success: false, message: `${field}: expected ${field === 'body' ? 'a JSON object' : 'a string'}` };
}
