/**
 * Token buckets shared by every instance: one row per key in `rate_buckets`, refilled and taken
 * in one statement, so concurrent requests on different instances cannot both spend the last
 * token. A refused request leaves the row as it was (`updated_at` untouched), which is how the
 * statement tells the two outcomes apart.
 */
import type { BucketOptions, SharedBuckets, TakeResult } from '../../lib/token-bucket.js';
import type { SqlQuery } from './sql-client.js';

export class SqlRateBuckets implements SharedBuckets {
  constructor(private readonly db: SqlQuery) {}

  async take(key: string, options: BucketOptions): Promise<TakeResult> {
    const { rows } = await this.db.query<{ allowed: boolean; available: number }>(
      `INSERT INTO rate_buckets AS b (key, tokens, updated_at) VALUES ($1, $2::float8 - 1, now())
       ON CONFLICT (key) DO UPDATE SET
         tokens = CASE WHEN LEAST($2, b.tokens + EXTRACT(EPOCH FROM now() - b.updated_at) * $3) >= 1
                       THEN LEAST($2, b.tokens + EXTRACT(EPOCH FROM now() - b.updated_at) * $3) - 1 ELSE b.tokens END,
         updated_at = CASE WHEN LEAST($2, b.tokens + EXTRACT(EPOCH FROM now() - b.updated_at) * $3) >= 1
                           THEN now() ELSE b.updated_at END
       RETURNING updated_at = now() AS allowed,
                 LEAST($2, tokens + EXTRACT(EPOCH FROM now() - updated_at) * $3)::float8 AS available`,
      [key, options.capacity, options.refillPerSecond],
    );
    const row = rows[0]!;
    if (row.allowed) return { allowed: true };
    return { allowed: false, retryAfter: Math.max(1, Math.ceil((1 - Number(row.available)) / options.refillPerSecond)) };
  }
}

/** Rows of buckets that are full again carry no information. */
export async function sweepRateBuckets(db: SqlQuery, olderThanMs: number): Promise<void> {
  await db.query(`DELETE FROM rate_buckets WHERE updated_at < now() - $1 * interval '1 millisecond'`, [olderThanMs]);
}
