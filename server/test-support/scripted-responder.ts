/**
 * A responder defined inline by a test: the generator function *is* the responder (a real
 * implementation of the interface, driven by the real protocol layer — not a mock). It records
 * every call so tests can assert what the protocol layer passed in.
 */
import type { ThreadMetadata, ThreadStreamEvent, UserMessageItem } from '../wire/types.js';
import type { Responder, ResponderContext } from '../chatkit/responder.js';

export type RespondFn = (thread: ThreadMetadata, input: UserMessageItem | null, ctx: ResponderContext) => AsyncIterable<ThreadStreamEvent>;

export class ScriptedResponder implements Responder {
  readonly calls: Array<{ thread: ThreadMetadata; input: UserMessageItem | null; ctx: ResponderContext }> = [];
  constructor(private readonly fn: RespondFn) {}

  respond(thread: ThreadMetadata, input: UserMessageItem | null, ctx: ResponderContext): AsyncIterable<ThreadStreamEvent> {
    this.calls.push({ thread: structuredClone(thread), input: input && structuredClone(input), ctx });
    return this.fn(thread, input, ctx);
  }
}

/** An assistant message item done in one event. */
export function assistantDone(thread: ThreadMetadata, ctx: ResponderContext, text: string): ThreadStreamEvent {
  return {
    type: 'thread.item.done',
    item: {
      type: 'assistant_message',
      id: ctx.newItemId('assistant_message'),
      thread_id: thread.id,
      created_at: ctx.now(),
      content: [{ type: 'output_text', text, annotations: [] }],
    },
  };
}
