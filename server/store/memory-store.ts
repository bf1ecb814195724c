/**
 * The in-memory `Store` (`STORE=memory`): tests, single-process demos and runtimes without
 * files. Everything is copied on the way in and out (and made well-formed like the SQL engines
 * do), so callers can never change stored state behind the store's back. The same quotas as
 * the database engines apply, and the whole store is bounded: past `maxTotalBytes` the least
 * recently active threads are dropped, so memory stays flat whatever clients send.
 */
import type { Attachment, Page, ThreadItem, ThreadMetadata } from '../wire/types.js';
import { MemoryLeases } from './leases.js';
import { MemoryUsageCounters } from './usage.js';
import { DEFAULT_STORE_LIMITS, itemTooLarge, jsonBytes, threadFull, tooManyThreads, type StoreLimits } from './limits.js';
import { compareKeys, keysetPage, upperBound, type PageQuery, type Store } from './store.js';
import { wellFormedJson } from './well-formed.js';

export interface MemoryStoreOptions extends Partial<StoreLimits> {
  /** Upper bound on everything stored (JSON bytes). Default 64 MiB. */
  readonly maxTotalBytes?: number;
  /** Clock in milliseconds (tests). */
  readonly now?: () => number;
}

interface ThreadRecord {
  thread: ThreadMetadata;
  threadBytes: number;
  /** Sorted by `(created_at, id)`. */
  items: ThreadItem[];
  byId: Map<string, ThreadItem>;
  itemBytes: Map<string, number>;
  activeAt: number;
  /** The bars last uploaded on the thread, under their hash (counted in the total bytes). */
  bars?: { hash: string; json: string };
}

const copyOf = <T>(value: T, json = wellFormedJson(value)): T => JSON.parse(json) as T;

export class MemoryStore implements Store {
  readonly limits: StoreLimits;
  readonly leases = new MemoryLeases();
  readonly usage = new MemoryUsageCounters();
  readonly #maxTotalBytes: number;
  readonly #now: () => number;
  /** Map order = activity order (a touched thread moves to the end): the first is the least recently active. */
  readonly #threads = new Map<string, ThreadRecord>();
  /** Thread ids per owner, so listing does not scan everyone's threads. */
  readonly #byOwner = new Map<string, Set<string>>();
  readonly #attachments = new Map<string, { owner: string; attachment: Attachment }>();
  #totalBytes = 0;

  constructor(options: MemoryStoreOptions = {}) {
    const { maxTotalBytes, now, ...limits } = options;
    this.limits = { ...DEFAULT_STORE_LIMITS, ...limits };
    this.#maxTotalBytes = maxTotalBytes ?? 64 * 1024 * 1024;
    this.#now = now ?? Date.now;
  }

  /** JSON bytes held (threads and items). */
  get totalBytes(): number {
    return this.#totalBytes;
  }

  async loadThread(threadId: string, owner: string): Promise<ThreadMetadata | undefined> {
    const record = this.#threads.get(threadId);
    return record && record.thread.owner === owner ? structuredClone(record.thread) : undefined;
  }

  async saveThread(thread: ThreadMetadata): Promise<void> {
    const json = wellFormedJson(thread);
    const record = this.#threads.get(thread.id);
    if (record) {
      if (record.thread.owner !== thread.owner) this.#byOwner.get(record.thread.owner)?.delete(thread.id);
      this.#totalBytes += json.length - record.threadBytes;
      record.thread = copyOf(thread, json);
      record.threadBytes = json.length;
      this.#touch(thread.id, record);
    } else {
      if ((this.#byOwner.get(thread.owner)?.size ?? 0) >= this.limits.maxThreadsPerUser) throw tooManyThreads(this.limits);
      const created: ThreadRecord = { thread: copyOf(thread, json), threadBytes: json.length, items: [], byId: new Map(), itemBytes: new Map(), activeAt: this.#now() };
      this.#threads.set(thread.id, created);
      this.#totalBytes += json.length;
    }
    let owned = this.#byOwner.get(thread.owner);
    if (!owned) this.#byOwner.set(thread.owner, (owned = new Set()));
    owned.add(thread.id);
    this.#bound(thread.id);
  }

  async loadThreads(owner: string, query: PageQuery): Promise<Page<ThreadMetadata>> {
    const owned = [...(this.#byOwner.get(owner) ?? [])].map((id) => this.#threads.get(id)!.thread).sort(compareKeys);
    const cursor = query.after === undefined ? undefined : owned.find((thread) => thread.id === query.after);
    return structuredClone(keysetPage(owned, query, cursor));
  }

  async deleteThread(threadId: string, owner: string): Promise<void> {
    if (this.#threads.get(threadId)?.thread.owner !== owner) return;
    this.#drop(threadId);
  }

  async loadItems(threadId: string, query: PageQuery): Promise<Page<ThreadItem>> {
    const record = this.#threads.get(threadId);
    if (!record) return { data: [], has_more: false };
    const cursor = query.after === undefined ? undefined : record.byId.get(query.after);
    return structuredClone(keysetPage(record.items, query, cursor));
  }

  async addItem(threadId: string, item: ThreadItem): Promise<void> {
    const record = this.#threads.get(threadId);
    // Writing items into a thread that does not exist would leave orphans no one can read or delete.
    if (!record) throw new Error(`thread ${threadId} does not exist`);
    const json = wellFormedJson(item);
    const bytes = jsonBytes(json);
    if (bytes > this.limits.maxItemBytes) throw itemTooLarge(this.limits);
    const stored = copyOf(item, json);
    const existing = record.byId.get(item.id);
    if (existing) {
      // Replaced in place (a changed created_at moves it, as the SQL engines order by it too).
      const index = upperBound(record.items, existing) - 1;
      if (existing.created_at === stored.created_at) record.items[index] = stored;
      else {
        record.items.splice(index, 1);
        record.items.splice(upperBound(record.items, stored), 0, stored);
      }
    } else {
      if (record.items.length >= this.limits.maxItemsPerThread) throw threadFull(this.limits);
      const last = record.items[record.items.length - 1];
      if (!last || compareKeys(last, stored) < 0) record.items.push(stored);
      else record.items.splice(upperBound(record.items, stored), 0, stored);
    }
    record.byId.set(item.id, stored);
    this.#totalBytes += bytes - (record.itemBytes.get(item.id) ?? 0);
    record.itemBytes.set(item.id, bytes);
    this.#touch(threadId, record);
    this.#bound(threadId);
  }

  async saveItem(threadId: string, item: ThreadItem): Promise<void> {
    await this.addItem(threadId, item);
  }

  async loadItem(threadId: string, itemId: string): Promise<ThreadItem | undefined> {
    const item = this.#threads.get(threadId)?.byId.get(itemId);
    return item ? structuredClone(item) : undefined;
  }

  async deleteItem(threadId: string, itemId: string): Promise<void> {
    const record = this.#threads.get(threadId);
    const item = record?.byId.get(itemId);
    if (!record || !item) return;
    record.items.splice(upperBound(record.items, item) - 1, 1);
    record.byId.delete(itemId);
    this.#totalBytes -= record.itemBytes.get(itemId) ?? 0;
    record.itemBytes.delete(itemId);
  }

  async saveAttachment(attachment: Attachment, owner: string): Promise<void> {
    this.#attachments.set(attachment.id, { owner, attachment: copyOf(attachment) });
  }

  async loadAttachment(attachmentId: string, owner: string): Promise<Attachment | undefined> {
    const record = this.#attachments.get(attachmentId);
    return record && record.owner === owner ? structuredClone(record.attachment) : undefined;
  }

  async deleteAttachment(attachmentId: string, owner: string): Promise<void> {
    if (this.#attachments.get(attachmentId)?.owner === owner) this.#attachments.delete(attachmentId);
  }

  async saveChartBars(threadId: string, owner: string, hash: string, json: string): Promise<void> {
    const record = this.#threads.get(threadId);
    if (record?.thread.owner !== owner) return;
    this.#totalBytes += json.length - (record.bars?.json.length ?? 0);
    record.bars = { hash, json };
    this.#bound(threadId);
  }

  async loadChartBars(threadId: string, owner: string, hash: string): Promise<string | undefined> {
    const record = this.#threads.get(threadId);
    return record?.thread.owner === owner && record.bars?.hash === hash ? record.bars.json : undefined;
  }

  async sweepIdleThreads(): Promise<number> {
    if (this.limits.idleThreadTtlMs <= 0) return 0;
    const cutoff = this.#now() - this.limits.idleThreadTtlMs;
    let dropped = 0;
    // Activity order: stop at the first thread that is recent enough.
    for (const [id, record] of this.#threads) {
      if (record.activeAt >= cutoff) break;
      this.#drop(id);
      dropped++;
    }
    return dropped;
  }

  #touch(threadId: string, record: ThreadRecord): void {
    record.activeAt = this.#now();
    this.#threads.delete(threadId);
    this.#threads.set(threadId, record);
  }

  /** Drops the least recently active threads (never `keep`, the one just written) while over the bound. */
  #bound(keep: string): void {
    for (const id of this.#threads.keys()) {
      if (this.#totalBytes <= this.#maxTotalBytes) return;
      if (id !== keep) this.#drop(id);
    }
  }

  #drop(threadId: string): void {
    const record = this.#threads.get(threadId);
    if (!record) return;
    this.#threads.delete(threadId);
    this.#byOwner.get(record.thread.owner)?.delete(threadId);
    if (this.#byOwner.get(record.thread.owner)?.size === 0) this.#byOwner.delete(record.thread.owner);
    let bytes = record.threadBytes + (record.bars?.json.length ?? 0);
    for (const size of record.itemBytes.values()) bytes += size;
    this.#totalBytes -= bytes;
  }
}
