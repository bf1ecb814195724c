/**
 * Token buckets keyed by a string (a user id, an IP). Each key holds up to `capacity` tokens that
 * refill continuously at `refillPerSecond`; a request takes one. Memory is bounded: keys whose
 * bucket is full again carry no information and are swept, and the map never exceeds `maxKeys`.
 */

export interface BucketOptions {
  /** Burst size: requests allowed at once from a rested key. */
  readonly capacity: number;
  /** Sustained rate. */
  readonly refillPerSecond: number;
  /** Upper bound on tracked keys (default 100,000). */
  readonly maxKeys?: number;
  /** Clock in milliseconds (tests). */
  readonly now?: () => number;
}

/**
 * Buckets kept where every instance sees them (the store's database), keyed by scope and key.
 * Without one, each process counts on its own (`TokenBuckets`).
 */
export interface SharedBuckets {
  take(key: string, options: BucketOptions): Promise<TakeResult>;
}

export type TakeResult = { readonly allowed: true } | { readonly allowed: false; /** Seconds until one token is back (>= 1). */ readonly retryAfter: number };

interface Bucket {
  tokens: number;
  updated: number;
}

export class TokenBuckets {
  readonly #capacity: number;
  readonly #refillPerMs: number;
  readonly #maxKeys: number;
  readonly #now: () => number;
  readonly #buckets = new Map<string, Bucket>();
  #lastSweep = 0;

  constructor(options: BucketOptions) {
    if (!(options.capacity >= 1) || !(options.refillPerSecond > 0)) {
      throw new Error('rate limit needs capacity >= 1 and refillPerSecond > 0');
    }
    this.#capacity = options.capacity;
    this.#refillPerMs = options.refillPerSecond / 1000;
    this.#maxKeys = options.maxKeys ?? 100_000;
    this.#now = options.now ?? Date.now;
  }

  get size(): number {
    return this.#buckets.size;
  }

  take(key: string): TakeResult {
    const now = this.#now();
    this.#sweep(now);
    let bucket = this.#buckets.get(key);
    if (!bucket) {
      if (this.#buckets.size >= this.#maxKeys) this.#evictOldest();
      bucket = { tokens: this.#capacity, updated: now };
      this.#buckets.set(key, bucket);
    } else {
      bucket.tokens = Math.min(this.#capacity, bucket.tokens + (now - bucket.updated) * this.#refillPerMs);
      bucket.updated = now;
    }
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { allowed: true };
    }
    return { allowed: false, retryAfter: Math.max(1, Math.ceil((1 - bucket.tokens) / this.#refillPerMs / 1000)) };
  }

  /** Drops buckets that have refilled completely (at most once a second, amortized). */
  #sweep(now: number): void {
    if (now - this.#lastSweep < 1000 || this.#buckets.size < 1024) return;
    this.#lastSweep = now;
    const fullAfterMs = this.#capacity / this.#refillPerMs;
    for (const [key, bucket] of this.#buckets) {
      if (now - bucket.updated >= fullAfterMs) this.#buckets.delete(key);
    }
  }

  /** Map order is insertion order; the oldest key is the one least likely to matter. */
  #evictOldest(): void {
    const oldest = this.#buckets.keys().next();
    if (!oldest.done) this.#buckets.delete(oldest.value);
  }
}
