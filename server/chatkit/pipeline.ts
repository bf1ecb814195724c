/**
 * The event pipeline wrapped around every responder/action stream (chatkit-python's
 * `_process_events`; docs/protocol.md §3–§4): the opening events (already stored), then
 * `stream_options`; `added` items tracked as pending and kept current from `updated`;
 * `done`/`replaced`/`removed` persisted; hidden items stored but never sent; `thread.updated` whenever the source mutated the thread; exceptions
 * become one `error` event. When the client goes away (the signal aborts) the source is stopped
 * and what it already produced is saved, like `handle_stream_cancelled`.
 */
import type { Store } from '../store/store.js';
import { CustomStreamError, StreamError } from './errors.js';
import { isHiddenItem, toWireThread } from './serialize.js';
import type {
  AssistantMessageContent,
  AssistantMessageItem,
  ThreadItem,
  ThreadItemUpdate,
  ThreadMetadata,
  ThreadStreamEvent,
  WorkflowItem,
} from '../wire/types.js';

export const CANCELLED_CONTEXT = 'The user cancelled the stream. Stop responding to the prior request.';

export interface PipelineOptions {
  store: Store;
  /** The live thread: the source may mutate it (title, status, metadata). */
  thread: ThreadMetadata;
  /** The responder's or action handler's events. */
  source: AsyncIterable<ThreadStreamEvent>;
  /** Events already stored that open the stream (a new thread, the user's message): sent as they are, first. */
  opening?: readonly ThreadStreamEvent[];
  /** Aborted when the client disconnected: stop the source and save what is pending. */
  signal: AbortSignal;
  allowCancel: boolean;
  now(): string;
  newItemId(type: 'sdk_hidden_context'): string;
  /** Reports unexpected failures (they reach the client only as a generic `stream.error`). */
  log?: (message: string, error: unknown) => void;
  /**
   * A streaming assistant message is saved (marked `incomplete`) at most this often, so a
   * crash keeps what the user already saw. Default 1000 ms; 0 saves only at the end.
   */
  saveEveryMs?: number;
}

export const DEFAULT_SAVE_EVERY_MS = 1000;

const ABORTED = Symbol('aborted');

export async function* runPipeline(options: PipelineOptions): AsyncGenerator<ThreadStreamEvent, void, undefined> {
  const { store, thread, signal } = options;
  let snapshot = snapshotOf(thread);
  const pending = new Map<string, ThreadItem>();
  const iterator = options.source[Symbol.asyncIterator]();
  const next = stepOrAbort(iterator, signal);
  // The source's first step starts before anything goes out: for a responder that step is the
  // model request, which then overlaps the opening events' way to the client.
  let firstStep: ReturnType<typeof next> | undefined = next();
  firstStep.catch(() => undefined); // awaited below; a client gone before then must not leave it unhandled
  let settled = false; // the source finished or failed on its own
  let failure: ThreadStreamEvent | undefined;
  const saveEveryMs = options.saveEveryMs ?? DEFAULT_SAVE_EVERY_MS;
  let lastPartialSave = Date.now();

  // Both return undefined when there is nothing to save: an `await` per event is a promise job per event.
  const threadUpdate = (): Promise<ThreadStreamEvent> | undefined => {
    const now = snapshotOf(thread);
    if (now === snapshot) return undefined;
    snapshot = now;
    return store.saveThread(thread).then(() => ({ type: 'thread.updated', thread: toWireThread(thread) }));
  };

  try {
    for (const event of options.opening ?? []) yield event;
    yield { type: 'stream_options', stream_options: { allow_cancel: options.allowCancel } };
    try {
      while (!signal.aborted) {
        const step = await (firstStep ?? next());
        firstStep = undefined;
        if (step === ABORTED) break;
        if (step.done) {
          settled = true;
          break;
        }
        const event = step.value;
        const swallowed = isSwallowed(event, pending);
        const saving = persist(store, thread.id, pending, event);
        if (saving) await saving;
        if (saveEveryMs > 0 && event.type === 'thread.item.updated' && Date.now() - lastPartialSave >= saveEveryMs) {
          lastPartialSave = Date.now();
          await savePartial(store, thread.id, pending.get(event.item_id));
        }
        if (!swallowed) yield event;
        const updating = threadUpdate();
        if (updating) yield await updating;
      }
    } catch (error) {
      if (signal.aborted) return; // the finally block below handles cancellation
      settled = true;
      failure = toErrorEvent(error, options.log);
    }
    if (failure) yield failure;
    if (settled) {
      const updated = await threadUpdate()?.catch((error: unknown) => void options.log?.('saving the thread failed', error));
      if (updated) yield updated;
    }
  } finally {
    next.dispose();
    if (!settled) {
      // Cancelled: by the abort signal, or by the consumer returning early (client gone).
      void Promise.resolve(iterator.return?.()).catch(() => undefined);
      await saveCancelled(options, pending, snapshot !== snapshotOf(thread)).catch((error: unknown) =>
        options.log?.('saving a cancelled stream failed', error),
      );
    }
  }
}

/**
 * What `done`/`replaced`/`removed` mean for the store, and pending-item bookkeeping. Returns the
 * store write to wait for, or undefined when the event writes nothing (every text delta).
 */
function persist(store: Store, threadId: string, pending: Map<string, ThreadItem>, event: ThreadStreamEvent): Promise<void> | undefined {
  switch (event.type) {
    case 'thread.item.added':
      pending.set(event.item.id, structuredClone(event.item));
      return undefined;
    case 'thread.item.updated': {
      const item = pending.get(event.item_id);
      if (item) pending.set(item.id, applyUpdate(item, event.update));
      return undefined;
    }
    case 'thread.item.done':
      return store.addItem(threadId, event.item).then(() => void pending.delete(event.item.id));
    case 'thread.item.replaced':
      return store.saveItem(threadId, event.item).then(() => void pending.delete(event.item.id));
    case 'thread.item.removed':
      return store.deleteItem(threadId, event.item_id).then(() => void pending.delete(event.item_id));
    default:
      return undefined;
  }
}

/** The streaming answer so far, as an incomplete message (replaced by the final one at `done`). */
async function savePartial(store: Store, threadId: string, item: ThreadItem | undefined): Promise<void> {
  if (item?.type !== 'assistant_message' || !item.content.some((part) => part.text.trim() !== '')) return;
  await store.addItem(threadId, { ...item, incomplete: true });
}

/** Hidden items are model context: stored, never shown (nor are updates to a pending hidden item). */
function isSwallowed(event: ThreadStreamEvent, pending: ReadonlyMap<string, ThreadItem>): boolean {
  switch (event.type) {
    case 'thread.item.added':
    case 'thread.item.done':
    case 'thread.item.replaced':
      return isHiddenItem(event.item);
    case 'thread.item.updated': {
      const item = pending.get(event.item_id);
      return item !== undefined && isHiddenItem(item);
    }
    default:
      return false;
  }
}

/**
 * Keeps a pending assistant message or workflow current, as chatkit-python does for cancellation.
 * It updates `item` in place: the pending map owns that copy (cloned at `added`), and cloning the
 * whole message on every text delta made long answers quadratic.
 */
export function applyUpdate(item: ThreadItem, update: ThreadItemUpdate): ThreadItem {
  if (item.type === 'assistant_message' && update.type.startsWith('assistant_message.')) {
    return applyAssistantUpdate(item, update);
  }
  if (item.type === 'workflow' && (update.type === 'workflow.task.added' || update.type === 'workflow.task.updated')) {
    if (update.type === 'workflow.task.added') item.workflow.tasks.push(structuredClone(update.task));
    else item.workflow.tasks[update.task_index] = structuredClone(update.task);
    return item;
  }
  return item;
}

function applyAssistantUpdate(item: AssistantMessageItem, update: ThreadItemUpdate): AssistantMessageItem {
  if (!('content_index' in update)) return item;
  const next = item;
  // Updates may address a part that was never announced: pad like chatkit-python does.
  while (next.content.length <= update.content_index) next.content.push({ type: 'output_text', text: '', annotations: [] });
  const part = next.content[update.content_index] as AssistantMessageContent;
  switch (update.type) {
    case 'assistant_message.content_part.added':
    case 'assistant_message.content_part.done':
      next.content[update.content_index] = structuredClone(update.content);
      break;
    case 'assistant_message.content_part.text_delta':
      part.text += update.delta;
      break;
    case 'assistant_message.content_part.annotation_added':
      part.annotations.splice(Math.min(update.annotation_index, part.annotations.length), 0, structuredClone(update.annotation));
      break;
    default:
      break;
  }
  return next;
}

/** chatkit-python's `handle_stream_cancelled`: keep non-blank pending replies, record the cancellation. */
async function saveCancelled(options: PipelineOptions, pending: Map<string, ThreadItem>, threadChanged: boolean): Promise<void> {
  const { store, thread } = options;
  if (threadChanged) await store.saveThread(thread);
  for (const item of pending.values()) {
    if (item.type === 'assistant_message' && item.content.some((part) => part.text.trim() !== '')) {
      await store.addItem(thread.id, { ...item, incomplete: true });
    }
  }
  await store.addItem(thread.id, {
    type: 'sdk_hidden_context',
    id: options.newItemId('sdk_hidden_context'),
    thread_id: thread.id,
    created_at: options.now(),
    content: CANCELLED_CONTEXT,
  });
}

export function toErrorEvent(error: unknown, log?: PipelineOptions['log']): ThreadStreamEvent {
  if (error instanceof CustomStreamError) return { type: 'error', code: 'custom', message: error.message, allow_retry: error.allowRetry };
  if (error instanceof StreamError) return { type: 'error', code: error.code, ...(error.detail ? { message: error.detail } : {}), allow_retry: error.allowRetry };
  log?.('responder failed', error);
  return { type: 'error', code: 'stream.error', allow_retry: true };
}

/** The parts of a thread a responder may change; any difference means `thread.updated`. */
function snapshotOf(thread: ThreadMetadata): string {
  const { title, status, metadata, allowed_image_domains } = thread;
  return JSON.stringify([title ?? null, status, metadata, allowed_image_domains ?? null]);
}

/**
 * The source's next step, or ABORTED as soon as the signal aborts (a source stuck in an await
 * must not keep a cancelled stream open). Each step waits on its own promise, and one abort
 * listener serves the whole stream: racing every step against one long-lived promise would
 * leave a reaction on it per event, held until the stream ends.
 */
function stepOrAbort<T>(iterator: AsyncIterator<T>, signal: AbortSignal): (() => Promise<IteratorResult<T> | typeof ABORTED>) & { dispose(): void } {
  let wake: ((value: typeof ABORTED) => void) | undefined;
  const onAbort = () => wake?.(ABORTED);
  signal.addEventListener('abort', onAbort, { once: true });
  const next = () =>
    new Promise<IteratorResult<T> | typeof ABORTED>((resolve, reject) => {
      if (signal.aborted) return resolve(ABORTED);
      wake = resolve;
      iterator.next().then(resolve, reject);
    });
  return Object.assign(next, { dispose: () => signal.removeEventListener('abort', onAbort) });
}
