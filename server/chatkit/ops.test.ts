/**
 * Every non-streaming op and the stream ops with preconditions (retry, structured input,
 * actions, attachments, dictation), through the whole app. Ports of chatkit-python's tests.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createApp, type AppOptions } from '../app.js';
import { EchoResponder } from '../responders/echo.js';
import { MemoryStore } from '../store/memory-store.js';
import { addMessage, createdThreadId, createThread, post, userInput } from '../test-support/chatkit-client.js';
import { assistantDone, ScriptedResponder } from '../test-support/scripted-responder.js';
import { TestAttachmentStore, wireActions, wireTranscriber } from '../test-support/wire-responder.js';
import type { Attachment, Thread, ThreadItem, ThreadStreamEvent, UserMessageItem } from '../wire/types.js';

const USER = { 'X-Chart-Chat-Client': 'ops-user-0001-0123456789abcdef01234' };
const OWNER = 'client:ops-user-0001-0123456789abcdef01234';
type PageOf<T> = { data: T[]; has_more: boolean; after?: string };

function echoApp(extra: Partial<AppOptions> = {}) {
  const store = new MemoryStore();
  return { store, app: createApp({ responder: new EchoResponder(), store, ...extra }) };
}

async function newThread(app: ReturnType<typeof createApp>, text = 'hello') {
  const answer = await post(app, createThread(text), USER);
  assert.equal(answer.status, 200, answer.raw);
  return createdThreadId(answer);
}

const types = (events: ThreadStreamEvent[] | undefined) => (events ?? []).map((event) => event.type);

describe('threads.list', () => {
  it('pages 25 threads newest first: 20 with has_more and after, then 5 (test_list_threads_paginated_response)', async () => {
    const { app } = echoApp();
    const ids: string[] = [];
    for (let i = 0; i < 25; i++) ids.push(await newThread(app, `t${i}`));
    const first = await post(app, { type: 'threads.list', params: {} }, USER);
    assert.equal(first.contentType, 'application/json');
    const page = first.json as PageOf<Thread>;
    assert.equal(page.data.length, 20);
    assert.deepEqual(page.data.map((t) => t.id), ids.slice(5).reverse());
    assert.equal(page.has_more, true);
    assert.equal(page.after, ids[5]);
    for (const thread of page.data) assert.deepEqual([thread.metadata, thread.items], [{}, { data: [], has_more: false }]);
    const second = (await post(app, { type: 'threads.list', params: { after: page.after, limit: 20 } }, USER)).json as PageOf<Thread>;
    assert.deepEqual(second.data.map((t) => t.id), ids.slice(0, 5).reverse());
    assert.equal(second.has_more, false);
    assert.equal('after' in second, false);
    const asc = (await post(app, { type: 'threads.list', params: { limit: 2, order: 'asc', after: null } }, USER)).json as PageOf<Thread>;
    assert.deepEqual(asc.data.map((t) => t.id), ids.slice(0, 2));
  });

  it('treats limit 0/null as the default page size of 20', async () => {
    const { app } = echoApp();
    for (let i = 0; i < 21; i++) await newThread(app, `t${i}`);
    for (const limit of [0, null]) {
      const page = (await post(app, { type: 'threads.list', params: { limit } }, USER)).json as PageOf<Thread>;
      assert.equal(page.data.length, 20);
    }
  });
});

describe('items.list / get_by_id / update / delete / feedback', () => {
  it('items.list defaults to newest first and paginates (test_list_items_response)', async () => {
    const { app } = echoApp();
    const threadId = await newThread(app, 'one');
    await post(app, addMessage(threadId, 'two'), USER);
    const page = (await post(app, { type: 'items.list', params: { thread_id: threadId } }, USER)).json as PageOf<ThreadItem>;
    assert.deepEqual(page.data.map((i) => i.type), ['assistant_message', 'user_message', 'assistant_message', 'user_message']);
    const first = page.data.at(-1)!;
    assert.ok(first.type === 'user_message' && first.content[0]!.type === 'input_text' && first.content[0]!.text === 'one');
    const two = (await post(app, { type: 'items.list', params: { thread_id: threadId, limit: 2, order: 'asc' } }, USER)).json as PageOf<ThreadItem>;
    assert.equal(two.has_more, true);
    assert.equal(two.after, two.data[1]!.id);
    const rest = (await post(app, { type: 'items.list', params: { thread_id: threadId, limit: 2, order: 'asc', after: two.after } }, USER)).json as PageOf<ThreadItem>;
    assert.deepEqual(rest.data.map((i) => i.id), page.data.slice(0, 2).reverse().map((i) => i.id));
    assert.equal(rest.has_more, false);
  });

  it('get_by_id returns the thread with its first 20 items, oldest first (test_get_thread_by_id)', async () => {
    const { app } = echoApp();
    const threadId = await newThread(app, 'first');
    for (let i = 0; i < 11; i++) await post(app, addMessage(threadId, `m${i}`), USER);
    const thread = (await post(app, { type: 'threads.get_by_id', params: { thread_id: threadId } }, USER)).json as Thread;
    assert.equal(thread.id, threadId);
    assert.equal(thread.title, 'first');
    assert.deepEqual(thread.metadata, {});
    assert.equal(thread.items.data.length, 20);
    assert.equal(thread.items.has_more, true);
    const first = thread.items.data[0]!;
    assert.ok(first.type === 'user_message' && first.content[0]!.type === 'input_text' && first.content[0]!.text === 'first');
  });

  it('threads.update renames and returns the thread with an empty items page (test_threads_update_request)', async () => {
    const { app, store } = echoApp();
    const threadId = await newThread(app);
    const answer = await post(app, { type: 'threads.update', params: { thread_id: threadId, title: 'Renamed' } }, USER);
    const thread = answer.json as Thread;
    assert.equal(thread.title, 'Renamed');
    assert.deepEqual(thread.items, { data: [], has_more: false });
    assert.equal((await store.loadThread(threadId, OWNER))?.title, 'Renamed');
  });

  it('threads.delete answers {} and the thread is gone (test_delete_thread)', async () => {
    const { app, store } = echoApp();
    const threadId = await newThread(app);
    const answer = await post(app, { type: 'threads.delete', params: { thread_id: threadId } }, USER);
    assert.deepEqual([answer.status, answer.json], [200, {}]);
    assert.equal(await store.loadThread(threadId, OWNER), undefined);
    const again = await post(app, { type: 'threads.get_by_id', params: { thread_id: threadId } }, USER);
    assert.deepEqual([again.status, (again.json as { error: { code: string } }).error.code], [404, 'not_found']);
  });

  it('items.feedback reaches the feedback handler and answers {} (test_add_feedback)', async () => {
    const calls: unknown[] = [];
    const { app } = echoApp({ feedback: async (threadId, itemIds, kind, ctx) => void calls.push([threadId, itemIds, kind, ctx.user]) });
    const threadId = await newThread(app);
    const answer = await post(app, { type: 'items.feedback', params: { thread_id: threadId, item_ids: ['msg_1'], kind: 'negative' } }, USER);
    assert.deepEqual([answer.status, answer.json], [200, {}]);
    assert.deepEqual(calls, [[threadId, ['msg_1'], 'negative', OWNER]]);
  });
});

describe('threads.retry_after_item', () => {
  it('deletes later items without removed events and responds to the same user message (test_retry_after_item)', async () => {
    const store = new MemoryStore();
    let n = 0;
    const responder = new ScriptedResponder(async function* (thread, _input, ctx) {
      yield assistantDone(thread, ctx, `reply ${++n}`);
    });
    const app = createApp({ responder, store });
    const threadId = createdThreadId(await post(app, createThread('first'), USER));
    await post(app, addMessage(threadId, 'second'), USER);
    const items = (await store.loadItems(threadId, { limit: 100, order: 'asc' })).data;
    const firstUser = items[0]!;
    const answer = await post(app, { type: 'threads.retry_after_item', params: { thread_id: threadId, item_id: firstUser.id } }, USER);
    assert.deepEqual(types(answer.events), ['stream_options', 'thread.item.done']);
    assert.deepEqual(responder.calls.at(-1)!.input, firstUser);
    const after = (await store.loadItems(threadId, { limit: 100, order: 'asc' })).data;
    assert.deepEqual(after.map((i) => i.type), ['user_message', 'assistant_message']);
    const reply = after[1]!;
    assert.ok(reply.type === 'assistant_message' && reply.content[0]!.text === 'reply 3');
  });

  it('refuses a target that is not a user message (400) or does not exist (404), before streaming', async () => {
    const { app, store } = echoApp();
    const threadId = await newThread(app);
    const assistant = (await store.loadItems(threadId, { limit: 1, order: 'desc' })).data[0]!;
    const notUser = await post(app, { type: 'threads.retry_after_item', params: { thread_id: threadId, item_id: assistant.id } }, USER);
    assert.deepEqual([notUser.status, notUser.contentType], [400, 'application/json']);
    assert.equal((notUser.json as { error: { code: string } }).error.code, 'invalid_retry_target');
    const missing = await post(app, { type: 'threads.retry_after_item', params: { thread_id: threadId, item_id: 'msg_nope' } }, USER);
    assert.equal(missing.status, 404);
    assert.equal((await store.loadItems(threadId, { limit: 10, order: 'asc' })).data.length, 2, 'nothing deleted');
  });
});

describe('threads.add_client_tool_output', () => {
  it('is 409 no_pending_tool_call when the newest item is not a pending call', async () => {
    const { app } = echoApp();
    const threadId = await newThread(app);
    const answer = await post(app, { type: 'threads.add_client_tool_output', params: { thread_id: threadId, result: {} } }, USER);
    assert.deepEqual([answer.status, (answer.json as { error: { code: string } }).error.code], [409, 'no_pending_tool_call']);
  });

  it('a new user message drops an unanswered pending call (chatkit-python cleanup)', async () => {
    const { app, store } = echoApp();
    const threadId = await newThread(app, '/tool pick {}');
    await post(app, addMessage(threadId, 'never mind'), USER);
    const items = (await store.loadItems(threadId, { limit: 100, order: 'asc' })).data;
    assert.equal(items.some((i) => i.type === 'client_tool_call'), false);
    const late = await post(app, { type: 'threads.add_client_tool_output', params: { thread_id: threadId, result: {} } }, USER);
    assert.equal(late.status, 409);
  });
});

describe('threads.add_structured_input', () => {
  async function withPendingInput(inputs: unknown[]) {
    const store = new MemoryStore();
    const responder = new ScriptedResponder(async function* (thread, input, ctx) {
      if (input) {
        yield { type: 'thread.item.done', item: { type: 'structured_input', id: 'si_1', thread_id: thread.id, created_at: ctx.now(), status: 'pending', inputs } as ThreadItem };
      } else {
        yield assistantDone(thread, ctx, 'thanks');
      }
    });
    const app = createApp({ responder, store });
    const threadId = createdThreadId(await post(app, createThread('ask me'), USER));
    return { app, store, threadId, responder };
  }
  const Q = [
    { id: 'q1', question: 'Pick', type: 'multiple_choice', options: [{ value: 'A' }, { value: 'B' }], multiple: false },
    { id: 'q2', question: 'Many', type: 'multiple_choice', options: [{ value: 'A' }, { value: 'B' }], multiple: true },
    { id: 'q3', question: 'Why?', type: 'freeform' },
  ];
  const submit = (threadId: string, input: unknown) => ({ type: 'threads.add_structured_input', params: { thread_id: threadId, item_id: 'si_1', input } });

  it('replaces the item with the answers, persists it and resumes with a null input', async () => {
    const { app, store, threadId, responder } = await withPendingInput(Q);
    const answer = await post(app, submit(threadId, { answers: { q1: { values: ['B', 'A'] }, q2: { values: ['A', 'B'] }, q3: { values: ['because'] }, zz: { values: ['x'] } } }), USER);
    assert.deepEqual(types(answer.events), ['stream_options', 'thread.item.replaced', 'thread.item.done']);
    const replaced = answer.events![1]!;
    assert.ok(replaced.type === 'thread.item.replaced' && replaced.item.type === 'structured_input');
    assert.equal(replaced.item.status, 'answered');
    assert.deepEqual(replaced.item.inputs.map((i) => i.answer), [
      { values: ['B'], skipped: false },
      { values: ['A', 'B'], skipped: false },
      { values: ['because'], skipped: false },
    ]);
    assert.equal(answer.raw.includes('zz'), false, 'unknown ids are ignored');
    assert.deepEqual(await store.loadItem(threadId, 'si_1'), replaced.item);
    assert.equal(responder.calls.at(-1)!.input, null);
  });

  it('counts omitted, skipped and empty answers as skipped; a skipped submission skips all', async () => {
    const { app, threadId } = await withPendingInput(Q);
    const partial = await post(app, submit(threadId, { answers: { q1: { values: [] }, q2: { values: ['A'], skipped: true } } }), USER);
    const item = partial.events![1]!;
    assert.ok(item.type === 'thread.item.replaced' && item.item.type === 'structured_input');
    assert.deepEqual(item.item.inputs.map((i) => i.answer), Array(3).fill({ values: [], skipped: true }));

    const second = await withPendingInput(Q);
    const skipped = await post(second.app, submit(second.threadId, { status: 'skipped', answers: { q1: { values: ['A'] } } }), USER);
    const all = skipped.events![1]!;
    assert.ok(all.type === 'thread.item.replaced' && all.item.type === 'structured_input');
    assert.equal(all.item.status, 'skipped');
    assert.ok(all.item.inputs.every((i) => i.answer?.skipped === true));
  });

  it('refuses an item that is no longer pending (409), not a structured input (400) or missing (404)', async () => {
    const { app, store, threadId } = await withPendingInput(Q);
    await post(app, submit(threadId, { answers: {} }), USER);
    const again = await post(app, submit(threadId, { answers: {} }), USER);
    assert.deepEqual([again.status, (again.json as { error: { code: string } }).error.code], [409, 'not_pending']);
    const user = (await store.loadItems(threadId, { limit: 1, order: 'asc' })).data[0]!;
    const wrong = await post(app, { type: 'threads.add_structured_input', params: { thread_id: threadId, item_id: user.id, input: { answers: {} } } }, USER);
    assert.equal(wrong.status, 400);
    const missing = await post(app, { type: 'threads.add_structured_input', params: { thread_id: threadId, item_id: 'si_nope', input: { answers: {} } } }, USER);
    assert.equal(missing.status, 404);
  });
});

describe('widget actions', () => {
  async function widgetThread(options: Partial<AppOptions>) {
    const store = new MemoryStore();
    const responder = new ScriptedResponder(async function* (thread, _input, ctx) {
      yield { type: 'thread.item.done', item: { type: 'widget', id: 'w_1', thread_id: thread.id, created_at: ctx.now(), widget: { type: 'Card', children: [] } } };
      yield assistantDone(thread, ctx, 'a message');
    });
    const app = createApp({ responder, store, ...options });
    const threadId = createdThreadId(await post(app, createThread('show'), USER));
    const message = (await store.loadItems(threadId, { limit: 1, order: 'desc' })).data[0]!;
    return { app, store, threadId, messageId: message.id };
  }
  const action = { type: 'submit', payload: { x: 1 } };

  it('custom_action streams the handler through the pipeline (test_calls_action)', async () => {
    const { app, threadId } = await widgetThread({ actions: wireActions });
    const answer = await post(app, { type: 'threads.custom_action', params: { thread_id: threadId, item_id: 'w_1', action } }, USER);
    assert.deepEqual(types(answer.events), ['stream_options', 'thread.item.updated']);
  });

  it('custom_action on a non-widget item is one bare error event', async () => {
    const { app, threadId, messageId } = await widgetThread({ actions: wireActions });
    const answer = await post(app, { type: 'threads.custom_action', params: { thread_id: threadId, item_id: messageId, action } }, USER);
    assert.deepEqual(answer.events, [{ type: 'error', code: 'stream.error', allow_retry: false }]);
  });

  it('custom_action without handlers is an error event; sync is 400 not_supported', async () => {
    const { app, threadId } = await widgetThread({});
    const streamed = await post(app, { type: 'threads.custom_action', params: { thread_id: threadId, item_id: 'w_1', action } }, USER);
    assert.deepEqual(types(streamed.events), ['stream_options', 'error']);
    const sync = await post(app, { type: 'threads.sync_custom_action', params: { thread_id: threadId, item_id: 'w_1', action } }, USER);
    assert.deepEqual([sync.status, (sync.json as { error: { code: string } }).error.code], [400, 'not_supported']);
  });

  it('sync_custom_action returns and saves the updated item (test_calls_action_sync)', async () => {
    const { app, store, threadId } = await widgetThread({ actions: wireActions });
    const answer = await post(app, { type: 'threads.sync_custom_action', params: { thread_id: threadId, item_id: 'w_1', action } }, USER);
    assert.equal(answer.status, 200);
    const updated = (answer.json as { updated_item: ThreadItem }).updated_item;
    assert.ok(updated.type === 'widget');
    assert.deepEqual(updated.widget, { type: 'Card', children: [{ type: 'Text', value: 'sync' }] });
    assert.deepEqual(await store.loadItem(threadId, 'w_1'), updated);
  });

  it('custom_action on a missing item is 404 before streaming', async () => {
    const { app, threadId } = await widgetThread({ actions: wireActions });
    const answer = await post(app, { type: 'threads.custom_action', params: { thread_id: threadId, item_id: 'w_nope', action } }, USER);
    assert.equal(answer.status, 404);
  });
});

describe('attachments and dictation', () => {
  it('creates an attachment, links it to the message with thread_id, hides private fields (test_user_message_attachment_*)', async () => {
    class PrivateAttachments extends TestAttachmentStore {
      override async create(params: { name: string; size: number; mime_type: string }): Promise<Attachment> {
        return { ...(await super.create(params)), metadata: { secret: 'private' } } as Attachment;
      }
    }
    const attachments = new PrivateAttachments();
    const { app, store } = echoApp({ attachments });
    const created = await post(app, { type: 'attachments.create', params: { name: 'a.png', size: 10, mime_type: 'image/png' } }, USER);
    assert.equal(created.status, 200);
    const attachment = created.json as Attachment;
    assert.deepEqual(Object.keys(attachment).sort(), ['id', 'mime_type', 'name', 'preview_url', 'type', 'upload_descriptor']);
    assert.equal(created.raw.includes('private'), false);

    const answer = await post(app, { type: 'threads.create', params: { input: userInput('see file', { attachments: [attachment.id] }) } }, USER);
    const user = answer.events![1]!;
    assert.ok(user.type === 'thread.item.done' && user.item.type === 'user_message');
    const threadId = createdThreadId(answer);
    assert.deepEqual(user.item.attachments, [{ ...attachment, thread_id: threadId }]);
    assert.equal(answer.raw.includes('private'), false);
    assert.equal((await store.loadAttachment(attachment.id, OWNER))?.thread_id, threadId);

    const deleted = await post(app, { type: 'attachments.delete', params: { attachment_id: attachment.id } }, USER);
    assert.deepEqual([deleted.status, deleted.json], [200, {}]);
    assert.deepEqual(attachments.deleted, [attachment.id]);
    assert.equal(await store.loadAttachment(attachment.id, OWNER), undefined);
  });

  it('creates plain files without a preview (test_create_file)', async () => {
    const { app } = echoApp({ attachments: new TestAttachmentStore() });
    const created = (await post(app, { type: 'attachments.create', params: { name: 'a.txt', size: 3, mime_type: 'text/plain' } }, USER)).json as Attachment;
    assert.equal(created.type, 'file');
    assert.equal('preview_url' in created, false);
  });

  it('refuses unknown or foreign attachment ids before streaming', async () => {
    const { app } = echoApp({ attachments: new TestAttachmentStore() });
    const created = (await post(app, { type: 'attachments.create', params: { name: 'a.png', size: 1, mime_type: 'image/png' } }, USER)).json as Attachment;
    const foreign = await post(app, { type: 'threads.create', params: { input: userInput('x', { attachments: [created.id] }) } }, { 'X-Chart-Chat-Client': 'someone-else-1-0123456789abcdef01234' });
    assert.equal(foreign.status, 404);
    const deleteForeign = await post(app, { type: 'attachments.delete', params: { attachment_id: created.id } }, { 'X-Chart-Chat-Client': 'someone-else-1-0123456789abcdef01234' });
    assert.equal(deleteForeign.status, 404);
  });

  it('answers 400 not_supported without an attachment store or transcriber (test_*_without_filestore)', async () => {
    const { app } = echoApp();
    for (const body of [
      { type: 'attachments.create', params: { name: 'a', size: 1, mime_type: 'text/plain' } },
      { type: 'attachments.delete', params: { attachment_id: 'atc_1' } },
      { type: 'input.transcribe', params: { audio_base64: 'YWJj', mime_type: 'audio/webm' } },
      { type: 'threads.create', params: { input: userInput('x', { attachments: ['atc_1'] }) } },
    ]) {
      const answer = await post(app, body, USER);
      assert.deepEqual([answer.status, (answer.json as { error: { code: string } }).error.code], [400, 'not_supported'], body.type);
    }
  });

  it('input.transcribe decodes base64 and normalizes the MIME type (test_input_transcribe_decodes_base64_and_normalizes_mime_type)', async () => {
    const seen: unknown[] = [];
    const { app } = echoApp({
      transcribe: async (audio, ctx) => {
        seen.push([Buffer.from(audio.data).toString(), audio.mime_type, ctx.user]);
        return wireTranscriber(audio, ctx);
      },
    });
    const answer = await post(app, { type: 'input.transcribe', params: { audio_base64: Buffer.from('hello').toString('base64'), mime_type: 'Audio/Ogg; codecs=opus' } }, USER);
    assert.deepEqual(answer.json, { text: '5 bytes audio/ogg' });
    assert.deepEqual(seen, [['hello', 'Audio/Ogg; codecs=opus', OWNER]]);
  });
});

describe('thread status and concurrency', () => {
  it('refuses new work on locked and closed threads with 409', async () => {
    const { app, store } = echoApp();
    const threadId = await newThread(app);
    for (const status of [{ type: 'locked' as const, reason: 'r' }, { type: 'closed' as const }]) {
      const thread = (await store.loadThread(threadId, OWNER))!;
      await store.saveThread({ ...thread, status });
      const answer = await post(app, addMessage(threadId, 'more'), USER);
      assert.deepEqual([answer.status, (answer.json as { error: { code: string } }).error.code], [409, `thread_${status.type}`]);
    }
  });

  it('a delete on a streaming thread gets 409 thread_busy; the owner\'s next message takes the thread over', async () => {
    const { app, store } = echoApp();
    const threadId = await newThread(app);
    const first = await app.request('/api/chatkit', { method: 'POST', body: JSON.stringify(addMessage(threadId, '/slow 400')), headers: USER });
    assert.equal(first.status, 200);
    const reader = first.body!.getReader();
    await reader.read(); // the stream has started: its user message is stored
    const deleting = await post(app, { type: 'threads.delete', params: { thread_id: threadId } }, USER);
    assert.deepEqual([deleting.status, (deleting.json as { error: { code: string } }).error.code], [409, 'thread_busy']);
    const second = await post(app, addMessage(threadId, 'meanwhile'), USER);
    assert.equal(second.status, 200, second.raw);
    assert.equal(second.events!.at(-1)!.type, 'thread.item.done');
    while (!(await reader.read()).done); // the first stream ended instead of running on
    const saved = (await store.loadItems(threadId, { limit: 50, order: 'asc' })).data;
    const visible = saved.filter((item) => item.type === 'user_message').map((item) => (item.content[0] as { text: string }).text);
    assert.deepEqual(visible, ['hello', '/slow 400', 'meanwhile']);
  });
});

describe('responder context', () => {
  it('passes user, locale, chart context and history to the responder (test_flows_context_to_responder)', async () => {
    const responder = new ScriptedResponder(async function* (thread, _input, ctx) {
      yield assistantDone(thread, ctx, `history ${(await ctx.history()).length}`);
    });
    const app = createApp({ responder });
    const chart = { symbol: 'AAPL', timeframe: '1h', bars: [{ time: 2, open: 1, high: 2, low: 1, close: 2 }, { time: 1, open: 1, high: 1, low: 1, close: 1 }] };
    const answer = await post(app, createThread('hi', { chart_context: chart }), { ...USER, 'Accept-Language': 'de-DE,de;q=0.9' });
    const { ctx, input } = responder.calls[0]!;
    assert.equal(ctx.user, OWNER);
    assert.equal(ctx.locale, 'de-DE');
    assert.deepEqual(ctx.chartContext?.bars.map((b) => b.time), [1, 2], 'validated and normalized by the contract');
    assert.equal((input as UserMessageItem).content[0]!.type, 'input_text');
    const reply = answer.events!.at(-1)!;
    assert.ok(reply.type === 'thread.item.done' && reply.item.type === 'assistant_message' && reply.item.content[0]!.text === 'history 1');
  });

  it('EchoResponder appends the chart summary and streams /effect data through unvalidated', async () => {
    const app = createApp({ responder: new EchoResponder() });
    const chart = { symbol: 'TSLA', timeframe: '1D', bars: [{ time: 1, open: 1, high: 2, low: 1, close: 2 }] };
    const hello = await post(app, createThread('hi', { chart_context: chart }), USER);
    const reply = hello.events!.filter((e) => e.type === 'thread.item.done').at(-1)!;
    assert.ok(reply.type === 'thread.item.done' && reply.item.type === 'assistant_message');
    assert.equal(reply.item.content[0]!.text, 'You said: hi [chart: TSLA 1D, 1 bars]');
    const effect = await post(app, createThread('/effect {"type":"price_line","price":-1,"extra":null}'), USER);
    assert.deepEqual(effect.events!.find((e) => e.type === 'client_effect'), { type: 'client_effect', name: 'chart_command', data: { type: 'price_line', price: -1, extra: null } });
    const text = effect.events!.find((e) => e.type === 'thread.item.done' && e.item.type === 'assistant_message');
    assert.ok(text && text.type === 'thread.item.done' && text.item.type === 'assistant_message' && text.item.content[0]!.text === 'ok');
  });
});

describe('ids', () => {
  it('uses the store id generators when present (test_custom_id_generators_on_server)', async () => {
    class SequentialStore extends MemoryStore {
      #n = 0;
      generateThreadId(): string {
        return `thread-${++this.#n}`;
      }
      generateItemId(type: string): string {
        return `${type}-${++this.#n}`;
      }
    }
    const store = new SequentialStore();
    const app = createApp({ responder: new EchoResponder(), store });
    const answer = await post(app, createThread('hi'), USER);
    const threadId = createdThreadId(answer);
    assert.equal(threadId, 'thread-1');
    const items = (await store.loadItems(threadId, { limit: 10, order: 'asc' })).data;
    assert.deepEqual(items.map((i) => i.id), ['user_message-2', 'assistant_message-3']);
  });

  it('defaults to <prefix>_<16 hex> ids', async () => {
    const { app, store } = echoApp();
    const threadId = await newThread(app, '/tool x {}');
    assert.match(threadId, /^thr_[0-9a-f]{16}$/);
    const ids = (await store.loadItems(threadId, { limit: 10, order: 'asc' })).data.map((i) => i.id);
    assert.match(ids[0]!, /^msg_[0-9a-f]{16}$/);
    assert.match(ids[1]!, /^tc_[0-9a-f]{16}$/);
  });
});

describe('lenient input (where chatkit-python is strict, the client may omit keys)', () => {
  it('defaults attachments, inference_options, tag data and interactive; null quoted_text is omitted', async () => {
    const { app } = echoApp();
    const answer = await post(
      app,
      { type: 'threads.create', params: { input: { content: [{ type: 'input_text', text: 'hi' }, { type: 'input_tag', id: 'e1', text: '@Bob', group: null }], quoted_text: null } } },
      USER,
    );
    assert.equal(answer.status, 200, answer.raw);
    const user = answer.events![1]!;
    assert.ok(user.type === 'thread.item.done' && user.item.type === 'user_message');
    assert.deepEqual(user.item.content, [{ type: 'input_text', text: 'hi' }, { type: 'input_tag', id: 'e1', text: '@Bob', data: {}, interactive: false }]);
    assert.deepEqual([user.item.attachments, user.item.inference_options, 'quoted_text' in user.item], [[], {}, false]);
  });
});
