/**
 * Ownership: a second user can neither read nor change the first user's thread. Every op
 * answers 404 exactly as for a thread that does not exist, and nothing changes in the store.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Hono } from 'hono';
import { anonymousClientUser, createApp } from '../app.js';
import { EchoResponder } from '../responders/echo.js';
import { MemoryStore } from '../store/memory-store.js';
import { addMessage, createdThreadId, createThread, post } from '../test-support/chatkit-client.js';
import { wireActions } from '../test-support/wire-responder.js';
import type { Thread, ThreadItem } from '../wire/types.js';

const ALICE = { 'X-Chart-Chat-Client': 'alice-client-1-0123456789abcdef01234' };
const MALLORY = { 'X-Chart-Chat-Client': 'mallory-client-1-0123456789abcdef01234' };

describe('ownership', () => {
  it('another user gets 404 (as if missing) for every op on a thread they do not own', async () => {
    const store = new MemoryStore();
    const app = createApp({ responder: new EchoResponder(), store, actions: wireActions });
    const threadId = createdThreadId(await post(app, createThread('/tool pick {"a":1}'), ALICE));
    const before = (await store.loadItems(threadId, { limit: 100, order: 'asc' })).data;
    const userItem = before[0]!;

    const attempts: Array<[string, unknown]> = [
      ['get', { type: 'threads.get_by_id', params: { thread_id: threadId } }],
      ['update', { type: 'threads.update', params: { thread_id: threadId, title: 'pwned' } }],
      ['delete', { type: 'threads.delete', params: { thread_id: threadId } }],
      ['items.list', { type: 'items.list', params: { thread_id: threadId } }],
      ['feedback', { type: 'items.feedback', params: { thread_id: threadId, item_ids: [userItem.id], kind: 'negative' } }],
      ['add_user_message', addMessage(threadId, 'injected')],
      ['retry', { type: 'threads.retry_after_item', params: { thread_id: threadId, item_id: userItem.id } }],
      ['tool output', { type: 'threads.add_client_tool_output', params: { thread_id: threadId, result: { forged: true } } }],
      ['structured input', { type: 'threads.add_structured_input', params: { thread_id: threadId, item_id: userItem.id, input: { answers: {} } } }],
      ['custom action', { type: 'threads.custom_action', params: { thread_id: threadId, action: { type: 'x' } } }],
      ['sync action', { type: 'threads.sync_custom_action', params: { thread_id: threadId, action: { type: 'x' } } }],
    ];
    const missing = await post(app, { type: 'threads.get_by_id', params: { thread_id: 'thr_doesnotexist' } }, MALLORY);
    for (const [name, body] of attempts) {
      const answer = await post(app, body, MALLORY);
      assert.equal(answer.status, 404, `${name}: ${answer.raw.slice(0, 200)}`);
      assert.deepEqual(answer.json, missing.json, `${name}: indistinguishable from a missing thread`);
    }
    const list = (await post(app, { type: 'threads.list', params: {} }, MALLORY)).json as { data: Thread[] };
    assert.deepEqual(list.data, []);

    const after = (await store.loadItems(threadId, { limit: 100, order: 'asc' })).data;
    assert.deepEqual(after, before, 'nothing changed');
    const thread = (await post(app, { type: 'threads.get_by_id', params: { thread_id: threadId } }, ALICE)).json as Thread;
    assert.equal(thread.title, '/tool pick {"a":1}');
    const call = thread.items.data.find((item: ThreadItem) => item.type === 'client_tool_call');
    assert.ok(call?.type === 'client_tool_call' && call.status === 'pending', 'the owner can still answer the tool call');
  });

  it('the owner keeps full access (and sees only their own threads)', async () => {
    const app = createApp({ responder: new EchoResponder() });
    const mine = createdThreadId(await post(app, createThread('mine'), ALICE));
    createdThreadId(await post(app, createThread('theirs'), MALLORY));
    const list = (await post(app, { type: 'threads.list', params: {} }, ALICE)).json as { data: Thread[] };
    assert.deepEqual(list.data.map((t) => t.id), [mine]);
    assert.equal((await post(app, addMessage(mine, 'more'), ALICE)).status, 200);
  });

  it('resolveUser is pluggable; the default needs a 128-bit client id and never falls back to a shared user', async () => {
    const app = createApp({ responder: new EchoResponder(), resolveUser: (c) => c.req.header('x-user') ?? 'nobody' });
    const threadId = createdThreadId(await post(app, createThread('hi'), { 'x-user': 'u1' }));
    assert.equal((await post(app, { type: 'threads.get_by_id', params: { thread_id: threadId } }, { 'x-user': 'u2' })).status, 404);
    assert.equal((await post(app, { type: 'threads.get_by_id', params: { thread_id: threadId } }, { 'x-user': 'u1' })).status, 200);

    const probe = new Hono().get('/whoami', (c) => c.text(anonymousClientUser(c)));
    probe.onError((error) => new Response(null, { status: (error as { status?: number }).status ?? 500 }));
    const users: string[] = [];
    const good = 'good_client-0123456789abcdef0123';
    for (const header of [good, 'short', 'good_client-0123456789abcdef012', 'bad client id!'.padEnd(40, 'x'), 'x'.repeat(65)]) {
      const answer = await probe.request('/whoami', { headers: { 'X-Chart-Chat-Client': header } });
      users.push(answer.status === 200 ? await answer.text() : String(answer.status));
    }
    users.push(String((await probe.request('/whoami')).status));
    assert.deepEqual(users, [`client:${good}`, '401', '401', '401', '401', '401'], 'no shared fallback user');
  });
});
