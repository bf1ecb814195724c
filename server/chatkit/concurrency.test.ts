/**
 * Many clients at once over a real socket: interleaved streams never mix threads or users,
 * every turn is stored in order, and each user sees only their own thread.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { createApp } from '../app.js';
import { EchoResponder } from '../responders/echo.js';
import { MemoryStore } from '../store/memory-store.js';
import { addMessage, createdThreadId, createThread, post } from '../test-support/chatkit-client.js';
import { listen } from '../test-support/listen.js';
import type { Thread, ThreadItem } from '../wire/types.js';

const USERS = 24;
const TURNS = 3;

it(`${USERS} concurrent users × ${TURNS} streamed turns stay isolated and ordered`, async () => {
  const store = new MemoryStore();
  const server = await listen(createApp({ responder: new EchoResponder(), store }));
  try {
    const conversations = Array.from({ length: USERS }, async (_, u) => {
      const headers = { 'X-Chart-Chat-Client': `concurrent-user-${String(u).padStart(3, '0')}-0123456789abcdef01234` };
      const first = await post(server.url, createThread(`user ${u} turn 0`), headers);
      assert.equal(first.status, 200);
      const threadId = createdThreadId(first);
      for (let t = 1; t < TURNS; t++) {
        const answer = await post(server.url, addMessage(threadId, `user ${u} turn ${t}`), headers);
        assert.equal(answer.status, 200, answer.raw.slice(0, 200));
        for (const event of answer.events!) {
          if ('item' in event) assert.equal(event.item.thread_id, threadId, 'events carry only this thread');
        }
      }
      const list = (await post(server.url, { type: 'threads.list', params: {} }, headers)).json as { data: Thread[] };
      assert.deepEqual(list.data.map((thread) => thread.id), [threadId]);
      const items = (await post(server.url, { type: 'items.list', params: { thread_id: threadId, order: 'asc', limit: 50 } }, headers)).json as { data: ThreadItem[] };
      const texts = items.data.map((item) =>
        item.type === 'user_message' ? (item.content[0] as { text: string }).text : item.type === 'assistant_message' ? item.content[0]!.text : item.type,
      );
      const expected = Array.from({ length: TURNS }, (_, t) => {
        const said = `user ${u} turn ${t}`;
        return [said, `You said: ${said}`];
      }).flat();
      assert.deepEqual(texts, expected);
      const stamps = items.data.map((item) => item.created_at);
      assert.deepEqual([...stamps].sort(), stamps, 'created_at increases with insertion order');
    });
    await Promise.all(conversations);
    assert.deepEqual((await store.loadThreads('anonymous', { limit: 10, order: 'desc' })).data, []);
  } finally {
    await server.close();
  }
});
