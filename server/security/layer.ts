/**
 * Everything between the socket and the ChatKit handler, assembled in one place for
 * `createApp`: connection hygiene → key-leak guard → request/turn log → security headers → CORS → per-IP limit →
 * (session route) → authentication → per-user limit → handler. Each part is optional; with no
 * options only the harmless ones run (key guard, security headers).
 */
import type { Context, Hono } from 'hono';
import { userEndpoints, type ChatPaths } from '../chat-paths.js';
import { silentLogger, type Logger } from '../log/logger.js';
import { requestLog } from '../log/request-log.js';
import { createUserHasher } from '../log/user-hash.js';
import { createHostedSessionMinter, type HostedSessionMinter, type HostedSessionOptions } from '../session/hosted.js';
import { sessionRoute, type Identify } from '../session/session-route.js';
import { authenticate, authenticatedUser, clientIdOf, deviceUser } from './auth.js';
import { bodyLimit } from './body-limit.js';
import { clientIp, type TrustProxy } from './client-ip.js';
import { closeAfterUnreadBody } from './connection-close.js';
import { cors, type CorsOptions } from './cors.js';
import { apiSecurityHeaders, publicAssetHeaders } from './headers.js';
import { keyGuard } from './key-guard.js';
import { DEFAULT_RATE_LIMITS, rateLimit, type RateLimitOptions } from './rate-limit.js';
import { createTokenSigner } from './token.js';

export interface SessionOptions {
  /** The HMAC secret (`CHART_CHAT_SECRET`, at least 32 bytes). See `resolveServerSecret`. */
  readonly secret: Uint8Array;
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

export interface SecurityOptions {
  /** Signed client sessions and `POST /api/session`. Without it, identity is the anonymous client id. */
  readonly session?: SessionOptions;
  /** Cross-origin callers allowed to use the API. Without it no CORS headers are sent. */
  readonly cors?: CorsOptions;
  /** Per-IP and per-user token buckets (429 + Retry-After). Off unless given (`{}` = defaults). */
  readonly rateLimit?: RateLimitOptions;
  /** Where request/turn lines go (see `createLogger`). Default: silent. */
  readonly logger?: Logger;
  /** Read the client IP from `X-Forwarded-For` behind this many trusted proxies. Default false. */
  readonly trustProxy?: TrustProxy;
  /** Values that must never appear in a response (the OpenAI key is added from the environment). */
  readonly secrets?: readonly string[];
}

export interface SecurityLayer {
  /** Registers middleware and the session route; call before any other route. */
  install(app: Hono): void;
  /** `resolveUser` for the ChatKit route when sessions are on. */
  readonly resolveUser?: (c: Context) => string;
}

export function securityLayer(options: SecurityOptions, paths: ChatPaths): SecurityLayer {
  const logger = options.logger ?? silentLogger;
  const session = options.session;
  const tokens = session ? createTokenSigner({ secret: session.secret, ...(session.ttlSeconds !== undefined && { ttlSeconds: session.ttlSeconds }) }) : undefined;
  const sessionPath = session?.path ?? '/api/session';
  const secrets = [...(options.secrets ?? []), envValue('OPENAI_API_KEY')].filter((s): s is string => !!s);
  const userOf = (c: Context) => c.get('chartChatUser') ?? mapDefined(clientIdOf(c), deviceUser);
  const ipOf = (c: Context) => clientIp(c, options.trustProxy ?? false);
  const limits = options.rateLimit;

  const install = (app: Hono) => {
    app.use('*', closeAfterUnreadBody());
    app.use(
      '*',
      keyGuard({ secrets, onLeak: (where, path) => logger.error('secret caught in response', { where, path }) }),
    );
    if (logger.level !== 'silent') {
      // Keyed so log hashes stay stable across restarts when the session secret is configured.
      const hashUser = createUserHasher(session?.secret ?? crypto.getRandomValues(new Uint8Array(32)));
      app.use('*', requestLog({ logger, hashUser, userOf }));
    }
    app.use('/api/*', apiSecurityHeaders());
    app.use('/dist/*', publicAssetHeaders());
    if (options.cors) app.use('/api/*', cors(options.cors));
    if (limits && limits.perIp !== false) app.use('/api/*', rateLimit(limits.perIp ?? DEFAULT_RATE_LIMITS.perIp, 'ip', ipOf));
    if (session && tokens) {
      const mint = sessionRoute({
        tokens,
        logger,
        ...(session.identify && { identify: session.identify }),
        ...(session.adoptClientId !== undefined && { adoptClientId: session.adoptClientId }),
        ...(session.refreshGraceSeconds !== undefined && { refreshGraceSeconds: session.refreshGraceSeconds }),
        ...(session.hosted && { hosted: typeof session.hosted === 'function' ? session.hosted : createHostedSessionMinter(session.hosted) }),
      });
      // The plan's `…/chatkit/session` is the same endpoint (its body's device id is no identity).
      for (const path of new Set([sessionPath, paths.session])) {
        app.use(path, bodyLimit(16 * 1024));
        app.post(path, mint);
      }
      const auth = authenticate({ tokens, requireSession: session.requireSession ?? false });
      for (const path of userEndpoints(paths)) app.use(path, auth);
    }
    if (limits && limits.perUser !== false) {
      const perUser = rateLimit(limits.perUser ?? DEFAULT_RATE_LIMITS.perUser, 'user', userOf);
      for (const path of userEndpoints(paths)) app.use(path, perUser);
    }
  };

  return { install, ...(session && { resolveUser: authenticatedUser }) };
}

function mapDefined<T, U>(value: T | undefined, f: (value: T) => U): U | undefined {
  return value === undefined ? undefined : f(value);
}

/** Reads an environment variable where one exists (Node, Bun, Deno with --allow-env), else undefined. */
function envValue(name: string): string | undefined {
  try {
    const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
    return env?.[name];
  } catch {
    return undefined;
  }
}

