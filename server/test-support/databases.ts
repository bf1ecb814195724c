/**
 * Test-only: real database engines for the store tests.
 * - PostgreSQL: `TEST_DATABASE_URL` names a server where tests may create databases (`.ci/run`
 *   starts a throwaway cluster and sets it). Each caller gets its own fresh database, dropped
 *   afterwards, so test files can run in parallel. Without the variable the tests skip and say why.
 * - PGlite: one in-memory instance per test process (creating one costs seconds), emptied
 *   between tests instead of re-created.
 */
import { createHash } from 'node:crypto';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrate, MIGRATIONS, SCHEMA_VERSION } from '../store/sql/migrations.js';
import { openPostgres } from '../store/sql/pg-engine.js';
import { openPglite } from '../store/sql/pglite-engine.js';
import type { SqlClient } from '../store/sql/sql-client.js';

export const NO_POSTGRES =
  'no PostgreSQL server for tests: set TEST_DATABASE_URL (".ci/run" starts a throwaway cluster and sets it)';

export interface TestDatabase {
  /** Connection URL of the fresh database. */
  readonly url: string;
  readonly db: SqlClient;
  /** Empties every table (between tests). */
  truncate(): Promise<void>;
  drop(): Promise<void>;
}

const TABLES = 'threads, items, attachments, stream_leases, rate_buckets, usage_counters, chart_bars';

/** A fresh, migrated database on the test server, or undefined when there is none. */
export async function freshPostgres(): Promise<TestDatabase | undefined> {
  const adminUrl = process.env['TEST_DATABASE_URL'];
  if (!adminUrl) return undefined;
  const name = `chart_chat_test_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = await openPostgres({ connectionString: adminUrl, max: 1 });
  await admin.query(`CREATE DATABASE ${name}`);
  const url = withDatabase(adminUrl, name);
  const db = await openPostgres({ connectionString: url });
  await migrate(db);
  return {
    url,
    db,
    truncate: async () => void (await db.query(`TRUNCATE ${TABLES}`)),
    drop: async () => {
      await db.close();
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.close();
    },
  };
}

let pglite: Promise<SqlClient> | undefined;

/** The process's shared in-memory PGlite, migrated and emptied. */
export async function sharedPglite(): Promise<SqlClient> {
  pglite ??= migratedPglite();
  const db = await pglite;
  await db.query(`TRUNCATE ${TABLES}`);
  return db;
}

/** `postgresql:///postgres?host=/tmp/x` → the same server, another database. */
export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

/** Closes the shared PGlite (an open instance keeps the test process alive). */
export async function closeSharedPglite(): Promise<void> {
  const db = pglite;
  pglite = undefined;
  if (db) await (await db).close();
}

/**
 * initdb inside PGlite takes 4–25 s on a loaded 2-core machine; loading a saved data directory
 * takes about 2 s. The first run saves a migrated, empty database in the temp folder (keyed by
 * PGlite and schema version); later runs start from it.
 */
async function migratedPglite(): Promise<SqlClient> {
  // The version this project pins (the package itself does not export its package.json).
  const pkg = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as { devDependencies: Record<string, string> };
  const version = pkg.devDependencies['@electric-sql/pglite'];
  // Keyed by the migrations' text, not only their count: two checkouts with different
  // migrations of the same number must never load each other's snapshot.
  const schema = createHash('sha256').update(JSON.stringify(MIGRATIONS)).digest('hex').slice(0, 12);
  const file = join(tmpdir(), `chart-chat-pglite-${version}-schema${SCHEMA_VERSION}-${schema}.tar`);
  const saved = await readFile(file).catch(() => undefined);
  if (saved) {
    const db = await openPglite({ snapshot: new Blob([saved]) });
    await migrate(db);
    return db;
  }
  const db = await openPglite();
  await migrate(db);
  const snapshot = Buffer.from(await (await db.dump()).arrayBuffer());
  const partial = `${file}.${process.pid}`;
  await writeFile(partial, snapshot);
  await rename(partial, file); // atomic: parallel test files never read half a snapshot
  return db;
}
