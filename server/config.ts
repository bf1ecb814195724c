/**
 * Reads the security, session and logging configuration from environment variables (for
 * `server/main.ts`). Every variable is optional; bad values fail fast with a clear message
 * rather than silently weakening the server.
 *
 * | variable                  | meaning                                                   | default        |
 * |---------------------------|-----------------------------------------------------------|----------------|
 * | `CHART_CHAT_SECRET`       | HMAC secret for session tokens (>= 32 chars)              | random/process |
 * | `SESSION_TTL_SECONDS`     | session token lifetime                                    | 900            |
 * | `REQUIRE_SESSION`         | `true`: ChatKit requests need a token                     | false          |
 * | `CORS_ORIGINS`            | exact allowed origins, comma separated                    | none (same-origin only) |
 * | `RATE_LIMIT_IP_PER_MIN`   | requests per minute per IP (also the burst); 0 = off      | 120            |
 * | `RATE_LIMIT_USER_PER_MIN` | requests per minute per user (also the burst); 0 = off    | 60             |
 * | `TRUST_PROXY`             | `true` or a hop count: read the IP from X-Forwarded-For   | false          |
 * | `LOG_LEVEL`               | debug, info, warn, error, silent                          | info           |
 * | `CHATKIT_WORKFLOW_ID`     | enables hosted sessions (needs `OPENAI_API_KEY`)          | off            |
 * | `CHATKIT_WORKFLOW_VERSION`| pins the hosted workflow version                          | latest         |
 */
import { createLogger, parseLogLevel, type LogSink, type Logger } from './log/logger.js';
import type { TrustProxy } from './security/client-ip.js';
import { parseCorsOrigins } from './security/cors.js';
import type { SessionOptions } from './session/session-route.js';
import type { SecurityOptions } from './security/layer.js';
import type { BucketOptions } from './security/token-bucket.js';
import { resolveServerSecret } from './security/secret.js';

export type Env = Readonly<Record<string, string | undefined>>;

export interface EnvSecurityConfig {
  readonly options: SecurityOptions & { readonly logger: Logger; readonly session: SessionOptions };
  /** What was configured, for a start-up line (no secrets). */
  readonly summary: Record<string, unknown>;
}

export function securityOptionsFromEnv(env: Env, sink?: LogSink): EnvSecurityConfig {
  const apiKey = env['OPENAI_API_KEY'] || undefined;
  const logger = createLogger({
    level: parseLogLevel(env['LOG_LEVEL']),
    secrets: [apiKey, env['CHART_CHAT_SECRET']],
    ...(sink && { sink }),
  });
  const secret = resolveServerSecret(env['CHART_CHAT_SECRET'], (message) => logger.warn(message));
  const workflowId = env['CHATKIT_WORKFLOW_ID'] || undefined;
  if (workflowId && !apiKey) throw new Error('CHATKIT_WORKFLOW_ID needs OPENAI_API_KEY to mint hosted sessions');
  const ipPerMin = nonNegativeInt(env, 'RATE_LIMIT_IP_PER_MIN', 120);
  const userPerMin = nonNegativeInt(env, 'RATE_LIMIT_USER_PER_MIN', 60);
  const origins = parseCorsOrigins(env['CORS_ORIGINS']);
  const trustProxy = parseTrustProxy(env['TRUST_PROXY']);
  const requireSession = parseBool(env, 'REQUIRE_SESSION');
  const ttlSeconds = positiveInt(env, 'SESSION_TTL_SECONDS', 900);

  const options: SecurityOptions & { logger: Logger; session: SessionOptions } = {
    logger,
    trustProxy,
    cors: { origins },
    rateLimit: { perIp: perMinute(ipPerMin), perUser: perMinute(userPerMin) },
    // Neither the OpenAI key nor the token secret may ever appear in a response.
    secrets: [apiKey, env['CHART_CHAT_SECRET']].filter((value): value is string => !!value),
    session: {
      secret: secret.bytes,
      ttlSeconds,
      requireSession,
      ...(workflowId && {
        hosted: {
          workflowId,
          ...(env['CHATKIT_WORKFLOW_VERSION'] && { workflowVersion: env['CHATKIT_WORKFLOW_VERSION'] }),
          ...(apiKey && { apiKey }),
          ...(env['OPENAI_BASE_URL'] && { baseURL: env['OPENAI_BASE_URL'] }),
        },
      }),
    },
  };
  return {
    options,
    summary: {
      log_level: logger.level,
      session_secret: secret.configured ? 'configured' : 'random (per process)',
      session_ttl_s: ttlSeconds,
      require_session: requireSession,
      cors_origins: origins,
      rate_limit_ip_per_min: ipPerMin || 'off',
      rate_limit_user_per_min: userPerMin || 'off',
      trust_proxy: trustProxy,
      hosted_sessions: workflowId ? 'on' : 'off',
    },
  };
}

function perMinute(n: number): BucketOptions | false {
  return n === 0 ? false : { capacity: n, refillPerSecond: n / 60 };
}

function nonNegativeInt(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a whole number >= 0`);
  return n;
}

function positiveInt(env: Env, name: string, fallback: number): number {
  const n = nonNegativeInt(env, name, fallback);
  if (n === 0) throw new Error(`${name} must be > 0`);
  return n;
}

function parseBool(env: Env, name: string): boolean {
  const raw = (env[name] ?? '').trim().toLowerCase();
  if (raw === '' || raw === 'false' || raw === '0' || raw === 'no') return false;
  if (raw === 'true' || raw === '1' || raw === 'yes') return true;
  throw new Error(`${name} must be true or false`);
}

function parseTrustProxy(raw: string | undefined): TrustProxy {
  const value = (raw ?? '').trim().toLowerCase();
  if (value === '' || value === 'false' || value === '0') return false;
  if (value === 'true') return true;
  const hops = Number(value);
  if (Number.isInteger(hops) && hops > 0) return hops;
  throw new Error('TRUST_PROXY must be true, false or a number of proxy hops');
}
