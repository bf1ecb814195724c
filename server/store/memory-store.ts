/**
 * The in-memory `Store`: the default for development, tests and single-process demos.
 * Everything is deep-copied on the way in and out, so callers (responders mutating a thread,
 * the pipeline patching pending items) can never change stored state behind the store's back.
 */
import type { Attachment, Page, ThreadItem, ThreadMetadata } from '../wire/types.js';
import { paginate, type PageQuery, type Store } from './store.js';

interface ThreadRecord {
  thread: ThreadMetadata;
  items: ThreadItem[];
}

export class MemoryStore implements Store {
  readonly #threads = new Map<string, ThreadRecord>();
  /** Thread ids per owner, so listing does not scan everyone's threads. */
  readonly #byOwner = new Map<string, Set<string>>();
  readonly #attachments = new Map<string, { owner: string; attachment: Attachment }>();

  async loadThread(threadId: string, owner: string): Promise<ThreadMetadata | undefined> {
    const record = this.#threads.get(threadId);
    return record && record.thread.owner === owner ? structuredClone(record.thread) : undefined;
  }

  async saveThread(thread: ThreadMetadata): Promise<void> {
    const record = this.#threads.get(thread.id);
    if (record && record.thread.owner !== thread.owner) this.#byOwner.get(record.thread.owner)?.delete(thread.id);
    if (record) record.thread = structuredClone(thread);
    else this.#threads.set(thread.id, { thread: structuredClone(thread), items: [] });
    let owned = this.#byOwner.get(thread.owner);
    if (!owned) this.#byOwner.set(thread.owner, (owned = new Set()));
    owned.add(thread.id);
  }

  async loadThreads(owner: string, query: PageQuery): Promise<Page<ThreadMetadata>> {
    const owned = [...(this.#byOwner.get(owner) ?? [])]
      .map((id) => this.#threads.get(id)!.thread)
      .sort((a, b) => (a.created_at < b.created_at ? -1 : a.created_at > b.created_at ? 1 : 0));
    return structuredClone(paginate(owned, query));
  }

  async deleteThread(threadId: string, owner: string): Promise<void> {
    if (this.#threads.get(threadId)?.thread.owner !== owner) return;
    this.#threads.delete(threadId);
    this.#byOwner.get(owner)?.delete(threadId);
  }

  async loadItems(threadId: string, query: PageQuery): Promise<Page<ThreadItem>> {
    return structuredClone(paginate(this.#threads.get(threadId)?.items ?? [], query));
  }

  async addItem(threadId: string, item: ThreadItem): Promise<void> {
    const items = this.#itemsOf(threadId);
    const index = items.findIndex((existing) => existing.id === item.id);
    if (index >= 0) items[index] = structuredClone(item);
    else items.push(structuredClone(item));
  }

  async saveItem(threadId: string, item: ThreadItem): Promise<void> {
    await this.addItem(threadId, item);
  }

  async loadItem(threadId: string, itemId: string): Promise<ThreadItem | undefined> {
    const item = this.#threads.get(threadId)?.items.find((existing) => existing.id === itemId);
    return item ? structuredClone(item) : undefined;
  }

  async deleteItem(threadId: string, itemId: string): Promise<void> {
    const record = this.#threads.get(threadId);
    if (record) record.items = record.items.filter((item) => item.id !== itemId);
  }

  async saveAttachment(attachment: Attachment, owner: string): Promise<void> {
    this.#attachments.set(attachment.id, { owner, attachment: structuredClone(attachment) });
  }

  async loadAttachment(attachmentId: string, owner: string): Promise<Attachment | undefined> {
    const record = this.#attachments.get(attachmentId);
    return record && record.owner === owner ? structuredClone(record.attachment) : undefined;
  }

  async deleteAttachment(attachmentId: string, owner: string): Promise<void> {
    if (this.#attachments.get(attachmentId)?.owner === owner) this.#attachments.delete(attachmentId);
  }

  #itemsOf(threadId: string): ThreadItem[] {
    const record = this.#threads.get(threadId);
    // Writing items into a thread that does not exist would leave orphans no one can read or delete.
    if (!record) throw new Error(`thread ${threadId} does not exist`);
    return record.items;
  }
}
