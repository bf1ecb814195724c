/**
 * The persistence interface the protocol layer uses. Threads belong to an owner (the user id
 * `resolveUser` derived); a thread another owner asks for does not exist as far as they can tell.
 * Items are addressed by thread id only: callers check thread ownership first.
 */
import type { Attachment, Page, ThreadItem, ThreadItemType, ThreadMetadata } from '../wire/types.js';
import type { SharedBuckets } from '../lib/token-bucket.js';
import type { StreamLeases } from './leases.js';
import type { UsageCounters } from './usage.js';

export type SortOrder = 'asc' | 'desc';

/**
 * Keyset pagination: `after` is the id of the last row of the previous page; the next page
 * starts right after that row's `(created_at, id)`. An unknown cursor gives an empty page.
 */
export interface PageQuery {
  limit: number;
  order: SortOrder;
  after?: string;
}

export interface Store {
  /** Optional id schemes (e.g. database keys); default `thr_<hex>` and `msg_`/`tc_`/...`_<hex>`. */
  generateThreadId?(): string;
  generateItemId?(type: ThreadItemType): string;

  /** The thread, or `undefined` when it does not exist or belongs to someone else. */
  loadThread(threadId: string, owner: string): Promise<ThreadMetadata | undefined>;
  /** Inserts or replaces a thread (keyed by id; the owner is part of the record). */
  saveThread(thread: ThreadMetadata): Promise<void>;
  /**
   * The owner's threads ordered by `(created_at, id)`. `after` is set only when `has_more`.
   * A new thread over the owner's quota is refused with 403 `quota_exceeded`.
   */
  loadThreads(owner: string, query: PageQuery): Promise<Page<ThreadMetadata>>;
  /** Deletes the thread and all its items; does nothing if the owner does not match. */
  deleteThread(threadId: string, owner: string): Promise<void>;

  /** Items in `(created_at, id)` order. `after` is set only when `has_more`. */
  loadItems(threadId: string, query: PageQuery): Promise<Page<ThreadItem>>;
  /**
   * Appends an item (replaces it in place if the id already exists). A new item in a full
   * thread, or an item larger than the byte limit, is refused with 403 `quota_exceeded`.
   */
  addItem(threadId: string, item: ThreadItem): Promise<void>;
  /** Inserts or replaces an item by id, keeping its position. */
  saveItem(threadId: string, item: ThreadItem): Promise<void>;
  loadItem(threadId: string, itemId: string): Promise<ThreadItem | undefined>;
  deleteItem(threadId: string, itemId: string): Promise<void>;

  /** Attachment records (optional: only needed when an AttachmentStore is configured). */
  saveAttachment?(attachment: Attachment, owner: string): Promise<void>;
  loadAttachment?(attachmentId: string, owner: string): Promise<Attachment | undefined>;
  deleteAttachment?(attachmentId: string, owner: string): Promise<void>;

  /**
   * The chart bars last uploaded on a thread (docs/protocol.md §6), kept as the JSON the protocol
   * core validated, under its content hash: one entry per thread, replaced by the next upload,
   * gone with the thread. Written only when the thread exists and belongs to `owner`.
   * Optional: without it the server never acknowledges bars and clients always upload them.
   */
  saveChartBars?(threadId: string, owner: string, hash: string, json: string): Promise<void>;
  /** The bars JSON stored for the owner's thread under exactly this hash, else undefined. */
  loadChartBars?(threadId: string, owner: string, hash: string): Promise<string | undefined>;

  /** Deletes threads idle longer than the retention time; returns how many went. */
  sweepIdleThreads?(): Promise<number>;
  /** The per-thread streaming lease, shared by every instance on this store (else per process). */
  readonly leases?: StreamLeases;
  /** Rate-limit buckets shared by every instance on this store (else per process). */
  readonly rateBuckets?: SharedBuckets;
  /** Daily usage counters (the per-user token budget) shared by every instance on this store (else per process). */
  readonly usage?: UsageCounters;
  /** Releases connections and files. */
  close?(): Promise<void>;
}

/** Rows with the keys stores order by. */
export interface Keyed {
  id: string;
  created_at: string;
}

/** `(created_at, id)` order, the order of every store (ISO-8601 UTC stamps of one width sort as text). */
export function compareKeys(a: Keyed, b: Keyed): number {
  if (a.created_at !== b.created_at) {
    const [x, y] = a.created_at.length === b.created_at.length ? [a.created_at, b.created_at] : [micros(a.created_at), micros(b.created_at)];
    if (x !== y) return x < y ? -1 : 1;
  }
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** `…:01.5Z` and `…:01.500000Z` are the same instant: pad the fraction to microseconds. */
function micros(stamp: string): string {
  const match = /^(.*?)(?:\.(\d+))?Z$/.exec(stamp);
  return match ? `${match[1]}.${(match[2] ?? '').padEnd(6, '0').slice(0, 6)}Z` : stamp;
}

/** Index of the first row whose key is greater than `key` in rows sorted by `compareKeys`. */
export function upperBound(rows: readonly Keyed[], key: Keyed): number {
  let lo = 0;
  let hi = rows.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareKeys(rows[mid]!, key) <= 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Keyset pagination over rows sorted by `(created_at, id)`: the page starts next to `cursor`
 * (the row `query.after` names, found by the caller), with a binary search instead of a scan.
 * Without a cursor it starts at the oldest (`asc`) or newest (`desc`) row; an unknown cursor
 * (a deleted row, a forged id) gives an empty page, so a client paging forward never loops.
 */
export function keysetPage<T extends Keyed>(rows: readonly T[], query: PageQuery, cursor: Keyed | undefined): Page<T> {
  if (query.after !== undefined && !cursor) return { data: [], has_more: false };
  let data: T[];
  let hasMore: boolean;
  if (query.order === 'asc') {
    const start = cursor ? upperBound(rows, cursor) : 0;
    data = rows.slice(start, start + query.limit);
    hasMore = start + query.limit < rows.length;
  } else {
    const end = cursor ? upperBound(rows, cursor) - 1 : rows.length; // rows before the cursor
    const start = Math.max(0, end - query.limit);
    data = rows.slice(start, end).reverse();
    hasMore = start > 0;
  }
  const last = data[data.length - 1];
  return hasMore && last ? { data, has_more: true, after: last.id } : { data, has_more: false };
}

/** Cursor pagination over an already ordered list of rows with ids (linear; for small lists). */
export function paginate<T extends { id: string }>(rows: readonly T[], query: PageQuery): Page<T> {
  const ordered = query.order === 'desc' ? [...rows].reverse() : rows;
  let start = 0;
  if (query.after !== undefined) {
    const index = ordered.findIndex((row) => row.id === query.after);
    if (index < 0) return { data: [], has_more: false };
    start = index + 1;
  }
  const data = ordered.slice(start, start + query.limit);
  const hasMore = start + query.limit < ordered.length;
  const last = data[data.length - 1];
  return hasMore && last ? { data, has_more: true, after: last.id } : { data, has_more: false };
}
