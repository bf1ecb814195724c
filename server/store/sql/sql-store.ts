/**
 * The `Store` on PostgreSQL (PGlite or a server, through `SqlClient`): one schema, one dialect.
 * Rows keep the whole record as `jsonb` plus the columns queries need: owner, `(created_at, id)`
 * for keyset pagination, the activity time for retention and an item count for the quota.
 * Pages seek straight to their cursor, so reading the newest page of a long thread costs the
 * same as reading a short one.
 */
import type { Attachment, Page, ThreadItem, ThreadMetadata } from '../../wire/types.js';
import { DEFAULT_STORE_LIMITS, itemTooLarge, jsonBytes, threadFull, tooManyThreads, type StoreLimits } from '../limits.js';
import type { PageQuery, Store } from '../store.js';
import { wellFormedJson } from '../well-formed.js';
import type { SqlClient } from './sql-client.js';
import { SqlLeases } from './sql-leases.js';
import { SqlRateBuckets, sweepRateBuckets } from './sql-rate-buckets.js';
import { SqlUsageCounters, sweepUsageCounters } from './sql-usage.js';

type PayloadRow<T> = { payload: T; id: string };

export class SqlStore implements Store {
  readonly leases: SqlLeases;
  readonly rateBuckets: SqlRateBuckets;
  readonly usage: SqlUsageCounters;
  readonly limits: StoreLimits;

  constructor(
    readonly db: SqlClient,
    limits: Partial<StoreLimits> = {},
  ) {
    this.limits = { ...DEFAULT_STORE_LIMITS, ...limits };
    this.leases = new SqlLeases(db);
    this.rateBuckets = new SqlRateBuckets(db);
    this.usage = new SqlUsageCounters(db);
  }

  async loadThread(threadId: string, owner: string): Promise<ThreadMetadata | undefined> {
    const { rows } = await this.db.query<PayloadRow<ThreadMetadata>>(`SELECT payload FROM threads WHERE id = $1 AND owner = $2`, [threadId, owner]);
    return rows[0]?.payload;
  }

  async saveThread(thread: ThreadMetadata): Promise<void> {
    const payload = wellFormedJson(thread);
    const updated = await this.db.query(
      `UPDATE threads SET payload = $2::jsonb, owner = $3, active_at = now() WHERE id = $1 RETURNING 1`,
      [thread.id, payload, thread.owner],
    );
    if (updated.rows.length === 1) return;
    const inserted = await this.db.query(
      `INSERT INTO threads (id, owner, created_at, payload)
       SELECT $1, $2, $3::timestamptz, $4::jsonb
       WHERE (SELECT count(*) FROM threads WHERE owner = $2) < $5
       ON CONFLICT (id) DO UPDATE SET payload = excluded.payload, owner = excluded.owner, active_at = now()
       RETURNING 1`,
      [thread.id, thread.owner, thread.created_at, payload, this.limits.maxThreadsPerUser],
    );
    if (inserted.rows.length === 0) throw tooManyThreads(this.limits);
  }

  loadThreads(owner: string, query: PageQuery): Promise<Page<ThreadMetadata>> {
    return this.#keysetPage<ThreadMetadata>('threads', 'owner', owner, query);
  }

  async deleteThread(threadId: string, owner: string): Promise<void> {
    await this.db.query(`DELETE FROM threads WHERE id = $1 AND owner = $2`, [threadId, owner]);
  }

  loadItems(threadId: string, query: PageQuery): Promise<Page<ThreadItem>> {
    return this.#keysetPage<ThreadItem>('items', 'thread_id', threadId, query);
  }

  /**
   * One keyset page of `table`'s rows where `scope = value`, ordered by (created_at, id). The
   * cursor row is looked up in the same scope, so another owner's or thread's id finds nothing.
   */
  async #keysetPage<T>(table: 'threads' | 'items', scope: 'owner' | 'thread_id', value: string, query: PageQuery): Promise<Page<T>> {
    const [cmp, dir] = query.order === 'desc' ? ['<', 'DESC'] : ['>', 'ASC'];
    const cursor = query.after === undefined ? '' : `AND (created_at, id) ${cmp} (SELECT created_at, id FROM ${table} WHERE ${scope} = $1 AND id = $3)`;
    const { rows } = await this.db.query<PayloadRow<T>>(
      `SELECT id, payload FROM ${table} WHERE ${scope} = $1 ${cursor} ORDER BY created_at ${dir}, id ${dir} LIMIT $2`,
      query.after === undefined ? [value, query.limit + 1] : [value, query.limit + 1, query.after],
    );
    return pageOf(rows, query.limit);
  }

  async addItem(threadId: string, item: ThreadItem): Promise<void> {
    const payload = wellFormedJson(item);
    if (jsonBytes(payload) > this.limits.maxItemBytes) throw itemTooLarge(this.limits);
    // An existing item is replaced in place (partial saves of a streaming answer land here).
    const replaced = await this.db.query(
      `WITH touched AS (UPDATE threads SET active_at = now() WHERE id = $1)
       UPDATE items SET payload = $3::jsonb, created_at = $4::timestamptz WHERE thread_id = $1 AND id = $2 RETURNING 1`,
      [threadId, item.id, payload, item.created_at],
    );
    if (replaced.rows.length === 1) return;
    // A new item takes a slot in the thread's count, in the same statement that checks the quota.
    const { rows } = await this.db.query<{ inserted: boolean }>(
      `WITH slot AS (
         UPDATE threads SET item_count = item_count + 1, active_at = now()
         WHERE id = $1 AND item_count < $5 RETURNING id)
       INSERT INTO items (thread_id, id, created_at, payload)
       SELECT id, $2, $3::timestamptz, $4::jsonb FROM slot
       ON CONFLICT (thread_id, id) DO UPDATE SET payload = excluded.payload
       RETURNING true AS inserted`,
      [threadId, item.id, item.created_at, payload, this.limits.maxItemsPerThread],
    );
    if (rows.length === 1) return;
    const exists = await this.db.query(`SELECT 1 FROM threads WHERE id = $1`, [threadId]);
    // Items of a thread that does not exist would be orphans no one can read or delete.
    if (exists.rows.length === 0) throw new Error(`thread ${threadId} does not exist`);
    throw threadFull(this.limits);
  }

  async saveItem(threadId: string, item: ThreadItem): Promise<void> {
    await this.addItem(threadId, item);
  }

  async loadItem(threadId: string, itemId: string): Promise<ThreadItem | undefined> {
    const { rows } = await this.db.query<PayloadRow<ThreadItem>>(`SELECT payload FROM items WHERE thread_id = $1 AND id = $2`, [threadId, itemId]);
    return rows[0]?.payload;
  }

  async deleteItem(threadId: string, itemId: string): Promise<void> {
    await this.db.query(
      `WITH gone AS (DELETE FROM items WHERE thread_id = $1 AND id = $2 RETURNING thread_id)
       UPDATE threads SET item_count = item_count - (SELECT count(*) FROM gone) WHERE id = $1`,
      [threadId, itemId],
    );
  }

  async saveAttachment(attachment: Attachment, owner: string): Promise<void> {
    await this.db.query(
      `INSERT INTO attachments (id, owner, payload) VALUES ($1, $2, $3::jsonb)
       ON CONFLICT (id) DO UPDATE SET owner = excluded.owner, payload = excluded.payload`,
      [attachment.id, owner, wellFormedJson(attachment)],
    );
  }

  async loadAttachment(attachmentId: string, owner: string): Promise<Attachment | undefined> {
    const { rows } = await this.db.query<PayloadRow<Attachment>>(`SELECT payload FROM attachments WHERE id = $1 AND owner = $2`, [attachmentId, owner]);
    return rows[0]?.payload;
  }

  async deleteAttachment(attachmentId: string, owner: string): Promise<void> {
    await this.db.query(`DELETE FROM attachments WHERE id = $1 AND owner = $2`, [attachmentId, owner]);
  }

  async saveChartBars(threadId: string, owner: string, hash: string, json: string): Promise<void> {
    // Only for the owner's thread; the same bars again are not rewritten.
    await this.db.query(
      `INSERT INTO chart_bars (thread_id, hash, bars)
       SELECT id, $3, $4 FROM threads WHERE id = $1 AND owner = $2
       ON CONFLICT (thread_id) DO UPDATE SET hash = excluded.hash, bars = excluded.bars
       WHERE chart_bars.hash <> excluded.hash`,
      [threadId, owner, hash, json],
    );
  }

  async loadChartBars(threadId: string, owner: string, hash: string): Promise<string | undefined> {
    const { rows } = await this.db.query<{ bars: string }>(
      `SELECT b.bars FROM chart_bars b JOIN threads t ON t.id = b.thread_id WHERE b.thread_id = $1 AND t.owner = $2 AND b.hash = $3`,
      [threadId, owner, hash],
    );
    return rows[0]?.bars;
  }

  async sweepIdleThreads(): Promise<number> {
    await sweepRateBuckets(this.db, 3600_000);
    await sweepUsageCounters(this.db);
    await this.db.query(`DELETE FROM stream_leases WHERE expires_at < now() - interval '1 hour'`);
    if (this.limits.idleThreadTtlMs <= 0) return 0;
    const { rows } = await this.db.query(
      `DELETE FROM threads WHERE active_at < now() - $1 * interval '1 millisecond' RETURNING 1`,
      [this.limits.idleThreadTtlMs],
    );
    return rows.length;
  }

  async close(): Promise<void> {
    await this.db.close();
  }
}

/** Rows fetched with LIMIT n+1: the extra row only says there is more. */
function pageOf<T>(rows: readonly PayloadRow<T>[], limit: number): Page<T> {
  const data = rows.slice(0, limit).map((row) => row.payload);
  const last = rows[limit - 1];
  return rows.length > limit && last ? { data, has_more: true, after: last.id } : { data, has_more: false };
}
