/**
 * The one SQL interface every PostgreSQL engine serves: PGlite (in-process WASM) and a `pg`
 * pool (a real server). Both speak the same dialect, so the store, its migrations, the leases
 * and the rate limits are written once.
 */

export interface SqlQuery {
  query<Row = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<{ rows: Row[] }>;
}

export interface SqlClient extends SqlQuery {
  /** Runs `fn` on one connection inside BEGIN … COMMIT (ROLLBACK when it throws). */
  transaction<T>(fn: (tx: SqlQuery) => Promise<T>): Promise<T>;
  close(): Promise<void>;
  /** For logs: `pglite` or `postgres`. */
  readonly engine: 'pglite' | 'postgres';
}
