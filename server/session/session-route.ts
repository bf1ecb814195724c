/**
 * `POST /api/session`: mints the short-lived signed token the element sends as
 * `Authorization: Bearer` on every ChatKit request, answered as
 * `{ token, expires_at }` (unix seconds).
 *
 * Who the token is for, in order — never something the caller merely names:
 * 1. `identify(c)` when the integrator plugs in their own auth (cookie, header...): its id, or
 *    401 when it returns nothing. Ids are namespaced (`user:`) so no device id can collide.
 * 2. The device cookie this route set earlier (HttpOnly, signed; see device-cookie.ts).
 * 3. The token the client already holds (a refresh: Bearer header or `existing_session`), also
 *    shortly after it expired — but only within the session's absolute lifetime, counted from
 *    its first mint, so refresh chains end.
 * 4. A new random device (144 bits), remembered in the device cookie.
 * A client id in a header or a `device_id` in the body is never trusted: anyone could claim one.
 * Minting is limited per IP (IPv6 per /64) and per user.
 */
import { Hono, type Context, type Handler } from 'hono';
import * as v from 'valibot';
import { encodeBase64Url } from '../lib/base64url.js';
import type { SecretSource } from '../lib/secret-source.js';
import { bearerOf, integratorUser } from '../security/auth.js';
import { rateLimit } from '../security/rate-limit.js';
import { TokenBuckets, type BucketOptions } from '../lib/token-bucket.js';
import { deviceCookieHeader, deviceCookies, readDeviceCookie, type DeviceCookies } from './device-cookie.js';
import { errorResponse, RequestError } from '../wire/request-error.js';
import type { TokenSigner } from '../security/token.js';
import type { Logger } from '../log/logger.js';
import { bodyLimit } from '../security/body-limit.js';

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
  /** Expired tokens younger than this can still be refreshed. Default 1 hour. */
  readonly refreshGraceSeconds?: number;
  /** Absolute lifetime of a session from its first mint; refreshes never extend it. Default 24 hours. */
  readonly maxSessionSeconds?: number;
  /** Lifetime of the HttpOnly device cookie that binds a browser to its identity. Default 30 days. */
  readonly deviceCookieSeconds?: number;
  /** Token mints per client IP (IPv6 per /64) and per user. Default: burst 20 then 10/min per IP; burst 10 then 5/min per user. */
  readonly mintLimit?: { readonly perIp?: BucketOptions | false; readonly perUser?: BucketOptions | false };
  /** Default `/api/session`. */
  readonly path?: string;
}

/** A session request is a few hundred bytes at most. */
const SESSION_MAX_BODY_BYTES = 16 * 1024;

/** The session router: `POST` on each path (`session.path`, default `/api/session`, and its aliases), body capped. */
export const DEFAULT_MINT_LIMITS = {
  perIp: { capacity: 20, refillPerSecond: 10 / 60 },
  perUser: { capacity: 10, refillPerSecond: 5 / 60 },
} as const;

export interface SessionRouterContext {
  /** More paths for the same endpoint (`/api/chatkit/session`). */
  readonly aliases?: readonly string[];
  /** The per-IP bucket key (the security layer's, IPv6 per /64). */
  readonly ipKey?: (c: Context) => string | undefined | Promise<string | undefined>;
  readonly logger?: Logger;
}

/** The session router: `POST` on each path (`session.path`, default `/api/session`, and its aliases), body capped, mints limited. */
export function sessionRouter(session: SessionOptions, tokens: TokenSigner, context: SessionRouterContext = {}): Hono {
  const perUser = session.mintLimit?.perUser ?? DEFAULT_MINT_LIMITS.perUser;
  const userBuckets = perUser ? new TokenBuckets(perUser) : undefined;
  const mint = sessionRoute({
    tokens,
    devices: deviceCookies(session.secret, session.deviceCookieSeconds),
    ...(userBuckets && { mintAllowed: (user: string) => userBuckets.take(user) }),
    ...(context.logger && { logger: context.logger }),
    ...(session.identify && { identify: session.identify }),
    ...(session.refreshGraceSeconds !== undefined && { refreshGraceSeconds: session.refreshGraceSeconds }),
    ...(session.maxSessionSeconds !== undefined && { maxSessionSeconds: session.maxSessionSeconds }),
  });
  const perIp = session.mintLimit?.perIp ?? DEFAULT_MINT_LIMITS.perIp;
  // One bucket per IP across the path and its aliases.
  const ipLimit = perIp && context.ipKey ? rateLimit(perIp, 'session ip', context.ipKey) : undefined;
  const router = new Hono();
  for (const path of new Set([session.path ?? '/api/session', ...(context.aliases ?? [])])) {
    if (ipLimit) router.use(path, ipLimit);
    router.use(path, bodyLimit(SESSION_MAX_BODY_BYTES));
    router.post(path, mint);
  }
  return router;
}

export type Identify = (c: Context) => string | null | undefined | Promise<string | null | undefined>;

export interface SessionRouteOptions {
  readonly tokens: TokenSigner;
  /** The signed HttpOnly cookie that binds a browser to its device identity. */
  readonly devices: DeviceCookies;
  /** Integrator identity. Returning null/undefined refuses the session (401). */
  readonly identify?: Identify;
  /** How long after expiry a token may still be refreshed into a new one. Default 1 hour. */
  readonly refreshGraceSeconds?: number;
  /** Absolute lifetime of a token chain from its first mint. Default 24 hours. */
  readonly maxSessionSeconds?: number;
  /** Per-user mint limit, checked once the identity is known. */
  readonly mintAllowed?: (user: string) => { allowed: true } | { allowed: false; retryAfter: number };
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

export const DEFAULT_REFRESH_GRACE_SECONDS = 3600;
export const DEFAULT_MAX_SESSION_SECONDS = 24 * 3600;
const MAX_IDENTITY_LENGTH = 200;
/** Session devices live in their own namespace: an anonymous `client:` id can never name one. */
export const sessionDevice = (id: string): string => `device:${id}`;

interface Identity {
  readonly user: string;
  /** First mint of the chain this token continues (unix s); undefined starts a new chain. */
  readonly auth?: number;
  /** A device identity (gets the device cookie), not an integrator user. */
  readonly device: boolean;
}

export function sessionRoute(options: SessionRouteOptions): Handler {
  const grace = options.refreshGraceSeconds ?? DEFAULT_REFRESH_GRACE_SECONDS;
  const maxSession = options.maxSessionSeconds ?? DEFAULT_MAX_SESSION_SECONDS;
  const now = options.now ?? Date.now;

  const identityOf = async (c: Context, request: SessionRequest): Promise<Identity | undefined> => {
    if (options.identify) {
      const id = await options.identify(c);
      return typeof id === 'string' && id.length > 0 && id.length <= MAX_IDENTITY_LENGTH ? { user: integratorUser(id), device: false } : undefined;
    }
    const cookie = await readDeviceCookie(c, options.devices);
    if (cookie) return { user: cookie, device: true };
    const existing = request.existing_session;
    const bearer = bearerOf(c) || (typeof existing === 'string' ? existing : existing?.token);
    if (bearer) {
      const check = await options.tokens.verify(bearer);
      const claims = check.claims;
      const seconds = now() / 1000;
      const fresh = check.ok || (check.reason === 'expired' && claims !== undefined && claims.exp + grace > seconds);
      const auth = claims?.auth ?? claims?.iat;
      if (fresh && claims && auth !== undefined && auth + maxSession > seconds && claims.sub.startsWith('device:')) {
        return { user: claims.sub, auth, device: true };
      }
      // A forged, foreign, stale or integrator token earns nothing: fall through to a fresh identity.
    }
    return { user: sessionDevice(encodeBase64Url(crypto.getRandomValues(new Uint8Array(18)))), device: true };
  };

  return async (c) => {
    const request = await sessionRequestOf(c);
    if (!request.success) return errorResponse(new RequestError(400, 'invalid_request', request.message));
    const identity = await identityOf(c, request.output);
    if (identity === undefined) return errorResponse(new RequestError(401, 'unauthenticated', 'Sign in to start a chat session.'));
    const limit = options.mintAllowed?.(identity.user);
    if (limit && !limit.allowed) {
      return errorResponse(new RequestError(429, 'rate_limited', 'Too many session requests. Try again later.', { 'retry-after': String(limit.retryAfter) }));
    }
    c.set('chartChatUser', identity.user); // the request log attributes the mint to its user
    const issued = await options.tokens.issue(identity.user, identity.auth);
    const body = { token: issued.token, expires_at: issued.expiresAt };
    const headers: Record<string, string> = { 'cache-control': 'no-store' };
    if (identity.device) headers['set-cookie'] = await deviceCookieHeader(c, options.devices, identity.user);
    return c.json(body, 200, headers);
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
