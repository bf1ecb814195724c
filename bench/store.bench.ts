/**
 * The store engines side by side: memory, PGlite (in-process WASM; here in memory, from the
 * cached migrated snapshot, so no initdb is timed) and PostgreSQL through `pg` (when
 * TEST_DATABASE_URL or DATABASE_URL names a server; `.ci/postgres.sh start` makes one).
 * Per-operation latency (create a thread, add a message, the newest page, the history a turn
 * reads from a 1,000-item thread, the whole 1,000-item thread in keyset pages), the server cost
 * of a whole turn through the app at 1,000 items as a ratio to 10 items (target <= 1.5), a lease
 * claim + release, a rate-limit take, and RSS growth.
 */
import { createApp } from '../server/app.js';
import type { Responder } from '../server/chatkit/responder.js';
import { streamAssistantMessage, wordChunks } from '../server/responders/kit/index.js';
import { MemoryStore } from '../server/store/memory-store.js';
import { SqlStore } from '../server/store/sql/sql-store.js';
import type { Store } from '../server/store/store.js';
import { addMessage, createdThreadId, createThread, post } from '../server/test-support/chatkit-client.js';
import { closeSharedPglite, freshPostgres, sharedPglite } from '../server/test-support/databases.js';
import type { ThreadItem, ThreadMetadata } from '../server/wire/types.js';
import { percentile, timeRuns } from './stats.js';

const RUNS = 60;
const LONG = 1_000;

/** Reads the history a turn reads, then answers briefly: the store work of a real turn. */
const historyReader: Responder = {
  async *respond(thread, _input, ctx) {
    const history = await ctx.history();
    yield* streamAssistantMessage(thread, ctx, wordChunks(`read ${history.length} items`));
  },
};

const stamp = (n: number) => new Date(Date.UTC(2026, 0, 1) + n).toISOString();
const thread = (id: string, owner: string): ThreadMetadata => ({ id, owner, created_at: stamp(0), status: { type: 'active' }, metadata: {} });
const item = (threadId: string, i: number): ThreadItem => ({
  type: i % 2 ? 'assistant_message' : 'user_message',
  id: `msg_${threadId}_${String(i).padStart(5, '0')}`,
  thread_id: threadId,
  created_at: stamp(i + 1),
  ...(i % 2
    ? { content: [{ type: 'output_text', text: `answer ${i} `.repeat(20), annotations: [] }] }
    : { content: [{ type: 'input_text', text: `question ${i}` }], attachments: [], inference_options: {} }),
}) as ThreadItem;

const median = (values: number[]) => percentile(values, 50);

async function fill(store: Store, threadId: string, owner: string, n: number): Promise<void> {
  await store.saveThread(thread(threadId, owner));
  for (let i = 0; i < n; i++) await store.addItem(threadId, item(threadId, i));
}

/** Median ms of one `add_user_message` turn through the whole app on a thread of `n` items. */
async function turnMs(store: Store, n: number, tag: string): Promise<number> {
  const app = createApp({ responder: historyReader, store, log: () => {} });
  const user = { 'x-chart-chat-client': `bench-store-${tag}-${n}`.padEnd(32, '0') };
  const created = await post(app, createThread('start'), user);
  const threadId = createdThreadId(created);
  for (let i = 0; i < n - 2; i++) await store.addItem(threadId, item(threadId, 10_000 + i));
  const times = await timeRuns(async () => {
    const answer = await post(app, addMessage(threadId, 'next'), user);
    if (answer.status !== 200) throw new Error(`turn failed: ${answer.raw.slice(0, 200)}`);
  }, 30, 3);
  return median(times);
}

async function measure(name: string, store: Store, result: Record<string, string | number>): Promise<void> {
  const rssBefore = process.memoryUsage().rss;
  let t = 0;
  result[`${name}: create thread (ms, p50)`] = median(await timeRuns(() => store.saveThread(thread(`c${t++}`, `owner-${t % 7}`)), RUNS));
  await store.saveThread(thread('adds', 'bench'));
  let a = 0;
  result[`${name}: add message (ms, p50)`] = median(await timeRuns(() => store.addItem('adds', item('adds', a++)), RUNS));
  await fill(store, 'long', 'bench', LONG);
  result[`${name}: newest page of 20, 1,000-item thread (ms, p50)`] = median(await timeRuns(() => store.loadItems('long', { limit: 20, order: 'desc' }), RUNS));
  result[`${name}: turn history (newest 100), 1,000-item thread (ms, p50)`] = median(await timeRuns(() => store.loadItems('long', { limit: 100, order: 'desc' }), RUNS));
  result[`${name}: whole 1,000-item thread in keyset pages (ms, p50)`] = median(
    await timeRuns(async () => {
      let after: string | undefined;
      do after = (await store.loadItems('long', { limit: 100, order: 'asc', ...(after ? { after } : {}) })).after;
      while (after);
    }, 10),
  );
  const short = await turnMs(store, 10, name);
  const long = await turnMs(store, LONG, name);
  result[`${name}: turn through the app, 10 items (ms, p50)`] = short;
  result[`${name}: turn through the app, 1,000 items (ms, p50)`] = long;
  result[`${name}: turn cost 1,000 / 10 items (target <= 1.5)`] = long / short;
  if (store.leases) {
    let l = 0;
    result[`${name}: lease claim + release (ms, p50)`] = median(await timeRuns(async () => {
      const id = `lease-${l++}`;
      await store.leases!.claim(id, 'bench', 10_000);
      await store.leases!.release(id, 'bench');
    }, RUNS));
  }
  if (store.rateBuckets) {
    let k = 0;
    result[`${name}: rate-limit take (ms, p50)`] = median(await timeRuns(() => store.rateBuckets!.take(`ip:${k++ % 50}`, { capacity: 1e9, refillPerSecond: 1 }), RUNS));
  }
  result[`${name}: RSS growth (MB)`] = (process.memoryUsage().rss - rssBefore) / 1e6;
}

export default async function storeBench(): Promise<Record<string, string | number>> {
  const result: Record<string, string | number> = {};
  await measure('memory', new MemoryStore(), result);
  const rssBeforePglite = process.memoryUsage().rss;
  const pglite = await sharedPglite();
  result['pglite: RSS of the engine, idle (MB)'] = (process.memoryUsage().rss - rssBeforePglite) / 1e6;
  await measure('pglite', new SqlStore(pglite), result);
  await closeSharedPglite();
  const adminUrl = process.env['TEST_DATABASE_URL'] ?? process.env['DATABASE_URL'];
  if (adminUrl) process.env['TEST_DATABASE_URL'] = adminUrl;
  const postgres = await freshPostgres();
  if (postgres) {
    try {
      await measure('postgres', new SqlStore(postgres.db), result);
    } finally {
      await postgres.drop();
    }
  } else result['postgres'] = 'skipped: set TEST_DATABASE_URL (eval "$(.ci/postgres.sh start)")';
  return result;
}
