/**
 * Builds the event sequence of one streamed assistant message, as chatkit-python emits it:
 * `thread.item.added` (empty content) → `content_part.added` → `text_delta`* →
 * `content_part.done` → `thread.item.done` (the full item, which the protocol layer persists).
 * `AssistantMessageWriter` for responders that interleave text with other events;
 * `streamAssistantMessage` for a message that is only text.
 */
import type { AssistantMessageItem, ThreadMetadata, ThreadStreamEvent } from '../../wire/types.js';
import type { ResponderContext } from '../../chatkit/responder.js';

export class AssistantMessageWriter {
  readonly id: string;
  readonly #threadId: string;
  readonly #createdAt: string;
  #text = '';
  #state: 'new' | 'open' | 'done' = 'new';

  constructor(threadId: string, ctx: Pick<ResponderContext, 'newItemId' | 'now'>) {
    this.#threadId = threadId;
    this.id = ctx.newItemId('assistant_message');
    this.#createdAt = ctx.now();
  }

  /** The text streamed so far. */
  get text(): string {
    return this.#text;
  }

  get started(): boolean {
    return this.#state !== 'new';
  }

  /** Opens the message (added + content_part.added). */
  start(): ThreadStreamEvent[] {
    if (this.#state !== 'new') return [];
    this.#state = 'open';
    return [
      { type: 'thread.item.added', item: this.#item([]) },
      {
        type: 'thread.item.updated',
        item_id: this.id,
        update: { type: 'assistant_message.content_part.added', content_index: 0, content: { type: 'output_text', text: '', annotations: [] } },
      },
    ];
  }

  /** One text delta; opens the message first if needed. Empty deltas produce nothing. */
  delta(text: string): ThreadStreamEvent[] {
    if (text === '' || this.#state === 'done') return [];
    const events = this.start();
    this.#text += text;
    events.push({
      type: 'thread.item.updated',
      item_id: this.id,
      update: { type: 'assistant_message.content_part.text_delta', content_index: 0, delta: text },
    });
    return events;
  }

  /** Closes the message (content_part.done + thread.item.done with the full text). */
  finish(): ThreadStreamEvent[] {
    if (this.#state === 'done') return [];
    const events = this.start();
    this.#state = 'done';
    const content = { type: 'output_text' as const, text: this.#text, annotations: [] };
    events.push(
      { type: 'thread.item.updated', item_id: this.id, update: { type: 'assistant_message.content_part.done', content_index: 0, content } },
      { type: 'thread.item.done', item: this.#item([content]) },
    );
    return events;
  }

  /** The message as it stands (the full item once finished). */
  get item(): AssistantMessageItem {
    return this.#item(this.#state === 'done' ? [{ type: 'output_text', text: this.#text, annotations: [] }] : []);
  }

  #item(content: AssistantMessageItem['content']): AssistantMessageItem {
    return { type: 'assistant_message', id: this.id, thread_id: this.#threadId, created_at: this.#createdAt, content };
  }
}

/** Streams `chunks` as one assistant message. Stops early (no `done`) if the signal aborts. */
export async function* streamAssistantMessage(
  thread: ThreadMetadata,
  ctx: Pick<ResponderContext, 'newItemId' | 'now' | 'signal'>,
  chunks: Iterable<string> | AsyncIterable<string>,
): AsyncGenerator<ThreadStreamEvent, AssistantMessageItem | undefined, undefined> {
  const message = new AssistantMessageWriter(thread.id, ctx);
  yield* message.start();
  for await (const delta of chunks) {
    if (ctx.signal.aborted) return undefined;
    yield* message.delta(delta);
  }
  if (ctx.signal.aborted) return undefined;
  yield* message.finish();
  return message.item;
}
