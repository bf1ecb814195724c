/**
 * The lite renderer's conversation state: creates and continues threads, applies stream events
 * as they arrive, runs client tools and posts their output, and keeps one request in flight.
 * UI-free; the view re-renders whenever `changed` is called.
 */
import { handleEffect, runClientTool } from '../bridge.js';
import { fire } from '../events.js';
import { ProtocolError, streamEvents, type ProtocolRequest, type StreamEvent, type StreamItem } from '../protocol/client.js';
import { transportOf, type RendererHost } from '../renderer.js';
import type { LiteStrings } from './strings.js';

export interface Message {
  id: string;
  role: 'user' | 'assistant';
  /** Text per content part, in order. */
  parts: string[];
  streaming?: boolean;
  /** The AI turn an assistant message belongs to (its chart changes and proposal). */
  turn?: string;
}

export interface Problem {
  message: string;
  retry?: () => void;
}

let localIds = 0;

export class Conversation {
  threadId: string | null = null;
  messages: Message[] = [];
  progress = '';
  notice?: { level: string; message: string };
  error?: Problem;
  busy = false;
  allowCancel = true;
  #abort?: AbortController;

  /** The current AI turn's id, once the command loop is loaded. */
  turn?: () => string;

  constructor(
    private readonly host: RendererHost,
    private readonly changed: () => void,
    private readonly strings: () => LiteStrings,
  ) {}

  /** Sends a user message: creates the thread first time, then continues it. Rejects while an answer streams. */
  send(text: string): Promise<void> {
    text = text.trim();
    if (this.busy) return Promise.reject(new Error('an answer is still streaming: stop it or wait for it to end'));
    if (!text) return Promise.resolve();
    this.messages.push({ id: `local-${++localIds}`, role: 'user', parts: [text] });
    const input = { content: [{ type: 'input_text', text }], attachments: [], inference_options: {} };
    return this.#run(
      this.threadId
        ? { type: 'threads.add_user_message', params: { thread_id: this.threadId, input } }
        : { type: 'threads.create', params: { input } },
    );
  }

  /** Aborts the streaming answer; what arrived so far stays. */
  stop() {
    this.#abort?.abort();
  }

  /** Forgets the thread on screen; the next message creates a new one. */
  reset() {
    this.stop();
    this.messages = [];
    this.error = this.notice = undefined;
    this.progress = '';
    this.#setThread(null);
  }

  async #run(request: ProtocolRequest, notice?: Conversation['notice']): Promise<void> {
    this.#abort?.abort();
    const abort = (this.#abort = new AbortController());
    this.error = undefined;
    this.notice = notice;
    let recover: ProtocolRequest | undefined;
    this.busy = true;
    fire(this.host, 'chart-chat-response-start', null);
    this.changed();
    try {
      // A pending client tool call ends the stream; its output starts the next one.
      for (let next: ProtocolRequest | undefined = request; next; ) {
        const current: ProtocolRequest = next;
        next = undefined;
        for await (const event of streamEvents(transportOf(this.host), this.host.apiUrl, current, abort.signal)) {
          const tool = this.#apply(event);
          if (tool) {
            const result = await runClientTool(this.host, tool.name ?? '', tool.arguments ?? {});
            next = { type: 'threads.add_client_tool_output', params: { thread_id: this.threadId, result } };
          }
          this.changed();
        }
      }
    } catch (error) {
      if (abort.signal.aborted) return;
      // The thread on screen is gone (deleted, expired, another device's): start a new one with this message.
      if (error instanceof ProtocolError && error.code === 'not_found' && request.type === 'threads.add_user_message') {
        this.messages = this.messages.slice(-1);
        this.#setThread(null);
        recover = { type: 'threads.create', params: { input: request.params.input } };
      } else this.#fail(error, request);
    } finally {
      if (this.#abort === abort) {
        this.#abort = undefined;
        this.busy = false;
        this.progress = '';
        for (const m of this.messages) m.streaming = false;
        fire(this.host, 'chart-chat-response-end', null);
        this.changed();
      }
    }
    if (recover) await this.#run(recover, { level: 'info', message: this.strings().threadGone });
  }

  #fail(error: unknown, request: ProtocolRequest) {
    const retryable = !(error instanceof ProtocolError) || error.retryable;
    const message = error instanceof ProtocolError ? error.message : this.strings().unreachable;
    this.error = { message, ...(retryable ? { retry: () => void this.#run(request) } : {}) };
    fire(this.host, 'chart-chat-error', { code: 'request_failed', message, error });
  }

  /** Applies one stream event; returns a pending client tool call to run. */
  #apply(event: StreamEvent): StreamItem | undefined {
    switch (event.type) {
      case 'thread.created':
        this.#setThread(event.thread.id);
        break;
      case 'thread.item.added':
      case 'thread.item.done':
      case 'thread.item.replaced': {
        const { item } = event;
        if (item.type === 'client_tool_call' && item.status === 'pending' && event.type === 'thread.item.done') return item;
        if (item.type === 'user_message') {
          // Our optimistic copy takes the server's id (retry_after_item needs it).
          const local = this.#lastUser(true);
          if (local) local.id = item.id;
        }
        if (item.type === 'assistant_message') {
          const parts = (item.content ?? []).map((c) => String((c as { text?: unknown })?.text ?? ''));
          const message = this.#message(item.id);
          message.parts = parts;
          message.streaming = event.type === 'thread.item.added';
          // The progress line stays up until the answer has text to show.
          if (parts.some(Boolean)) this.progress = '';
        }
        break;
      }
      case 'thread.item.removed':
        this.messages = this.messages.filter((m) => m.id !== event.item_id);
        break;
      case 'thread.item.updated': {
        const { update } = event;
        const message = this.messages.find((m) => m.id === event.item_id);
        const i = update.content_index ?? 0;
        if (!message) break;
        this.progress = '';
        if (update.type.endsWith('.text_delta')) message.parts[i] = (message.parts[i] ?? '') + (update.delta ?? '');
        else if (update.type.endsWith('.content_part.added') || update.type.endsWith('.content_part.done'))
          message.parts[i] = update.content?.text ?? '';
        break;
      }
      case 'stream_options':
        this.allowCancel = event.stream_options.allow_cancel ?? true;
        break;
      case 'progress_update':
        this.progress = event.text;
        break;
      case 'notice':
        this.notice = { level: event.level ?? 'info', message: event.message };
        break;
      case 'client_effect':
        handleEffect(this.host, event.name, event.data ?? {});
        break;
      case 'error': {
        const message = event.message ?? this.strings().failed;
        const userItem = this.#lastUser(false);
        this.error = { message };
        if (event.allow_retry) this.error.retry = () => this.#retry(userItem?.id);
        fire(this.host, 'chart-chat-error', { code: 'stream_error', message: `${event.code ?? 'custom'}: ${message}` });
        break;
      }
    }
    return undefined;
  }

  /** Re-runs the answer to a user message (the server drops everything after it). */
  #retry(itemId: string | undefined) {
    const at = this.messages.findIndex((m) => m.id === itemId);
    if (!this.threadId || at < 0) return;
    this.messages = this.messages.slice(0, at + 1);
    void this.#run({ type: 'threads.retry_after_item', params: { thread_id: this.threadId, item_id: itemId } });
  }

  #lastUser(local: boolean): Message | undefined {
    for (let i = this.messages.length - 1; i >= 0; i--) {
      const m = this.messages[i]!;
      if (m.role === 'user' && m.id.startsWith('local-') === local) return m;
    }
    return undefined;
  }

  #message(id: string): Message {
    let message = this.messages.find((m) => m.id === id);
    if (!message) this.messages.push((message = { id, role: 'assistant', parts: [], ...(this.turn ? { turn: this.turn() } : {}) }));
    return message;
  }

  #setThread(threadId: string | null) {
    this.threadId = threadId;
    fire(this.host, 'chart-chat-thread-change', { threadId });
  }
}
