/**
 * The schema, as forward-only migrations. `migrate` runs at start on every engine: it applies,
 * in one transaction, each migration newer than the recorded version. Several instances
 * starting together serialise on an advisory lock. Never edit a released migration: add one.
 */
import type { SqlClient } from './sql-client.js';

export const MIGRATIONS: readonly (readonly string[])[] = [
  // 1: threads, items, attachments, stream leases, rate-limit buckets.
  [
    `CREATE TABLE threads (
       id text PRIMARY KEY,
       owner text NOT NULL,
       created_at timestamptz NOT NULL,
       active_at timestamptz NOT NULL DEFAULT now(),
       item_count integer NOT NULL DEFAULT 0,
       payload jsonb NOT NULL
     )`,
    `CREATE INDEX threads_by_owner ON threads (owner, created_at, id)`,
    `CREATE INDEX threads_by_activity ON threads (active_at)`,
    `CREATE TABLE items (
       thread_id text NOT NULL REFERENCES threads (id) ON DELETE CASCADE,
       id text NOT NULL,
       created_at timestamptz NOT NULL,
       payload jsonb NOT NULL,
       PRIMARY KEY (thread_id, id)
     )`,
    `CREATE INDEX items_in_order ON items (thread_id, created_at, id)`,
    `CREATE TABLE attachments (
       id text PRIMARY KEY,
       owner text NOT NULL,
       payload jsonb NOT NULL
     )`,
    `CREATE TABLE stream_leases (
       thread_id text PRIMARY KEY,
       holder text NOT NULL,
       expires_at timestamptz NOT NULL,
       cancel_requested boolean NOT NULL DEFAULT false
     )`,
    `CREATE TABLE rate_buckets (
       key text PRIMARY KEY,
       tokens double precision NOT NULL,
       updated_at timestamptz NOT NULL
     )`,
    `CREATE INDEX rate_buckets_by_age ON rate_buckets (updated_at)`,
  ],
  // 2: daily usage counters (model tokens per user per UTC day).
  [
    `CREATE TABLE usage_counters (
       key text NOT NULL,
       day date NOT NULL,
       used bigint NOT NULL,
       PRIMARY KEY (key, day)
     )`,
    `CREATE INDEX usage_counters_by_day ON usage_counters (day)`,
  ],
  // 3: the chart bars last uploaded on each thread, under their content hash (docs/protocol.md §6).
  //    Kept as text: the server only stores and returns them, and validates them when it reads.
  [
    `CREATE TABLE chart_bars (
       thread_id text PRIMARY KEY REFERENCES threads (id) ON DELETE CASCADE,
       hash text NOT NULL,
       bars text NOT NULL
     )`,
  ],
];

export const SCHEMA_VERSION = MIGRATIONS.length;

/** Brings the database to `SCHEMA_VERSION`; refuses a database newer than this code. */
export async function migrate(db: SqlClient): Promise<{ from: number; to: number }> {
  return db.transaction(async (tx) => {
    // Instances starting at once: one migrates, the others wait here and then see the new version.
    await tx.query(`SELECT pg_advisory_xact_lock(7413086)`);
    await tx.query(`CREATE TABLE IF NOT EXISTS schema_version (version integer NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
    const { rows } = await tx.query<{ version: number | null }>(`SELECT max(version) AS version FROM schema_version`);
    const from = rows[0]?.version ?? 0;
    if (from > SCHEMA_VERSION) {
      throw new Error(`the database schema is version ${from}, newer than this server's ${SCHEMA_VERSION}: upgrade chart-chat`);
    }
    for (let version = from + 1; version <= SCHEMA_VERSION; version++) {
      for (const statement of MIGRATIONS[version - 1]!) await tx.query(statement);
      await tx.query(`INSERT INTO schema_version (version) VALUES ($1)`, [version]);
    }
    return { from, to: SCHEMA_VERSION };
  });
}
