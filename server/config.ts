/**
 * The server's one configuration: every environment variable `npm start` reads, validated once
 * with valibot and turned into what `createApp` takes. Nothing else in the server reads the
 * environment (`createApp` never does). Every variable is optional; a blank value counts as
 * unset; a bad value fails fast with a message naming the variable, rather than silently
 * weakening the server. The README's "Configuration" table lists them.
 */
import * as v from 'valibot';
import type { AppOptions } from './app.js';
import type { Responder } from './chatkit/responder.js';
import { createLogger, LOG_LEVELS, type LogSink, type Logger } from './log/logger.js';
import { AnalystResponder } from './responders/analyst/analyst.js';
import { DEFAULT_DAILY_TOKENS_PER_USER, DEFAULT_INPUT_TOKEN_BUDGET, DEFAULT_MODEL, OpenAIResponder } from './responders/openai/openai-responder.js';
import type { TrustProxy } from './security/client-ip.js';
import { parseCorsOrigins } from './security/cors.js';
import { parseAllowedHosts } from './security/host-check.js';
import { DEFAULT_REQUEST_LIMITS, type RequestLimits } from './node/request-limits.js';
import { resolveServerSecret } from './security/secret.js';
import type { BucketOptions } from './lib/token-bucket.js';
import { storeConfigFromEnv, type StoreConfig } from './store/store-config.js';

export type Env = Readonly<Record<string, string | undefined>>;

export interface ServerConfig {
  /** Listening port (`PORT`, 0 picks a free one). */
  readonly port: number;
  /** Listening address (`HOST`). */
  readonly host: string;
  /** What the Node server refuses before the app: slow requests, connections over the cap (`HEADERS_TIMEOUT_MS`, `BODY_TIMEOUT_MS`, `MAX_CONNECTIONS`). */
  readonly limits: RequestLimits;
  /** The options for `createApp`: the responder, sessions, CORS, rate limits, logging. */
  readonly app: AppOptions & { readonly logger: Logger };
  /** Which store, with its limits (`DATABASE_URL`, `STORE`, `DATA_DIR`, quotas: server/store/store-config.ts). */
  readonly store: StoreConfig;
  /** What was configured, for a start-up line (no secrets). */
  readonly summary: Record<string, unknown>;
}

const TRUE = ['true', '1', 'yes'];
const FALSE = ['false', '0', 'no'];

const wholeNumber = (name: string) =>
  v.pipe(v.string(), v.trim(), v.regex(/^\d+$/, `${name} must be a whole number >= 0`), v.transform(Number));
const positive = (name: string) => v.pipe(wholeNumber(name), v.minValue(1, `${name} must be > 0`));
const flag = (name: string) =>
  v.pipe(v.string(), v.trim(), v.toLowerCase(), v.picklist([...TRUE, ...FALSE], `${name} must be true or false`), v.transform((s) => TRUE.includes(s)));
/** A value checked by one of our own parsers, whose error message becomes the issue. */
const parsedBy = <T>(parse: (raw: string) => T) =>
  v.pipe(
    v.string(),
    v.rawTransform(({ dataset, addIssue, NEVER }) => {
      try {
        return parse(dataset.value);
      } catch (error) {
        addIssue({ message: error instanceof Error ? error.message : String(error) });
        return NEVER;
      }
    }),
  );
const text = v.pipe(v.string(), v.trim());

const EnvSchema = v.object({
  PORT: v.optional(v.pipe(wholeNumber('PORT'), v.maxValue(65_535, 'PORT must be an integer in 0..65535')), '8787'),
  HOST: v.optional(text, '0.0.0.0'),
  OPENAI_API_KEY: v.optional(text),
  OPENAI_BASE_URL: v.optional(text),
  OPENAI_MODEL: v.optional(text, DEFAULT_MODEL),
  OPENAI_MAX_RETRIES: v.optional(wholeNumber('OPENAI_MAX_RETRIES')),
  OPENAI_TIMEOUT_MS: v.optional(wholeNumber('OPENAI_TIMEOUT_MS')),
  // Below ~4,000 the instructions and tool schemas alone (~3,200 estimated tokens) leave no room.
  OPENAI_INPUT_TOKEN_BUDGET: v.optional(
    v.pipe(wholeNumber('OPENAI_INPUT_TOKEN_BUDGET'), v.minValue(4_000, 'OPENAI_INPUT_TOKEN_BUDGET must be at least 4000')),
    String(DEFAULT_INPUT_TOKEN_BUDGET),
  ),
  OPENAI_DAILY_TOKENS_PER_USER: v.optional(wholeNumber('OPENAI_DAILY_TOKENS_PER_USER'), String(DEFAULT_DAILY_TOKENS_PER_USER)),
  ANALYST_CHUNK_DELAY_MS: v.optional(wholeNumber('ANALYST_CHUNK_DELAY_MS')),
  CHART_CHAT_SECRET: v.optional(v.string()),
  SESSION_TTL_SECONDS: v.optional(positive('SESSION_TTL_SECONDS'), '900'),
  REQUIRE_SESSION: v.optional(flag('REQUIRE_SESSION'), 'false'),
  CORS_ORIGINS: v.optional(parsedBy(parseCorsOrigins), ''),
  ALLOWED_HOSTS: v.optional(parsedBy(parseAllowedHosts), ''),
  RATE_LIMIT_IP_PER_MIN: v.optional(wholeNumber('RATE_LIMIT_IP_PER_MIN'), '120'),
  RATE_LIMIT_USER_PER_MIN: v.optional(wholeNumber('RATE_LIMIT_USER_PER_MIN'), '60'),
  TRUST_PROXY: v.optional(parsedBy(parseTrustProxy), 'false'),
  HEADERS_TIMEOUT_MS: v.optional(positive('HEADERS_TIMEOUT_MS'), String(DEFAULT_REQUEST_LIMITS.headersTimeoutMs)),
  BODY_TIMEOUT_MS: v.optional(positive('BODY_TIMEOUT_MS'), String(DEFAULT_REQUEST_LIMITS.bodyTimeoutMs)),
  MAX_CONNECTIONS: v.optional(wholeNumber('MAX_CONNECTIONS'), String(DEFAULT_REQUEST_LIMITS.maxConnections)),
  LOG_LEVEL: v.optional(v.pipe(text, v.toLowerCase(), v.picklist(LOG_LEVELS, `LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}`)), 'info'),
});
type ParsedEnv = v.InferOutput<typeof EnvSchema>;

export interface ReadConfigOptions {
  /** Receives the log lines (default: stdout). */
  readonly sink?: LogSink;
  /** PGlite's folder when neither `DATABASE_URL` nor `DATA_DIR` is set. Default `.data`. */
  readonly defaultDataDir?: string;
  /** The OpenAI responder's transport (`nodeFetch()` from `chart-chat/server/node` on Node). Default: the runtime's fetch. */
  readonly modelFetch?: typeof fetch;
}

/** Reads the configuration from `env` (e.g. `process.env`). Throws one `Error` naming every bad variable. */
export function readConfig(env: Env, { sink, defaultDataDir = '.data', modelFetch }: ReadConfigOptions = {}): ServerConfig {
  const e = parseEnv(env);
  const store = storeConfigFromEnv(env, defaultDataDir);
  const logger = createLogger({ level: e.LOG_LEVEL, secrets: [e.OPENAI_API_KEY, e.CHART_CHAT_SECRET], ...(sink && { sink }) });
  const secret = resolveServerSecret(e.CHART_CHAT_SECRET, (message) => logger.warn(message));

  const app: AppOptions & { logger: Logger } = {
    responder: responderFrom(e, modelFetch),
    logger,
    trustProxy: e.TRUST_PROXY,
    cors: { origins: e.CORS_ORIGINS },
    allowedHosts: e.ALLOWED_HOSTS,
    rateLimit: { perIp: perMinute(e.RATE_LIMIT_IP_PER_MIN), perUser: perMinute(e.RATE_LIMIT_USER_PER_MIN) },
    // Neither the OpenAI key nor the token secret may ever appear in a response.
    secrets: [e.OPENAI_API_KEY, e.CHART_CHAT_SECRET].filter((value): value is string => !!value),
    session: {
      secret: secret.bytes,
      ttlSeconds: e.SESSION_TTL_SECONDS,
      requireSession: e.REQUIRE_SESSION,
    },
  };
  return {
    port: e.PORT,
    host: e.HOST,
    limits: { headersTimeoutMs: e.HEADERS_TIMEOUT_MS, bodyTimeoutMs: e.BODY_TIMEOUT_MS, maxConnections: e.MAX_CONNECTIONS },
    app,
    store,
    summary: {
      responder: e.OPENAI_API_KEY ? `openai (${e.OPENAI_MODEL})` : 'analyst (offline)',
      ...(e.OPENAI_API_KEY && {
        input_token_budget: e.OPENAI_INPUT_TOKEN_BUDGET,
        daily_tokens_per_user: e.OPENAI_DAILY_TOKENS_PER_USER || 'off',
      }),
      log_level: logger.level,
      session_secret: secret.configured ? 'configured' : 'random (per process)',
      session_ttl_s: e.SESSION_TTL_SECONDS,
      require_session: e.REQUIRE_SESSION,
      cors_origins: e.CORS_ORIGINS,
      allowed_hosts: ['localhost', 'IP addresses', ...e.ALLOWED_HOSTS],
      rate_limit_ip_per_min: e.RATE_LIMIT_IP_PER_MIN || 'off',
      rate_limit_user_per_min: e.RATE_LIMIT_USER_PER_MIN || 'off',
      trust_proxy: e.TRUST_PROXY,
      headers_timeout_ms: e.HEADERS_TIMEOUT_MS,
      body_timeout_ms: e.BODY_TIMEOUT_MS,
      max_connections: e.MAX_CONNECTIONS || 'off',
    },
  };
}

function parseEnv(env: Env): ParsedEnv {
  const known: Record<string, string> = {};
  for (const name of Object.keys(EnvSchema.entries)) {
    const raw = env[name];
    if (raw !== undefined && raw.trim() !== '') known[name] = raw;
  }
  const parsed = v.safeParse(EnvSchema, known);
  if (!parsed.success) throw new Error(parsed.issues.map((issue) => issue.message).join('; '));
  return parsed.output;
}

/** `OPENAI_API_KEY` set → the OpenAI responder; otherwise the offline analyst. */
function responderFrom(e: ParsedEnv, modelFetch: typeof fetch | undefined): Responder {
  if (!e.OPENAI_API_KEY) {
    return new AnalystResponder(e.ANALYST_CHUNK_DELAY_MS !== undefined ? { chunkDelayMs: e.ANALYST_CHUNK_DELAY_MS } : {});
  }
  return new OpenAIResponder({
    apiKey: e.OPENAI_API_KEY,
    model: e.OPENAI_MODEL,
    ...(e.OPENAI_BASE_URL && { baseURL: e.OPENAI_BASE_URL }),
    ...(e.OPENAI_MAX_RETRIES !== undefined && { maxRetries: e.OPENAI_MAX_RETRIES }),
    ...(e.OPENAI_TIMEOUT_MS !== undefined && { timeoutMs: e.OPENAI_TIMEOUT_MS }),
    inputTokenBudget: e.OPENAI_INPUT_TOKEN_BUDGET,
    dailyTokensPerUser: e.OPENAI_DAILY_TOKENS_PER_USER,
    ...(modelFetch && { fetch: modelFetch }),
  });
}

function perMinute(n: number): BucketOptions | false {
  return n === 0 ? false : { capacity: n, refillPerSecond: n / 60 };
}

function parseTrustProxy(raw: string): TrustProxy {
  const value = raw.trim().toLowerCase();
  if (value === '' || value === 'false' || value === '0') return false;
  if (value === 'true') return true;
  const hops = Number(value);
  if (Number.isInteger(hops) && hops > 0) return hops;
  throw new Error('TRUST_PROXY must be true, false or a number of proxy hops');
}
