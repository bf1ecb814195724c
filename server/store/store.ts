/**
 * The persistence interface the protocol layer uses. Threads belong to an owner (the user id
 * `resolveUser` derived); a thread another owner asks for does not exist as far as they can tell.
 * Items are addressed by thread id only: callers check thread ownership first.
 */
import type { Attachment, Page, ThreadItem, ThreadItemType, ThreadMetadata } from '../wire/types.js';

export type SortOrder = 'asc' | 'desc';

/** Cursor pagination: `after` is the id of the last row of the previous page. */
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
  /** The owner's threads ordered by `created_at`. `after` is set only when `has_more`. */
  loadThreads(owner: string, query: PageQuery): Promise<Page<ThreadMetadata>>;
  /** Deletes the thread and all its items; does nothing if the owner does not match. */
  deleteThread(threadId: string, owner: string): Promise<void>;

  /** Items in insertion (= `created_at`) order. `after` is set only when `has_more`. */
  loadItems(threadId: string, query: PageQuery): Promise<Page<ThreadItem>>;
  /** Appends an item (replaces it in place if the id already exists). */
  addItem(threadId: string, item: ThreadItem): Promise<void>;
  /** Inserts or replaces an item by id, keeping its position. */
  saveItem(threadId: string, item: ThreadItem): Promise<void>;
  loadItem(threadId: string, itemId: string): Promise<ThreadItem | undefined>;
  deleteItem(threadId: string, itemId: string): Promise<void>;

  /** Attachment records (optional: only needed when an AttachmentStore is configured). */
  saveAttachment?(attachment: Attachment, owner: string): Promise<void>;
  loadAttachment?(attachmentId: string, owner: string): Promise<Attachment | undefined>;
  deleteAttachment?(attachmentId: string, owner: string): Promise<void>;
}

/** Cursor pagination over an already ordered list of rows with ids (shared by stores). */
export function paginate<T extends { id: string }>(rows: readonly T[], query: PageQuery): Page<T> {
  const ordered = query.order === 'desc' ? [...rows].reverse() : rows;
  let start = 0;
  if (query.after !== undefined) {
    const index = ordered.findIndex((row) => row.id === query.after);
    // An unknown cursor (deleted row, forged id) yields an empty page rather than restarting,
    // so a client paging forward can never loop.
    if (index < 0) return { data: [], has_more: false };
    start = index + 1;
  }
  const data = ordered.slice(start, start + query.limit);
  const hasMore = start + query.limit < ordered.length;
  const last = data[data.length - 1];
  return hasMore && last ? { data, has_more: true, after: last.id } : { data, has_more: false };
}
