/**
 * Store reads on behalf of one user, with the protocol's preconditions: a thread someone
 * else owns is "not found", `locked`/`closed` threads take no new work, and so on. Every
 * check here runs before a stream starts, so refusals are plain 4xx answers.
 */
import type { Store } from '../store/store.js';
import type { RequestContext } from './context.js';
import { RequestError } from '../wire/request-error.js';
import { notFound, notSupported } from './errors.js';
import type { UserMessageInput } from './requests.js';
import { isHiddenItem } from './serialize.js';
import type { Attachment, ClientToolCallItem, ThreadItem, ThreadMetadata, WidgetItem } from '../wire/types.js';

/** How far back pending client tool calls are looked for and cleaned up (chatkit-python: one page). */
const RECENT_ITEMS = 20;

export class ThreadAccess {
  constructor(
    private readonly store: Store,
    private readonly attachmentsEnabled: boolean,
  ) {}

  /** The caller's thread, or 404 exactly as if it did not exist. */
  async thread(threadId: string, ctx: RequestContext): Promise<ThreadMetadata> {
    const thread = await this.store.loadThread(threadId, ctx.user);
    if (!thread) throw notFound('thread');
    return thread;
  }

  /** A thread that may take new work: `locked`/`closed` are enforced here, not just in the UI. */
  async openThread(threadId: string, ctx: RequestContext): Promise<ThreadMetadata> {
    const thread = await this.thread(threadId, ctx);
    if (thread.status.type !== 'active') {
      throw new RequestError(409, `thread_${thread.status.type}`, `the thread is ${thread.status.type}`);
    }
    return thread;
  }

  async item(thread: ThreadMetadata, itemId: string): Promise<ThreadItem> {
    const item = await this.store.loadItem(thread.id, itemId);
    if (!item) throw notFound('item');
    return item;
  }

  /** The widget an action came from: null without an item id, a marker for a non-widget item. */
  async sender(thread: ThreadMetadata, itemId: string | undefined): Promise<WidgetItem | null | 'not_a_widget'> {
    if (itemId === undefined) return null;
    const item = await this.item(thread, itemId);
    return item.type === 'widget' ? item : 'not_a_widget';
  }

  /** The caller's attachments a message refers to (all must exist and be theirs). */
  async attachmentsOf(input: UserMessageInput, ctx: RequestContext): Promise<Attachment[]> {
    if (input.attachments.length === 0) return [];
    const load = this.store.loadAttachment?.bind(this.store);
    if (!this.attachmentsEnabled || !load) throw notSupported('attachments');
    const found: Attachment[] = [];
    for (const id of input.attachments) {
      const attachment = await load(id, ctx.user);
      if (!attachment) throw notFound('attachment');
      found.push(attachment);
    }
    return found;
  }

  /** The newest visible item, if it is a pending client tool call (hidden context may follow it). */
  async pendingToolCall(threadId: string): Promise<ClientToolCallItem | undefined> {
    const recent = await this.store.loadItems(threadId, { limit: RECENT_ITEMS, order: 'desc' });
    const newest = recent.data.find((item) => !isHiddenItem(item));
    return newest?.type === 'client_tool_call' && newest.status === 'pending' ? newest : undefined;
  }

  /** Pending client tool calls that were never answered are dropped (chatkit-python does the same). */
  async cleanupPendingToolCalls(threadId: string): Promise<void> {
    const recent = await this.store.loadItems(threadId, { limit: RECENT_ITEMS, order: 'desc' });
    for (const item of recent.data) {
      if (item.type === 'client_tool_call' && item.status === 'pending') await this.store.deleteItem(threadId, item.id);
    }
  }

  /** The newest `limit` items of the thread, oldest first (hidden ones included): one keyset page. */
  async recentItems(threadId: string, limit: number): Promise<ThreadItem[]> {
    const page = await this.store.loadItems(threadId, { limit, order: 'desc' });
    return page.data.reverse();
  }

  /** Every item after `itemId`, oldest first, paged from that item on (not from the start). */
  async itemsAfter(threadId: string, itemId: string): Promise<ThreadItem[]> {
    const found: ThreadItem[] = [];
    let after = itemId;
    for (;;) {
      const page = await this.store.loadItems(threadId, { limit: 100, order: 'asc', after });
      found.push(...page.data);
      if (!page.has_more || !page.after) return found;
      after = page.after;
    }
  }
}
