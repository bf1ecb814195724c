/**
 * Builds the event sequence of one streamed assistant message, as chatkit-python emits it:
 * `thread.item.added` (empty content) → `content_part.added` → `text_delta`* →
 * `content_part.done` → `thread.item.done` (the full item, which the protocol layer persists).
 */
import type { AssistantMessageItem, ThreadStreamEvent } from '../../wire/types.js';
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

  #item(content: AssistantMessageItem['content']): AssistantMessageItem {
    return { type: 'assistant_message', id: this.id, thread_id: this.#threadId, created_at: this.#createdAt, content };
  }
}

/** Splits text into small model-like chunks (a few words each, whitespace kept). */
export function chunkText(text: string, wordsPerChunk = 3): string[] {
  const words = text.match(/\S+\s*|\s+/g) ?? [];
  const chunks: string[] = [];
  for (let i = 0; i < words.length; i += wordsPerChunk) chunks.push(words.slice(i, i + wordsPerChunk).join(''));
  return chunks;
}
