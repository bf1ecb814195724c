/**
 * Rate-limit middleware: one token bucket per key (an IP, a user). Over the limit the request
 * gets `429`, a `Retry-After` in seconds and the usual JSON error, before any work is done.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { errorResponse, RequestError } from '../wire/request-error.js';
import { TokenBuckets, type BucketOptions, type SharedBuckets } from '../lib/token-bucket.js';

export interface RateLimitOptions {
  /** Per client IP (default: burst 120, 2/s). `false` disables it. */
  readonly perIp?: BucketOptions | false;
  /** Per resolved user (default: burst 60, 1/s). `false` disables it. */
  readonly perUser?: BucketOptions | false;
  /**
   * Buckets shared by every instance (`createApp` uses the store's when it has them, so N
   * instances on one PostgreSQL enforce one limit). Without: per process.
   */
  readonly shared?: SharedBuckets;
}

export const DEFAULT_RATE_LIMITS = {
  perIp: { capacity: 120, refillPerSecond: 2 },
  perUser: { capacity: 60, refillPerSecond: 1 },
} as const satisfies Required<Omit<RateLimitOptions, 'shared'>>;

/**
 * @param scope names the bucket in the error message ("ip" or "user").
 * @param keyOf the bucket key for a request; `undefined` skips the check.
 */
export function rateLimit(
  options: BucketOptions,
  scope: string,
  keyOf: (c: Context) => string | undefined | Promise<string | undefined>,
  shared?: SharedBuckets,
): MiddlewareHandler {
  const buckets = new TokenBuckets(options);
  // The shared buckets' database unreachable: count locally rather than refuse or wave everyone through.
  const take = shared
    ? (key: string) => shared.take(`${scope}:${key}`, options).catch(() => buckets.take(key))
    : (key: string) => buckets.take(key);
  return async (c, next) => {
    const key = await keyOf(c);
    if (key !== undefined) {
      const result = await take(key);
      if (!result.allowed) {
        return errorResponse(new RequestError(429, 'rate_limited', `Too many requests (${scope} limit). Try again later.`, {
          'retry-after': String(result.retryAfter),
        }));
      }
    }
    await next();
  };
}
