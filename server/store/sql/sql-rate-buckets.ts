/**
 * Token buckets shared by every instance: one row per key in `rate_buckets`, refilled and taken
 * in one statement, so concurrent requests on different instances cannot both spend the last
 * token. A refused request leaves the row as it was.
 */
import type { BucketOptions, SharedBuckets, TakeResult } from '../../lib/token-bucket.js';
import type { SqlQuery } from './sql-client.js';

export class SqlRateBuckets implements SharedBuckets {
  constructor(private readonly db: SqlQuery) {}

  async take(key: string, options: BucketOptions): Promise<TakeResult> {
    // Whether a token was taken is the upsert's own answer (a refused take updates no row, so
    // `taken` is empty), never inferred from timestamps: two statements in one clock tick (PGlite's
    // clock is coarse) would otherwise read a refusal as a take. The outer SELECT sees the row as
    // it was before this statement, which on a refusal is the row as it stays.
    const { rows } = await this.db.query<{ allowed: boolean; available: number | null }>(
      `WITH taken AS (
         INSERT INTO rate_buckets AS b (key, tokens, updated_at) VALUES ($1, $2::float8 - 1, now())
         ON CONFLICT (key) DO UPDATE SET
           tokens = LEAST($2::float8, b.tokens + EXTRACT(EPOCH FROM now() - b.updated_at) * $3::float8) - 1,
           updated_at = now()
         WHERE LEAST($2::float8, b.tokens + EXTRACT(EPOCH FROM now() - b.updated_at) * $3::float8) >= 1
         RETURNING 1
       )
       SELECT EXISTS (SELECT 1 FROM taken) AS allowed,
              (SELECT LEAST($2::float8, tokens + EXTRACT(EPOCH FROM now() - updated_at) * $3::float8)::float8
                 FROM rate_buckets WHERE key = $1) AS available`,
      [key, options.capacity, options.refillPerSecond],
    );
    const row = rows[0]!;
    if (row.allowed) return { allowed: true };
    return { allowed: false, retryAfter: Math.max(1, Math.ceil((1 - Number(row.available ?? 0)) / options.refillPerSecond)) };
  }
}

/** Rows of buckets that are full again carry no information. */
export async function sweepRateBuckets(db: SqlQuery, olderThanMs: number): Promise<void> {
  await db.query(`DELETE FROM rate_buckets WHERE updated_at < now() - $1 * interval '1 millisecond'`, [olderThanMs]);
}
