/**
 * A real PostgreSQL server through a `pg` pool, as a `SqlClient`. `pg` is an optional peer
 * dependency, loaded only when `DATABASE_URL` is set.
 */
import type { Pool, PoolClient } from 'pg';
import { importEngine } from './pglite-engine.js';
import type { SqlClient } from './sql-client.js';

export interface PgOptions {
  readonly connectionString: string;
  /** Pool size (default 10). */
  readonly max?: number;
}

export async function openPostgres(options: PgOptions): Promise<SqlClient> {
  const pg = await importEngine<{ default: typeof import('pg') }>('pg');
  const pool: Pool = new pg.default.Pool({ connectionString: options.connectionString, max: options.max ?? 10 });
  // An idle client losing its connection (server restart) must not crash the process.
  pool.on('error', () => undefined);
  await pool.query('SELECT 1'); // fail at start, with the driver's message, when the URL is wrong
  return {
    engine: 'postgres',
    query: async (text, params) => ({ rows: (await pool.query(text, params ? [...params] : [])).rows }),
    async transaction(fn) {
      const client: PoolClient = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await fn({ query: async (text, params) => ({ rows: (await client.query(text, params ? [...params] : [])).rows }) });
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}
