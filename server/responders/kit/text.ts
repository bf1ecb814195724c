/**
 * Small builders responders use to emit well-formed event sequences, so every responder
 * streams an assistant message the same way the reference does:
 * added(content: []) → content_part.added → text_delta* → content_part.done → done.
 */
import type { ResponderContext } from '../../chatkit/responder.js';
import type { AssistantMessageItem, ThreadMetadata, ThreadStreamEvent } from '../../wire/types.js';

/** Streams `chunks` as one assistant message. Stops early (no `done`) if the signal aborts. */
export async function* streamAssistantMessage(
  thread: ThreadMetadata,
  ctx: Pick<ResponderContext, 'newItemId' | 'now' | 'signal'>,
  chunks: Iterable<string> | AsyncIterable<string>,
): AsyncGenerator<ThreadStreamEvent, AssistantMessageItem | undefined, undefined> {
  const item: AssistantMessageItem = {
    type: 'assistant_message',
    id: ctx.newItemId('assistant_message'),
    thread_id: thread.id,
    created_at: ctx.now(),
    content: [],
  };
  yield { type: 'thread.item.added', item: structuredClone(item) };
  yield {
    type: 'thread.item.updated',
    item_id: item.id,
    update: { type: 'assistant_message.content_part.added', content_index: 0, content: { type: 'output_text', text: '', annotations: [] } },
  };
  let text = '';
  for await (const delta of chunks) {
    if (ctx.signal.aborted) return undefined;
    text += delta;
    yield { type: 'thread.item.updated', item_id: item.id, update: { type: 'assistant_message.content_part.text_delta', content_index: 0, delta } };
  }
  if (ctx.signal.aborted) return undefined;
  const content = { type: 'output_text' as const, text, annotations: [] };
  yield { type: 'thread.item.updated', item_id: item.id, update: { type: 'assistant_message.content_part.done', content_index: 0, content } };
  const done: AssistantMessageItem = { ...item, content: [content] };
  yield { type: 'thread.item.done', item: done };
  return done;
}

/** Splits text into word-sized deltas (each keeps its trailing space), as a model would stream. */
export function wordChunks(text: string): string[] {
  return text.match(/\S+\s*|\s+/g) ?? [];
}

/** The plain text of a user message's `input_text` parts. */
export function userText(content: ReadonlyArray<{ type: string; text?: string }>): string {
  return content
    .filter((part) => part.type === 'input_text')
    .map((part) => part.text ?? '')
    .join('');
}

/** Resolves after `ms`, or at once when the signal aborts (never rejects). */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
  });
}
