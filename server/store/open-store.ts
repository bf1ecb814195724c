/**
 * Opens the store a `StoreConfig` names (Node: `npm start`): PGlite on a locked data directory,
 * a PostgreSQL pool, or memory. Migrations run before the store is returned.
 */
import { lockDataDir, type DataDirLock } from './data-dir-lock.js';
import { MemoryStore } from './memory-store.js';
import { migrate } from './sql/migrations.js';
import { openPostgres } from './sql/pg-engine.js';
import { openPglite } from './sql/pglite-engine.js';
import { SqlStore } from './sql/sql-store.js';
import type { StoreConfig } from './store-config.js';
import type { Store } from './store.js';

export interface OpenedStore {
  readonly store: Store;
  /** For the start-up line. */
  readonly description: string;
  close(): Promise<void>;
}

export async function openStore(config: StoreConfig): Promise<OpenedStore> {
  if (config.kind === 'memory') {
    return { store: new MemoryStore(config.limits), description: 'memory (per process, lost on exit)', close: async () => undefined };
  }
  if (config.kind === 'postgres') {
    const db = await openPostgres({ connectionString: config.url });
    await migrate(db);
    const store = new SqlStore(db, config.limits);
    return { store, description: 'postgres (DATABASE_URL)', close: () => store.close() };
  }
  const lock: DataDirLock = lockDataDir(config.dataDir);
  try {
    const db = await openPglite({ dataDir: config.dataDir });
    await migrate(db);
    const store = new SqlStore(db, config.limits);
    return {
      store,
      description: `pglite (${config.dataDir})`,
      close: async () => {
        await store.close();
        lock.release();
      },
    };
  } catch (error) {
    lock.release();
    throw error;
  }
}
