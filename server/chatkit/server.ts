/**
 * The runtime-agnostic ChatKit protocol core (chatkit-python's `ChatKitServer`). `process`
 * validates a parsed request body and checks every precondition before anything is streamed,
 * then answers with JSON, a stream of events, or a client error. HTTP lives in ../app.ts.
 */
import type { Responder, ResponderContext } from './responder.js';
import type { Store } from '../store/store.js';
import type { ActionHandlers, AttachmentStore, FeedbackHandler, RequestContext, Transcriber } from './context.js';
import { fail, lazy, prepend, single } from './async-iter.js';
import { ChartBars } from './chart-bars.js';
import { RequestError } from '../wire/request-error.js';
import { StreamError, notFound, notSupported } from './errors.js';
import { monotonicNow, newItemId, newThreadId } from './ids.js';
import { runPipeline } from './pipeline.js';
import { pageQuery, parseRequest, STREAMING_OPS, type ChatKitRequest, type OpParams, type UserMessageInput } from './requests.js';
import { isHiddenItem, toWireAttachment, toWireItem, toWirePage, toWireThread } from './serialize.js';
import { applyStructuredInput } from './structured-input.js';
import { ThreadAccess } from './thread-access.js';
import { threadBusy, ThreadStreams } from './thread-streams.js';
import type { Attachment, ClientToolCallItem, ThreadItemType, ThreadMetadata, ThreadStreamEvent, UserMessageItem } from '../wire/types.js';

export interface ChatKitServerOptions {
  responder: Responder;
  store: Store;
  attachments?: AttachmentStore;
  transcribe?: Transcriber;
  actions?: ActionHandlers;
  feedback?: FeedbackHandler;
  /** `stream_options.allow_cancel` (the client's Stop button). Default true. */
  allowCancel?: boolean;
  /** Unexpected failures; defaults to console.error. */
  log?: (message: string, error: unknown) => void;
  /** A stream lease not renewed for this long is taken over (its instance died). Default 10 s. */
  leaseTtlMs?: number;
}

export type ProcessResult =
  | { kind: 'json'; body: unknown }
  | {
      kind: 'stream';
      events: AsyncIterable<ThreadStreamEvent>;
      /** The bars this request uploaded are stored for its thread: the `X-Chart-Chat-Bars` header's value (docs/protocol.md §6). */
      barsStored?: string;
    };

/** Items a thread page returns with `threads.get_by_id`, oldest first (chatkit-python). */
const THREAD_ITEMS_PAGE = 20;
/** The newest items a turn reads as history: a turn's cost does not grow with the thread. */
export const HISTORY_ITEMS = 100;

export class ChatKitServer {
  readonly #o: ChatKitServerOptions;
  readonly #log: (message: string, error: unknown) => void;
  readonly #streams: ThreadStreams;
  readonly #access: ThreadAccess;
  readonly #bars: ChartBars;

  /** Ids come from the store when it has its own scheme (chatkit-python's Store.generate_*_id). */
  readonly #newThreadId: () => string;
  readonly #newItemId: (type: ThreadItemType) => string;

  constructor(options: ChatKitServerOptions) {
    this.#o = options;
    const { store } = options;
    this.#newThreadId = store.generateThreadId ? () => store.generateThreadId!() : newThreadId;
    this.#newItemId = store.generateItemId ? (type) => store.generateItemId!(type) : newItemId;
    this.#log = options.log ?? ((message, error) => console.error(`[chatkit] ${message}:`, error));
    this.#streams = new ThreadStreams(this.#log, {
      ...(store.leases ? { leases: store.leases } : {}),
      ...(options.leaseTtlMs !== undefined ? { leaseTtlMs: options.leaseTtlMs } : {}),
    });
    this.#access = new ThreadAccess(options.store, options.attachments !== undefined);
    this.#bars = new ChartBars(options.store, this.#log);
  }

  get store(): Store {
    return this.#o.store;
  }

  /** True while a stream runs on the thread (the owner's next message takes it over; a delete gets 409 thread_busy). */
  isBusy(threadId: string): Promise<boolean> {
    return this.#streams.isBusy(threadId);
  }

  /** Ends every open stream (final event, partial answer saved); new streams get 503. */
  shutdown(timeoutMs?: number): Promise<void> {
    return this.#streams.shutdown(timeoutMs);
  }

  /** Answers one request. A refusal (bad request, unknown thread, busy...) is a thrown `RequestError`. */
  async process(body: unknown, ctx: RequestContext): Promise<ProcessResult> {
    const parsed = parseRequest(body);
    if (!parsed.ok) throw new RequestError(400, parsed.code, parsed.message);
    const request = parsed.request;
    // Only the ops that hand the context to a responder resolve a bars hash (a store read).
    const usesContext = STREAMING_OPS.has(request.type) || request.type === 'threads.sync_custom_action';
    if (usesContext) ctx = await this.#bars.resolve((request.params as { thread_id?: string }).thread_id, ctx);
    return STREAMING_OPS.has(request.type) ? await this.#streaming(request, ctx) : { kind: 'json', body: await this.#json(request, ctx) };
  }

  // ── non-streaming ops ────────────────────────────────────────────────────────────────

  async #json(request: ChatKitRequest, ctx: RequestContext): Promise<unknown> {
    const { store } = this.#o;
    switch (request.type) {
      case 'threads.get_by_id': {
        const thread = await this.#access.thread(request.params.thread_id, ctx);
        const items = await store.loadItems(thread.id, { limit: THREAD_ITEMS_PAGE, order: 'asc' });
        return toWireThread(thread, items);
      }
      case 'threads.list': {
        const page = await store.loadThreads(ctx.user, pageQuery(request.params));
        return toWirePage(page, (thread) => toWireThread(thread));
      }
      case 'threads.update': {
        const thread = await this.#access.thread(request.params.thread_id, ctx);
        thread.title = request.params.title;
        await store.saveThread(thread);
        return toWireThread(thread);
      }
      case 'threads.delete': {
        const thread = await this.#access.thread(request.params.thread_id, ctx);
        if (await this.#streams.isBusy(thread.id)) throw threadBusy();
        await store.deleteThread(thread.id, ctx.user);
        return {};
      }
      case 'items.list': {
        const thread = await this.#access.thread(request.params.thread_id, ctx);
        const page = await store.loadItems(thread.id, pageQuery(request.params));
        return toWirePage({ ...page, data: page.data.filter((item) => !isHiddenItem(item)) }, toWireItem);
      }
      case 'items.feedback': {
        const thread = await this.#access.thread(request.params.thread_id, ctx);
        await this.#o.feedback?.(thread.id, request.params.item_ids, request.params.kind, ctx);
        return {};
      }
      case 'threads.sync_custom_action':
        return this.#syncAction(request.params, ctx);
      case 'attachments.create': {
        const attachments = this.#o.attachments;
        if (!attachments || !store.saveAttachment) throw notSupported('attachments');
        const attachment = await attachments.create(request.params, ctx);
        await store.saveAttachment(attachment, ctx.user);
        return toWireAttachment(attachment);
      }
      case 'attachments.delete': {
        const attachments = this.#o.attachments;
        if (!attachments || !store.loadAttachment || !store.deleteAttachment) throw notSupported('attachments');
        const attachment = await store.loadAttachment(request.params.attachment_id, ctx.user);
        if (!attachment) throw notFound('attachment');
        await attachments.delete(attachment.id, ctx);
        await store.deleteAttachment(attachment.id, ctx.user);
        return {};
      }
      case 'input.transcribe': {
        if (!this.#o.transcribe) throw notSupported('dictation');
        const { audio_base64, mime_type } = request.params;
        const media_type = (mime_type.split(';')[0] ?? '').trim().toLowerCase();
        // atob rather than Buffer: the core stays runtime-agnostic. The schema already checked the alphabet;
        // unpadded input is padded, and anything atob still refuses is a client error.
        const data = decodeBase64(audio_base64);
        const { text } = await this.#o.transcribe({ data, mime_type, media_type }, ctx);
        return { text };
      }
      default:
        throw new Error(`not a JSON op: ${request.type}`);
    }
  }

  async #syncAction(params: OpParams<'threads.sync_custom_action'>, ctx: RequestContext): Promise<unknown> {
    const syncAction = this.#o.actions?.syncAction;
    const thread = await this.#access.thread(params.thread_id, ctx);
    const sender = await this.#access.sender(thread, params.item_id);
    if (!syncAction) throw notSupported('threads.sync_custom_action');
    if (sender === 'not_a_widget') throw new RequestError(400, 'invalid_request', 'params.item_id: the item is not a widget');
    const signal = ctx.signal ?? new AbortController().signal;
    const result = await syncAction(thread, params.action, sender, this.#responderContext(thread, ctx, signal));
    if (!result.updated_item) return {};
    await this.#o.store.saveItem(thread.id, result.updated_item);
    return { updated_item: toWireItem(result.updated_item) };
  }

  // ── streaming ops: every check happens here, before the stream is returned ───────────

  async #streaming(request: ChatKitRequest, ctx: RequestContext): Promise<ProcessResult> {
    switch (request.type) {
      case 'threads.create': {
        const now = monotonicNow();
        const thread: ThreadMetadata = { id: this.#newThreadId(), owner: ctx.user, created_at: now, status: { type: 'active' }, metadata: {} };
        const attachments = await this.#access.attachmentsOf(request.params.input, ctx);
        let item: UserMessageItem | undefined;
        return this.#stream(
          thread,
          ctx,
          (signal) => this.#userTurn(thread, item!, ctx, signal, true),
          async () => void (item = await this.#saveUserTurn(thread, request.params.input, attachments, ctx, true)),
        );
      }
      case 'threads.add_user_message': {
        const thread = await this.#takenOver(request.params.thread_id, ctx);
        const attachments = await this.#access.attachmentsOf(request.params.input, ctx);
        let item: UserMessageItem | undefined;
        return this.#claimStream(
          thread,
          ctx,
          (signal) => this.#userTurn(thread, item!, ctx, signal, false),
          async () => void (item = await this.#saveUserTurn(thread, request.params.input, attachments, ctx, false)),
        );
      }
      case 'threads.add_client_tool_output': {
        // Answers the stream that asked; it never cancels one (a running stream means the call is not ours yet).
        const thread = await this.#openThread(request.params.thread_id, ctx);
        const call = await this.#access.pendingToolCall(thread.id);
        if (!call) throw new RequestError(409, 'no_pending_tool_call', 'the thread has no pending client tool call');
        const result = request.params.result;
        return this.#stream(thread, ctx, (signal) => this.#toolOutput(thread, call, result, ctx, signal));
      }
      case 'threads.add_structured_input': {
        const { thread_id, item_id, input } = request.params;
        const thread = await this.#takenOver(thread_id, ctx);
        const item = await this.#access.item(thread, item_id);
        if (item.type !== 'structured_input') throw new RequestError(400, 'invalid_request', 'params.item_id: the item is not a structured input');
        if (item.status !== 'pending') throw new RequestError(409, 'not_pending', 'the structured input was already answered');
        const answered = applyStructuredInput(item, input);
        return this.#claimStream(thread, ctx, (signal) =>
          this.#pipeline(thread, ctx, signal, (rctx) => prepend([{ type: 'thread.item.replaced', item: answered }], () => this.#o.responder.respond(thread, null, rctx))),
        );
      }
      case 'threads.retry_after_item': {
        const { thread_id, item_id } = request.params;
        const thread = await this.#takenOver(thread_id, ctx);
        const item = await this.#access.item(thread, item_id);
        if (item.type !== 'user_message') throw new RequestError(400, 'invalid_retry_target', 'params.item_id: only a user message can be retried');
        return this.#claimStream(thread, ctx, (signal) => this.#retry(thread, item, ctx, signal));
      }
      case 'threads.custom_action': {
        const { thread_id, item_id, action } = request.params;
        const thread = await this.#takenOver(thread_id, ctx);
        const sender = await this.#access.sender(thread, item_id);
        const handler = this.#o.actions?.action?.bind(this.#o.actions);
        return this.#claimStream(thread, ctx, (signal) => {
          // chatkit-python answers an action on a non-widget item with one bare error event.
          if (sender === 'not_a_widget') return single({ type: 'error', code: 'stream.error', allow_retry: false });
          return this.#pipeline(thread, ctx, signal, (rctx) =>
            handler ? handler(thread, action, sender, rctx) : fail(new StreamError('stream.error', false)),
          );
        });
      }
      default:
        throw new Error(`not a streaming op: ${request.type}`);
    }
  }

  /**
   * Writes what a user turn starts with (a new thread, attachments, outcomes, the message)
   * before the stream is returned, so a quota refusal is a plain 4xx and a refused new thread
   * leaves nothing behind.
   */
  async #saveUserTurn(
    thread: ThreadMetadata,
    input: UserMessageInput,
    attachments: Attachment[],
    ctx: RequestContext,
    created: boolean,
  ): Promise<UserMessageItem> {
    const { store } = this.#o;
    if (created) await store.saveThread(thread);
    try {
      const linked = attachments.map((attachment) => ({ ...attachment, thread_id: thread.id }));
      for (const attachment of linked) await store.saveAttachment?.(attachment, ctx.user);
      // Before the message (items are ordered by time): the model reads them as what happened before it.
      await this.#saveOutcomes(thread, ctx);
      const item: UserMessageItem = {
        type: 'user_message',
        id: this.#newItemId('user_message'),
        thread_id: thread.id,
        created_at: monotonicNow(),
        content: input.content,
        attachments: linked.map(toWireAttachment),
        ...(input.quoted_text !== undefined ? { quoted_text: input.quoted_text } : {}),
        inference_options: input.inference_options ?? {},
      };
      await store.addItem(thread.id, item);
      await this.#access.cleanupPendingToolCalls(thread.id);
      return item;
    } catch (error) {
      if (created) await store.deleteThread(thread.id, thread.owner).catch(() => undefined);
      throw error;
    }
  }

  #userTurn(thread: ThreadMetadata, item: UserMessageItem, ctx: RequestContext, signal: AbortSignal, created: boolean): AsyncIterable<ThreadStreamEvent> {
    const first: ThreadStreamEvent[] = created ? [{ type: 'thread.created', thread: toWireThread(thread) }] : [];
    first.push({ type: 'thread.item.done', item });
    return this.#pipeline(thread, ctx, signal, (rctx) => this.#o.responder.respond(thread, item, rctx), first);
  }

  async *#toolOutput(thread: ThreadMetadata, call: ClientToolCallItem, result: unknown, ctx: RequestContext, signal: AbortSignal) {
    await this.#o.store.saveItem(thread.id, { ...call, status: 'completed', output: result });
    await this.#access.cleanupPendingToolCalls(thread.id);
    await this.#saveOutcomes(thread, ctx);
    yield* this.#pipeline(thread, ctx, signal, (rctx) => this.#o.responder.respond(thread, null, rctx));
  }

  async *#retry(thread: ThreadMetadata, item: UserMessageItem, ctx: RequestContext, signal: AbortSignal) {
    // Everything after the retried message goes; the client trims its own view (no `removed` events).
    // Read from the retried message on (a keyset page seek), never the whole thread.
    const later = await this.#access.itemsAfter(thread.id, item.id);
    for (const gone of later) await this.#o.store.deleteItem(thread.id, gone.id);
    yield* this.#pipeline(thread, ctx, signal, (rctx) => this.#o.responder.respond(thread, item, rctx));
  }

  /** What the page did with earlier commands, stored as model context before the new turn (never shown). */
  async #saveOutcomes(thread: ThreadMetadata, ctx: RequestContext) {
    if (!ctx.commandOutcomes?.length) return;
    await this.#o.store.addItem(thread.id, {
      type: 'hidden_context_item',
      id: this.#newItemId('hidden_context_item'),
      thread_id: thread.id,
      created_at: monotonicNow(),
      content: { chart_command_outcomes: ctx.commandOutcomes },
    });
  }

  #pipeline(
    thread: ThreadMetadata,
    ctx: RequestContext,
    signal: AbortSignal,
    source: (rctx: ResponderContext) => AsyncIterable<ThreadStreamEvent>,
    opening?: readonly ThreadStreamEvent[],
  ): AsyncGenerator<ThreadStreamEvent, void, undefined> {
    const rctx = this.#responderContext(thread, ctx, signal);
    return runPipeline({
      store: this.#o.store,
      thread,
      ...(opening ? { opening } : {}),
      // Created lazily so a responder that throws synchronously still becomes an `error` event.
      source: lazy(() => source(rctx)),
      signal,
      allowCancel: this.#o.allowCancel ?? true,
      now: monotonicNow,
      newItemId: this.#newItemId,
      log: this.#log,
    });
  }

  /**
   * The owner acts on the thread again (a new message, a retry, a widget action): whatever
   * still streams there is cancelled and saved first, then the new stream starts. Threads are
   * scoped to their owner, so only the owner ever gets here.
   */
  async #claimStream(
    thread: ThreadMetadata,
    ctx: RequestContext,
    build: (signal: AbortSignal) => AsyncIterable<ThreadStreamEvent>,
    prepare?: () => Promise<void>,
  ): Promise<ProcessResult> {
    return this.#started(thread, ctx, (writes) => this.#streams.claim(thread.id, ctx.signal, build, writes), prepare);
  }

  /** Claims the thread for one stream (409 if busy) and ties it to the client's connection. */
  async #stream(
    thread: ThreadMetadata,
    ctx: RequestContext,
    build: (signal: AbortSignal) => AsyncIterable<ThreadStreamEvent>,
    prepare?: () => Promise<void>,
  ): Promise<ProcessResult> {
    return this.#started(thread, ctx, (writes) => this.#streams.open(thread.id, ctx.signal, build, writes), prepare);
  }

  /**
   * A stream once the writes it starts with are done under the thread's lease: the op's own
   * (`prepare`), then the bars the request uploaded, stored for the thread (docs/protocol.md §6).
   */
  async #started(
    thread: ThreadMetadata,
    ctx: RequestContext,
    start: (writes: () => Promise<void>) => Promise<AsyncIterable<ThreadStreamEvent>>,
    prepare?: () => Promise<void>,
  ): Promise<ProcessResult> {
    let barsStored: string | undefined;
    const events = await start(async () => {
      await prepare?.();
      barsStored = await this.#bars.remember(thread.id, ctx);
    });
    return { kind: 'stream', events, ...(barsStored ? { barsStored } : {}) };
  }

  // ── helpers ──────────────────────────────────────────────────────────────────────────

  /**
   * The caller's thread once whatever streamed on it has been cancelled and saved: ownership
   * is checked first (nobody cancels another user's stream), the thread's state after.
   */
  async #takenOver(threadId: string, ctx: RequestContext): Promise<ThreadMetadata> {
    await this.#access.thread(threadId, ctx);
    await this.#streams.takeOver(threadId);
    return this.#access.openThread(threadId, ctx);
  }

  /** An active thread of the caller with no stream in progress. */
  async #openThread(threadId: string, ctx: RequestContext): Promise<ThreadMetadata> {
    const thread = await this.#access.openThread(threadId, ctx);
    if (await this.#streams.isBusy(thread.id)) throw threadBusy();
    return thread;
  }

  #responderContext(thread: ThreadMetadata, ctx: RequestContext, signal: AbortSignal): ResponderContext {
    return {
      user: ctx.user,
      ...(ctx.chartContext ? { chartContext: ctx.chartContext } : {}),
      ...(ctx.chartClient ? { chartClient: ctx.chartClient } : {}),
      ...(ctx.locale ? { locale: ctx.locale } : {}),
      ...(this.#o.store.usage ? { usage: this.#o.store.usage } : {}),
      signal,
      history: () => this.#access.recentItems(thread.id, HISTORY_ITEMS),
      newItemId: this.#newItemId,
      now: monotonicNow,
    };
  }
}

function decodeBase64(text: string): Uint8Array {
  try {
    return Uint8Array.from(atob(text.padEnd(Math.ceil(text.length / 4) * 4, '=')), (c) => c.charCodeAt(0));
  } catch {
    throw new RequestError(400, 'invalid_request', 'params.audio_base64 is not valid base64');
  }
}
