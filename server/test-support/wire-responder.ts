/**
 * Test responders reproducing what the reference captures' generator scripts did
 * (inferred from chatkit/fixtures/wire.txt and wire2.txt), plus the matching action handlers,
 * transcriber and attachment store, so the captures can be replayed against our server.
 */
import type { ActionHandlers, AttachmentStore, Transcriber } from '../chatkit/context.js';
import { CustomStreamError } from '../chatkit/errors.js';
import { newAttachmentId } from '../chatkit/ids.js';
import type { AssistantMessageItem, Attachment, ThreadMetadata, ThreadStreamEvent, UserMessageItem } from '../wire/types.js';
import type { Responder, ResponderContext } from '../chatkit/responder.js';

const firstText = (input: UserMessageItem | null): string | null => {
  const part = input?.content[0];
  return part && part.type === 'input_text' ? part.text : null;
};

const WIDGET = { type: 'Card', children: [{ id: 't', type: 'Text', value: 'hi' }] };

/** wire.txt: the full "hello" turn, a client tool round trip, and a failing turn. */
export class WireResponder implements Responder {
  async *respond(thread: ThreadMetadata, input: UserMessageItem | null, ctx: ResponderContext): AsyncGenerator<ThreadStreamEvent> {
    const base = { thread_id: thread.id };
    if (input === null) {
      yield {
        type: 'thread.item.done',
        item: {
          ...base,
          type: 'assistant_message',
          id: 'msg_after_tool',
          created_at: ctx.now(),
          content: [{ type: 'output_text', text: 'got tool output', annotations: [] }],
        },
      };
      return;
    }
    const text = firstText(input);
    if (text === 'tool') {
      yield {
        type: 'thread.item.done',
        item: { ...base, type: 'client_tool_call', id: 'tc_1', created_at: ctx.now(), status: 'pending', call_id: 'call_1', name: 'get_selection', arguments: { a: 1 } },
      };
      return;
    }
    if (text === 'boom') throw new Error('x');

    yield { type: 'progress_update', icon: 'search', text: 'Searching...' };
    const created_at = ctx.now();
    yield { type: 'thread.item.added', item: { ...base, type: 'assistant_message', id: 'msg_a', created_at, content: [] } };
    const annotation = { type: 'annotation' as const, source: { title: 'Ex', type: 'url', url: 'https://example.com' }, index: 3 };
    const update = (u: Extract<ThreadStreamEvent, { type: 'thread.item.updated' }>['update']): ThreadStreamEvent => ({
      type: 'thread.item.updated',
      item_id: 'msg_a',
      update: u,
    });
    yield update({ type: 'assistant_message.content_part.added', content_index: 0, content: { type: 'output_text', text: '', annotations: [] } });
    yield update({ type: 'assistant_message.content_part.text_delta', content_index: 0, delta: 'Hel' });
    yield update({ type: 'assistant_message.content_part.annotation_added', content_index: 0, annotation_index: 0, annotation });
    yield update({ type: 'assistant_message.content_part.done', content_index: 0, content: { type: 'output_text', text: 'Hello', annotations: [] } });
    yield {
      type: 'thread.item.done',
      item: { ...base, type: 'assistant_message', id: 'msg_a', created_at, content: [{ type: 'output_text', text: 'Hello', annotations: [annotation] }] },
    };
    yield { type: 'client_effect', name: 'highlight', data: { x: 1 } };
    yield { type: 'notice', level: 'info', message: 'hi', title: 'T' };
    yield { type: 'thread.item.done', item: { ...base, type: 'widget', id: 'w_1', created_at: ctx.now(), widget: structuredClone(WIDGET) } };
    yield {
      type: 'thread.item.done',
      item: {
        ...base,
        type: 'workflow',
        id: 'wf_1',
        created_at: ctx.now(),
        workflow: { type: 'custom', tasks: [{ status_indicator: 'none', type: 'custom', title: 't', content: 'c' }], summary: { duration: 2 }, expanded: false },
      },
    };
    yield { type: 'thread.item.done', item: { ...base, type: 'end_of_turn', id: 'eot_1', created_at: ctx.now() } };
    thread.title = 'New title';
  }
}

/** wire2.txt: "reply to <text>", a custom error, a widget, a structured input, done/replaced/removed. */
export class Wire2Responder implements Responder {
  async *respond(thread: ThreadMetadata, input: UserMessageItem | null, ctx: ResponderContext): AsyncGenerator<ThreadStreamEvent> {
    const base = { thread_id: thread.id };
    const text = firstText(input);
    const assistant = (id: string, body: string): AssistantMessageItem => ({
      ...base,
      type: 'assistant_message',
      id,
      created_at: ctx.now(),
      content: [{ type: 'output_text', text: body, annotations: [] }],
    });
    const message = (id: string, body: string): ThreadStreamEvent => ({ type: 'thread.item.done', item: assistant(id, body) });
    switch (text) {
      case 'custom_error':
        throw new CustomStreamError('Quota exceeded', false);
      case 'widget':
        yield { type: 'thread.item.done', item: { ...base, type: 'widget', id: 'w_1', created_at: ctx.now(), widget: structuredClone(WIDGET) } };
        return;
      case 'si':
        yield {
          type: 'thread.item.done',
          item: {
            ...base,
            type: 'structured_input',
            id: 'si_1',
            created_at: ctx.now(),
            status: 'pending',
            inputs: [
              { id: 'q1', question: 'Pick', type: 'multiple_choice', options: [{ value: 'A' }], multiple: false },
              { id: 'q2', question: 'Why?', type: 'freeform' },
            ],
          },
        };
        return;
      case 'replace':
        yield message('m_x', 'v1');
        yield { type: 'thread.item.replaced', item: assistant('m_x', 'v2') };
        yield { type: 'thread.item.removed', item_id: 'm_x' };
        return;
      default:
        // Python printed `None` for a continuation without a user message.
        yield message(ctx.newItemId('assistant_message'), `reply to ${text ?? 'None'}`);
    }
  }
}

/** The captures' action handlers: a streamed root replacement, and a synchronous one. */
export const wireActions: ActionHandlers = {
  async *action(_thread, _action, sender) {
    if (!sender) return;
    yield { type: 'thread.item.updated', item_id: sender.id, update: { type: 'widget.root.updated', widget: { type: 'Card', children: [{ type: 'Text', value: 'done' }] } } };
  },
  async syncAction(_thread, _action, sender) {
    return sender ? { updated_item: { ...sender, widget: { type: 'Card', children: [{ type: 'Text', value: 'sync' }] } } } : {};
  },
};

export const wireTranscriber: Transcriber = async (audio) => ({ text: `${audio.data.byteLength} bytes ${audio.media_type}` });

/** Two-phase uploads to a fake URL (nothing is fetched): what the captures' attachment store returned. */
export class TestAttachmentStore implements AttachmentStore {
  readonly deleted: string[] = [];

  async create(params: { name: string; size: number; mime_type: string }): Promise<Attachment> {
    const image = params.mime_type.startsWith('image/');
    return {
      id: newAttachmentId(),
      name: params.name,
      mime_type: params.mime_type,
      type: image ? 'image' : 'file',
      upload_descriptor: { url: 'https://example.com/up', method: 'PUT', headers: {} },
      ...(image ? { preview_url: 'https://example.com/p.png' } : {}),
    };
  }

  async delete(attachmentId: string): Promise<void> {
    this.deleted.push(attachmentId);
  }
}
