/**
 * The middleware that wraps the routes, built in one place for `createApp`, which mounts it in
 * this order: connection hygiene → key-leak guard → request/turn log (every response) →
 * security headers → CORS → per-IP limit (`/api/*`) → authentication → per-user limit (the
 * endpoints that act for a user). Each part is optional; with no options only the harmless ones run (key guard,
 * security headers). The routes themselves (ChatKit, session) are routers of their own.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { silentLogger, type Logger } from '../log/logger.js';
import { requestLog } from '../log/request-log.js';
import { createUserHasher } from '../log/user-hash.js';
import { authenticate, authenticatedUser, clientIdentity, clientIdOf, deviceUser } from './auth.js';
import { randomSecretOnFirstUse, type SecretSource } from '../lib/secret-source.js';
import { clientAddress, rateLimitKey, type TrustProxy } from './client-ip.js';
import { closeAfterUnreadBody } from './connection-close.js';
import { cors, type CorsOptions } from './cors.js';
import { apiSecurityHeaders, publicAssetHeaders } from './headers.js';
import { hostCheck, type AllowedHosts } from './host-check.js';
import { keyGuard } from './key-guard.js';
import { DEFAULT_RATE_LIMITS, rateLimit, type RateLimitOptions } from './rate-limit.js';
import type { TokenSigner } from './token.js';

export interface SecurityOptions {
  /** Cross-origin callers allowed to use the API. Without it no CORS headers are sent. */
  readonly cors?: CorsOptions;
  /** Per-IP and per-user token buckets (429 + Retry-After). Off unless given (`{}` = defaults). */
  readonly rateLimit?: RateLimitOptions;
  /** Where request/turn lines go (see `createLogger`). Default: silent. */
  readonly logger?: Logger;
  /** Read the client IP from `X-Forwarded-For` behind this many trusted proxies. Default false. */
  readonly trustProxy?: TrustProxy;
  /** Values that must never appear in a response (the responder's own `secrets` are added). */
  readonly secrets?: readonly string[];
  /**
   * Host names this server answers for, besides local names and IP literals (DNS rebinding
   * guard, see host-check.ts): e.g. `['chat.example.com', '.example.org']`, or `['*']`.
   */
  readonly allowedHosts?: AllowedHosts;
}


/** What the security layer needs from the rest of the app. */
export interface SecurityContext {
  /** Session tokens, when sessions are on: the ChatKit route then requires or verifies them. */
  readonly tokens?: TokenSigner;
  /** Refuse ChatKit requests without a valid token (401 `session_required`). */
  readonly requireSession?: boolean;
  /** Keys the log's user hashes (stable across restarts when it is the configured session secret). */
  readonly logKey?: SecretSource;
  /** The integrator resolves users themselves: no identity middleware without sessions. */
  readonly ownResolveUser?: boolean;
}

/** The middleware, by where `createApp` mounts it. */
export interface SecurityLayer {
  /** Every response: connection hygiene, the key-leak guard, the request log. */
  readonly everyResponse: MiddlewareHandler[];
  /** `/api/*`: security headers, CORS, the per-IP limit. */
  readonly api: MiddlewareHandler[];
  /** `/dist/*`: headers for public script files. */
  readonly assets: MiddlewareHandler[];
  /** The endpoints that act for a user (ChatKit, its alias, chart-action): authentication (with sessions) and the per-user limit. */
  readonly chatkit: MiddlewareHandler[];
  /** `resolveUser` for the ChatKit route: the identity `authenticate` or `clientIdentity` set. */
  readonly resolveUser: (c: Context) => string;
  /** The per-IP bucket key (IPv6 per /64), for other per-IP limits (session minting). */
  readonly ipKey: (c: Context) => Promise<string | undefined>;
}

export function securityLayer(options: SecurityOptions, context: SecurityContext): SecurityLayer {
  const logger = options.logger ?? silentLogger;
  const { tokens } = context;
  const secrets = (options.secrets ?? []).filter((s) => !!s);
  const userOf = (c: Context) => c.get('chartChatUser') ?? mapDefined(clientIdOf(c), deviceUser);
  const limits = options.rateLimit;
  const ipOf = perIpKey(options, logger);

  const everyResponse: MiddlewareHandler[] = [
    // First: Bun reads the address from the original Request, which the request log may replace.
    ipOf.remember,
    closeAfterUnreadBody(),
    keyGuard({ secrets, onLeak: (where, path) => logger.error('secret caught in response', { where, path }) }),
  ];
  const hosts = hostCheck(options.allowedHosts);
  if (logger.level !== 'silent') {
    const hashUser = createUserHasher(context.logKey ?? randomSecretOnFirstUse());
    everyResponse.push(requestLog({ logger, hashUser, userOf }));
  }
  // Before CORS and every route: a rebound name is refused whatever its Origin says.
  everyResponse.push(hosts);
  const api: MiddlewareHandler[] = [apiSecurityHeaders()];
  // The element sends the session request with credentials (the device cookie): allowed origins must see them allowed.
  if (options.cors) api.push(cors({ ...options.cors, credentials: options.cors.credentials ?? tokens !== undefined }));
  if (limits && limits.perIp !== false) api.push(rateLimit(limits.perIp ?? DEFAULT_RATE_LIMITS.perIp, 'ip', ipOf.key, limits.shared));
  const chatkit: MiddlewareHandler[] = [];
  if (tokens) chatkit.push(authenticate({ tokens, requireSession: context.requireSession ?? false }));
  // Fail closed: no sessions still means one identity per client, never a shared one.
  else if (!context.ownResolveUser) chatkit.push(clientIdentity());
  if (limits && limits.perUser !== false) chatkit.push(rateLimit(limits.perUser ?? DEFAULT_RATE_LIMITS.perUser, 'user', userOf, limits.shared));

  return { everyResponse, api, assets: [publicAssetHeaders()], chatkit, resolveUser: authenticatedUser, ipKey: ipOf.key };
}

/**
 * The per-IP limit's key: the client address on this runtime. Where it cannot be known the
 * request skips the per-IP check (per-user limits still apply) instead of sharing one bucket
 * with every other client, and the server says so once: at start when the runtime never tells
 * (and no proxy is trusted), else at the first such request.
 */
function perIpKey(options: SecurityOptions, logger: Logger): { remember: MiddlewareHandler; key: (c: Context) => Promise<string | undefined> } {
  const address = clientAddress(options.trustProxy ?? false);
  const limited = options.rateLimit !== undefined && options.rateLimit.perIp !== false;
  const say = (message: string): void => {
    if (options.logger) logger.warn(message, { runtime: address.runtime });
    else console.warn(`[chart-chat] ${message}`);
  };
  if (limited && address.runtime === 'unknown' && !options.trustProxy) {
    say('this runtime does not tell client addresses: per-IP rate limits are off (set trustProxy behind a proxy that sends X-Forwarded-For)');
  }
  let told = address.runtime === 'unknown';
  // Read once, first thing: Bun's requestIP needs the original Request, which the request log replaces.
  const remember: MiddlewareHandler = async (c, next) => {
    const ip = await address(c);
    if (ip !== undefined) c.set('chartChatClientIp', ip);
    else if (limited && !told) {
      told = true;
      say(
        address.runtime === 'workerd'
          ? 'a request came without CF-Connecting-IP (not through Cloudflare?): per-IP rate limits skip such requests'
          : 'the client address of a request is unknown: per-IP rate limits skip such requests',
      );
    }
    await next();
  };
  const key = async (c: Context): Promise<string | undefined> => {
    const ip = c.get('chartChatClientIp');
    // IPv6 clients own a /64 each: key by it (see rateLimitKey).
    return ip === undefined ? undefined : rateLimitKey(ip);
  };
  return { remember, key };
}

declare module 'hono' {
  interface ContextVariableMap {
    /** The client's IP as the runtime reported it at the start of the request (unset: unknown). */
    chartChatClientIp?: string;
  }
}

function mapDefined<T, U>(value: T | undefined, f: (value: T) => U): U | undefined {
  return value === undefined ? undefined : f(value);
}
