/**
 * The event pipeline through the whole app (ports of chatkit-python's test_chatkit_server.py
 * assertions on event order, persistence, thread updates, errors and cancellation).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createApp } from '../app.js';
import { EchoResponder } from '../responders/echo.js';
import { MemoryStore } from '../store/memory-store.js';
import { addMessage, createdThreadId, createThread, post } from '../test-support/chatkit-client.js';
import { assistantDone, ScriptedResponder, type RespondFn } from '../test-support/scripted-responder.js';
import { ChatKitServer } from './server.js';
import { CustomStreamError, StreamError } from './errors.js';
import { CANCELLED_CONTEXT } from './pipeline.js';
import type { ThreadItem, ThreadStreamEvent } from '../wire/types.js';

const USER = { 'X-Chart-Chat-Client': 'pipeline-user-1-0123456789abcdef01234' };
const OWNER = 'client:pipeline-user-1-0123456789abcdef01234';

function setup(fn: RespondFn) {
  const store = new MemoryStore();
  const responder = new ScriptedResponder(fn);
  return { store, responder, app: createApp({ responder, store }) };
}

const types = (events: ThreadStreamEvent[] | undefined) => (events ?? []).map((event) => event.type);
const allItems = async (store: MemoryStore, threadId: string) => (await store.loadItems(threadId, { limit: 100, order: 'asc' })).data;

describe('pipeline: event order', () => {
  it('create → tool call → tool output (test_respond_with_tool_call)', async () => {
    const app = createApp({ responder: new EchoResponder() });
    const first = await post(app, createThread('/tool get_selection {"a":1}'), USER);
    assert.deepEqual(types(first.events), ['thread.created', 'thread.item.done', 'stream_options', 'thread.item.done', 'thread.updated']);
    const call = first.events![3]!;
    assert.ok(call.type === 'thread.item.done' && call.item.type === 'client_tool_call');
    assert.equal(call.item.status, 'pending');
    assert.equal(call.item.call_id, `call_${call.item.id.split('_')[1]}`);
    const threadId = createdThreadId(first);
    const second = await post(app, { type: 'threads.add_client_tool_output', params: { thread_id: threadId, result: { ok: 1 } } }, USER);
    assert.deepEqual(types(second.events).filter((t) => t !== 'thread.item.updated'), ['stream_options', 'thread.item.added', 'thread.item.done']);
    const reply = second.events!.at(-1)!;
    assert.ok(reply.type === 'thread.item.done' && reply.item.type === 'assistant_message');
    assert.equal(reply.item.content[0]!.text, 'tool output: {"ok":1}');
    const thread = await post(app, { type: 'threads.get_by_id', params: { thread_id: threadId } }, USER);
    const items = (thread.json as { items: { data: ThreadItem[] } }).items.data;
    const stored = items.find((item) => item.type === 'client_tool_call');
    assert.ok(stored && stored.type === 'client_tool_call');
    assert.deepEqual([stored.status, stored.output], ['completed', { ok: 1 }]);
  });

  it('progress_update stays where the responder put it (test_respond_with_tool_status)', async () => {
    const { app } = setup(async function* (thread, _input, ctx) {
      yield { type: 'progress_update', text: 'Working', icon: 'search' };
      yield assistantDone(thread, ctx, 'done');
    });
    const answer = await post(app, createThread('hi'), USER);
    assert.deepEqual(types(answer.events), ['thread.created', 'thread.item.done', 'stream_options', 'progress_update', 'thread.item.done']);
  });

  it('creates a thread without a title and keeps quoted_text and inference options (test_creates_thread)', async () => {
    const { app, responder } = setup(async function* () {});
    const answer = await post(
      app,
      { type: 'threads.create', params: { input: { content: [{ type: 'input_text', text: 'q' }], quoted_text: 'earlier', inference_options: { model: 'm', tool_choice: { id: 'search' } } } } },
      USER,
    );
    const created = answer.events![0]!;
    assert.ok(created.type === 'thread.created');
    assert.equal('title' in created.thread, false);
    const user = answer.events![1]!;
    assert.ok(user.type === 'thread.item.done' && user.item.type === 'user_message');
    assert.equal(user.item.quoted_text, 'earlier');
    assert.deepEqual(responder.calls[0]!.input!.inference_options, { model: 'm', tool_choice: { id: 'search' } });
    assert.deepEqual(types(answer.events), ['thread.created', 'thread.item.done', 'stream_options']);
  });
});

describe('pipeline: thread updates', () => {
  it('saves title, metadata, status and allowed_image_domains set at the end and ends with thread.updated', async () => {
    const { app, store } = setup(async function* (thread, _input, ctx) {
      yield assistantDone(thread, ctx, 'x');
      thread.title = 'Titled';
      thread.metadata = { secret: 'never sent' };
      thread.allowed_image_domains = ['img.example'];
      thread.status = { type: 'locked', reason: 'done' };
    });
    const answer = await post(app, createThread('hi'), USER);
    const last = answer.events!.at(-1)!;
    assert.ok(last.type === 'thread.updated');
    assert.equal(last.thread.title, 'Titled');
    assert.deepEqual(last.thread.metadata, {});
    assert.deepEqual(last.thread.allowed_image_domains, ['img.example']);
    assert.deepEqual(last.thread.status, { type: 'locked', reason: 'done' });
    assert.equal(answer.raw.includes('never sent'), false, 'thread metadata never leaves the server');
    const saved = await store.loadThread(createdThreadId(answer), OWNER);
    assert.deepEqual([saved?.title, saved?.metadata, saved?.allowed_image_domains], ['Titled', { secret: 'never sent' }, ['img.example']]);
  });

  it('emits thread.updated right after the event that changed the thread, and persists it (mid-stream)', async () => {
    let titleSeenByStore: string | undefined;
    const { app, store } = setup(async function* (thread, _input, ctx) {
      yield { type: 'progress_update', text: 'a' };
      thread.title = 'Mid';
      yield { type: 'progress_update', text: 'b' };
      titleSeenByStore = (await store.loadThread(thread.id, OWNER))?.title;
      yield assistantDone(thread, ctx, 'x');
    });
    const answer = await post(app, createThread('hi'), USER);
    assert.deepEqual(types(answer.events).slice(2), ['stream_options', 'progress_update', 'progress_update', 'thread.updated', 'thread.item.done']);
    assert.equal(titleSeenByStore, 'Mid');
  });

  it('omits unset optional fields (allowed_image_domains, title, nulls) in the raw JSON', async () => {
    const { app } = setup(async function* (thread, _input, ctx) {
      yield assistantDone(thread, ctx, 'x');
      thread.metadata = { changed: true };
    });
    const answer = await post(app, createThread('hi'), USER);
    assert.ok(answer.events!.some((event) => event.type === 'thread.updated'));
    assert.equal(answer.raw.includes('allowed_image_domains'), false);
    assert.equal(answer.raw.includes('null'), false);
    assert.equal(answer.raw.includes('"title"'), false);
  });
});

describe('pipeline: persistence', () => {
  it('removes an item on thread.item.removed and replaces it on thread.item.replaced', async () => {
    const { app, store } = setup(async function* (thread, _input, ctx) {
      const a = assistantDone(thread, ctx, 'a');
      const b = assistantDone(thread, ctx, 'b');
      yield a;
      yield b;
      if (a.type !== 'thread.item.done' || b.type !== 'thread.item.done') return;
      yield { type: 'thread.item.removed', item_id: a.item.id };
      yield { type: 'thread.item.replaced', item: { ...b.item, type: 'widget', widget: { type: 'Card', children: [] } } as ThreadItem };
    });
    const answer = await post(app, createThread('hi'), USER);
    const items = await allItems(store, createdThreadId(answer));
    assert.deepEqual(items.map((item) => item.type), ['user_message', 'widget']);
  });

  it('does not duplicate a workflow streamed with task updates then done', async () => {
    const { app, store } = setup(async function* (thread, _input, ctx) {
      const item = { type: 'workflow' as const, id: 'wf_x', thread_id: thread.id, created_at: ctx.now(), workflow: { type: 'custom' as const, tasks: [], expanded: false } };
      yield { type: 'thread.item.added', item };
      yield { type: 'thread.item.updated', item_id: 'wf_x', update: { type: 'workflow.task.added', task_index: 0, task: { type: 'custom', title: 't' } } };
      yield { type: 'thread.item.done', item: { ...item, workflow: { ...item.workflow, tasks: [{ type: 'custom', title: 't' }] } } };
    });
    const answer = await post(app, createThread('hi'), USER);
    const items = await allItems(store, createdThreadId(answer));
    assert.deepEqual(items.map((item) => item.type), ['user_message', 'workflow']);
    const workflow = items[1]!;
    assert.ok(workflow.type === 'workflow');
    assert.equal(workflow.workflow.tasks.length, 1);
  });

  it('stores hidden items but never sends them (stream, items.list, get_by_id)', async () => {
    const { app, store } = setup(async function* (thread, _input, ctx) {
      const hidden = { type: 'hidden_context_item' as const, id: 'hcx_1', thread_id: thread.id, created_at: ctx.now(), content: 'secret-context' };
      yield { type: 'thread.item.added', item: hidden };
      yield { type: 'thread.item.updated', item_id: 'hcx_1', update: { type: 'widget.root.updated', widget: { type: 'Card', secret: 1 } } };
      yield { type: 'thread.item.done', item: hidden };
      yield { type: 'thread.item.done', item: { type: 'sdk_hidden_context', id: 'shcx_1', thread_id: thread.id, created_at: ctx.now(), content: 'secret-sdk' } };
      yield assistantDone(thread, ctx, 'visible');
    });
    const answer = await post(app, createThread('hi'), USER);
    assert.equal(/secret|hcx_1/.test(answer.raw), false);
    const threadId = createdThreadId(answer);
    assert.equal((await allItems(store, threadId)).length, 4, 'hidden items are stored');
    const list = await post(app, { type: 'items.list', params: { thread_id: threadId } }, USER);
    const got = await post(app, { type: 'threads.get_by_id', params: { thread_id: threadId } }, USER);
    for (const raw of [list.raw, got.raw]) {
      assert.equal(/secret|hidden/.test(raw), false, raw);
    }
    assert.equal((list.json as { data: unknown[] }).data.length, 2);
  });
});

describe('pipeline: errors', () => {
  const cases: Array<[string, () => never, Record<string, unknown>]> = [
    ['an unexpected exception', () => { throw new Error('internal detail'); }, { type: 'error', code: 'stream.error', allow_retry: true }],
    ['CustomStreamError', () => { throw new CustomStreamError('Quota exceeded'); }, { type: 'error', code: 'custom', message: 'Quota exceeded', allow_retry: false }],
    ['StreamError', () => { throw new StreamError('rate_limited', false); }, { type: 'error', code: 'rate_limited', allow_retry: false }],
  ];
  for (const [name, raise, expected] of cases) {
    it(`turns ${name} into one error event, then the stream ends`, async () => {
      const { app, store } = setup(async function* (thread, _input, ctx) {
        yield { type: 'thread.item.added', item: { type: 'assistant_message', id: 'msg_half', thread_id: thread.id, created_at: ctx.now(), content: [] } };
        raise();
      });
      const answer = await post(app, createThread('hi'), USER);
      assert.equal(answer.status, 200);
      assert.deepEqual(answer.events!.at(-1), expected);
      assert.equal(answer.raw.includes('internal detail'), false);
      const items = await allItems(store, createdThreadId(answer));
      assert.deepEqual(items.map((item) => item.type), ['user_message'], 'nothing half-written is stored');
    });
  }

  it('sends thread.updated after the error event when the responder changed the thread first', async () => {
    const { app } = setup(async function* (thread) {
      thread.title = 'before failing';
      throw new Error('x');
    });
    const answer = await post(app, createThread('hi'), USER);
    assert.deepEqual(types(answer.events).slice(-2), ['error', 'thread.updated']);
  });

  it('a responder that throws synchronously still yields an error event', async () => {
    const { app } = setup(() => {
      throw new Error('sync');
    });
    const answer = await post(app, createThread('hi'), USER);
    assert.deepEqual(answer.events!.at(-1), { type: 'error', code: 'stream.error', allow_retry: true });
  });

  it('EchoResponder /error is a retryable custom error', async () => {
    const app = createApp({ responder: new EchoResponder() });
    const answer = await post(app, createThread('/error'), USER);
    assert.deepEqual(answer.events!.find((event) => event.type === 'error'), { type: 'error', code: 'custom', message: 'echo error', allow_retry: true });
  });
});

describe('pipeline: cancellation (consumer stops reading)', () => {
  async function cancelAfter(fn: RespondFn, stopAfter: (event: ThreadStreamEvent) => boolean) {
    const store = new MemoryStore();
    const server = new ChatKitServer({ responder: new ScriptedResponder(fn), store });
    const result = await server.process(createThread('hi'), { user: 'u' });
    assert.equal(result.kind, 'stream');
    if (result.kind !== 'stream') throw new Error('unreachable');
    const iterator = result.events[Symbol.asyncIterator]();
    let threadId = '';
    for (;;) {
      const step = await iterator.next();
      assert.equal(step.done, false);
      if (step.value.type === 'thread.created') threadId = step.value.thread.id;
      if (stopAfter(step.value)) break;
    }
    await iterator.return!();
    return { store, threadId, items: await allItems(store, threadId), server };
  }

  const pendingMessage: RespondFn = async function* (thread, _input, ctx) {
    yield { type: 'thread.item.added', item: { type: 'assistant_message', id: 'msg_p', thread_id: thread.id, created_at: ctx.now(), content: [] } };
    yield { type: 'thread.item.updated', item_id: 'msg_p', update: { type: 'assistant_message.content_part.added', content_index: 0, content: { type: 'output_text', text: '', annotations: [] } } };
    yield { type: 'thread.item.updated', item_id: 'msg_p', update: { type: 'assistant_message.content_part.text_delta', content_index: 0, delta: 'partial ' } };
    yield { type: 'thread.item.updated', item_id: 'msg_p', update: { type: 'assistant_message.content_part.text_delta', content_index: 0, delta: 'answer' } };
    await new Promise(() => undefined); // hangs: only cancellation can end this turn
  };

  it('saves a pending assistant message with non-blank text, then a hidden cancellation note', async () => {
    const { items, server, threadId } = await cancelAfter(pendingMessage, (event) => event.type === 'thread.item.updated' && event.update.type === 'assistant_message.content_part.text_delta' && event.update.delta === 'answer');
    assert.deepEqual(items.map((item) => item.type), ['user_message', 'assistant_message', 'sdk_hidden_context']);
    const saved = items[1]!;
    assert.ok(saved.type === 'assistant_message');
    assert.equal(saved.content[0]!.text, 'partial answer');
    assert.equal(saved.incomplete, true, 'marked as cut');
    const note = items[2]!;
    assert.ok(note.type === 'sdk_hidden_context');
    assert.equal(note.content, CANCELLED_CONTEXT);
    assert.ok(note.created_at > saved.created_at);
    assert.equal(await server.isBusy(threadId), false, 'the thread is free again');
  });

  it('does not save a pending assistant message that is still blank', async () => {
    const { items } = await cancelAfter(pendingMessage, (event) => event.type === 'thread.item.added');
    assert.deepEqual(items.map((item) => item.type), ['user_message', 'sdk_hidden_context']);
  });

  it('aborts the responder signal and stops iterating the responder', async () => {
    let signal: AbortSignal | undefined;
    let finalized = false;
    const { items } = await cancelAfter(async function* (_thread, _input, ctx) {
      signal = ctx.signal;
      try {
        for (let i = 0; ; i++) {
          yield { type: 'progress_update', text: `step ${i}` };
        }
      } finally {
        finalized = true;
      }
    }, (event) => event.type === 'progress_update' && event.text === 'step 3');
    assert.equal(signal?.aborted, true);
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(finalized, true, "the responder's generator was closed");
    assert.equal(items.at(-1)?.type, 'sdk_hidden_context');
  });
});

describe('pipeline: stream_options', () => {
  it('sends allow_cancel from the app options', async () => {
    const app = createApp({ responder: new EchoResponder(), allowCancel: false });
    const answer = await post(app, createThread('hi'), USER);
    assert.deepEqual(answer.events![2], { type: 'stream_options', stream_options: { allow_cancel: false } });
  });

  it('gives strictly increasing created_at stamps to the items of a turn', async () => {
    const app = createApp({ responder: new EchoResponder() });
    const first = await post(app, createThread('one'), USER);
    const threadId = createdThreadId(first);
    for (let i = 0; i < 5; i++) await post(app, addMessage(threadId, `msg ${i}`), USER);
    const list = await post(app, { type: 'items.list', params: { thread_id: threadId, limit: 100, order: 'asc' } }, USER);
    const stamps = (list.json as { data: ThreadItem[] }).data.map((item) => item.created_at);
    assert.equal(stamps.length, 12);
    for (let i = 1; i < stamps.length; i++) assert.ok(stamps[i]! > stamps[i - 1]!, `${stamps[i]} > ${stamps[i - 1]}`);
  });
});
