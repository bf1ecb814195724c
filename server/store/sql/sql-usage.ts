/**
 * Daily usage counters shared by every instance: one row per (key, day) in `usage_counters`,
 * checked and counted in one upsert, so concurrent requests on different instances cannot both
 * spend the last of a budget. A refused add leaves the row as it was.
 */
import type { UsageAdd, UsageCounters } from '../usage.js';
import type { SqlQuery } from './sql-client.js';

export class SqlUsageCounters implements UsageCounters {
  constructor(private readonly db: SqlQuery) {}

  async add(key: string, day: string, amount: number, limit?: number): Promise<UsageAdd> {
    // Whether it counted is the upsert's own answer (`added` is empty on a refusal); the outer
    // SELECT sees the row as it was before this statement, which on a refusal is how it stays.
    const { rows } = await this.db.query<{ added: string | number | null; before: string | number | null }>(
      `WITH added AS (
         INSERT INTO usage_counters AS u (key, day, used)
         SELECT $1, $2::date, GREATEST(0, $3::bigint)
         WHERE $4::bigint IS NULL OR $3::bigint <= 0 OR $3::bigint <= $4::bigint
         ON CONFLICT (key, day) DO UPDATE SET used = GREATEST(0, u.used + $3::bigint)
         WHERE $4::bigint IS NULL OR $3::bigint <= 0 OR u.used + $3::bigint <= $4::bigint
         RETURNING used
       )
       SELECT (SELECT used FROM added) AS added,
              (SELECT used FROM usage_counters WHERE key = $1 AND day = $2::date) AS before`,
      [key, day, Math.round(amount), limit ?? null],
    );
    const row = rows[0]!;
    return row.added !== null ? { added: true, used: Number(row.added) } : { added: false, used: Number(row.before ?? 0) };
  }

  async get(key: string, day: string): Promise<number> {
    const { rows } = await this.db.query<{ used: string | number }>(`SELECT used FROM usage_counters WHERE key = $1 AND day = $2::date`, [key, day]);
    return Number(rows[0]?.used ?? 0);
  }
}

/** Counters of days before yesterday are no longer read. */
export async function sweepUsageCounters(db: SqlQuery): Promise<void> {
  await db.query(`DELETE FROM usage_counters WHERE day < current_date - 1`);
}
