/**
 * Which store `npm start` uses, read from the environment once:
 *
 * | variable                   | meaning                                                        | default |
 * |----------------------------|----------------------------------------------------------------|---------|
 * | `DATABASE_URL`             | a PostgreSQL server (`postgres://…`): N instances share it      | unset   |
 * | `DATA_DIR`                 | PGlite's folder when there is no `DATABASE_URL`                 | `.data` in the project |
 * | `STORE`                    | `memory` (per process, lost on exit), `pglite` or `postgres`   | `postgres` with `DATABASE_URL`, else `pglite` |
 * | `MAX_THREADS_PER_USER`     | threads one user may keep                                      | 500     |
 * | `MAX_ITEMS_PER_THREAD`     | items (messages, tool calls) one thread may hold                | 5000    |
 * | `MAX_MESSAGE_BYTES`        | size of one stored item (JSON, UTF-8)                          | 262144  |
 * | `THREAD_RETENTION_DAYS`    | idle threads older than this are deleted; 0 keeps them          | 90      |
 * | `STREAM_LEASE_SECONDS`     | a dead instance's stream is taken over after this long          | 10      |
 */
import { DEFAULT_STORE_LIMITS, type StoreLimits } from './limits.js';

export type Env = Readonly<Record<string, string | undefined>>;

export type StoreConfig =
  | { readonly kind: 'memory'; readonly limits: StoreLimits; readonly leaseTtlMs: number }
  | { readonly kind: 'pglite'; readonly dataDir: string; readonly limits: StoreLimits; readonly leaseTtlMs: number }
  | { readonly kind: 'postgres'; readonly url: string; readonly limits: StoreLimits; readonly leaseTtlMs: number };

export const DEFAULT_LEASE_TTL_MS = 10_000;

export function storeConfigFromEnv(env: Env, defaultDataDir: string): StoreConfig {
  const url = env['DATABASE_URL'] || undefined;
  const kind = (env['STORE'] || (url ? 'postgres' : 'pglite')).trim().toLowerCase();
  const limits: StoreLimits = {
    maxThreadsPerUser: positiveInt(env, 'MAX_THREADS_PER_USER', DEFAULT_STORE_LIMITS.maxThreadsPerUser),
    maxItemsPerThread: positiveInt(env, 'MAX_ITEMS_PER_THREAD', DEFAULT_STORE_LIMITS.maxItemsPerThread),
    maxItemBytes: positiveInt(env, 'MAX_MESSAGE_BYTES', DEFAULT_STORE_LIMITS.maxItemBytes),
    idleThreadTtlMs: nonNegative(env, 'THREAD_RETENTION_DAYS', DEFAULT_STORE_LIMITS.idleThreadTtlMs / 86_400_000) * 86_400_000,
  };
  const leaseTtlMs = positiveInt(env, 'STREAM_LEASE_SECONDS', DEFAULT_LEASE_TTL_MS / 1000) * 1000;
  switch (kind) {
    case 'memory':
      return { kind, limits, leaseTtlMs };
    case 'pglite':
      return { kind, dataDir: env['DATA_DIR'] || defaultDataDir, limits, leaseTtlMs };
    case 'postgres':
      if (!url) throw new Error('STORE=postgres needs DATABASE_URL');
      return { kind, url, limits, leaseTtlMs };
    default:
      throw new Error(`STORE must be memory, pglite or postgres (got "${kind}")`);
  }
}

function nonNegative(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0) throw new Error(`${name} must be a number >= 0`);
  return n;
}

function positiveInt(env: Env, name: string, fallback: number): number {
  const n = nonNegative(env, name, fallback);
  if (!Number.isInteger(n) || n === 0) throw new Error(`${name} must be a whole number > 0`);
  return n;
}
