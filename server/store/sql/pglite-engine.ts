/**
 * PGlite (PostgreSQL compiled to WASM) as a `SqlClient`: on files in a data directory, or in
 * memory when `dataDir` is absent. Loaded with a dynamic `import()`, so an install without the
 * optional peer dependency `@electric-sql/pglite` (say, element only) never needs it.
 * PGlite does not lock its directory: callers take `lockDataDir` first.
 */
import type { SqlClient, SqlQuery } from './sql-client.js';

export interface PgliteOptions {
  /** A folder for the database files; absent = in memory. */
  readonly dataDir?: string;
  /** Start from this saved data directory (`dumpPglite`) instead of running initdb. */
  readonly snapshot?: Blob;
}

/** A PGlite `SqlClient` that can also save its data directory (test snapshots). */
export interface PgliteClient extends SqlClient {
  dump(): Promise<Blob>;
}

export async function openPglite(options: PgliteOptions = {}): Promise<PgliteClient> {
  const { PGlite } = await importEngine<typeof import('@electric-sql/pglite')>('@electric-sql/pglite');
  // 16 MB of shared buffers keeps an idle process near 200 MB RSS instead of ~320 MB.
  const db = await PGlite.create({
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    ...(options.snapshot ? { loadDataDir: options.snapshot } : {}),
    postgresqlconf: ['shared_buffers=16MB'],
  });
  const query: SqlQuery['query'] = async (text, params) => ({ rows: (await db.query(text, params ? [...params] : [])).rows as never[] });
  return {
    engine: 'pglite',
    query,
    transaction: (fn) => db.transaction((tx) => fn({ query: async (text, params) => ({ rows: (await tx.query(text, params ? [...params] : [])).rows as never[] }) })),
    close: () => db.close(),
    dump: async () => (await db.dumpDataDir('none')) as Blob,
  };
}

/** A clear message instead of ERR_MODULE_NOT_FOUND when an optional engine is not installed. */
export async function importEngine<T>(name: string): Promise<T> {
  try {
    return (await import(name)) as T;
  } catch (error) {
    if ((error as { code?: string }).code === 'ERR_MODULE_NOT_FOUND') {
      throw new Error(`the store needs the package "${name}": npm install ${name} (or set STORE=memory)`);
    }
    throw error;
  }
}
