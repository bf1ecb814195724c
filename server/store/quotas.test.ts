/**
 * Bounded state through the real app: quota refusals are 4xx `quota_exceeded` before any stream
 * starts and leave nothing half-written, and the memory store stays bounded when many clients
 * send large messages.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { createApp } from '../app.js';
import { EchoResponder } from '../responders/echo.js';
import { addMessage, createdThreadId, createThread, post } from '../test-support/chatkit-client.js';
import { MemoryStore } from './memory-store.js';

const client = (id: string) => ({ 'X-Chart-Chat-Client': `quota-client-${id}-0123456789abcdef01234` });

it('refuses a thread or message over a quota with 403 quota_exceeded, leaving nothing behind', async () => {
  const store = new MemoryStore({ maxThreadsPerUser: 2, maxItemsPerThread: 4, maxItemBytes: 4096 });
  const app = createApp({ responder: new EchoResponder(), store });
  const first = createdThreadId(await post(app, createThread('one'), client('a')));
  createdThreadId(await post(app, createThread('two'), client('a')));

  const third = await post(app, createThread('three'), client('a'));
  assert.equal(third.status, 403);
  assert.deepEqual((third.json as { error: { code: string } }).error.code, 'quota_exceeded');
  const list = await post(app, { type: 'threads.list', params: { limit: 10 } }, client('a'));
  assert.equal((list.json as { data: unknown[] }).data.length, 2);

  const huge = await post(app, createThread('x'.repeat(5000)), client('b'));
  assert.equal(huge.status, 403, 'a message over the byte limit');
  const none = await post(app, { type: 'threads.list', params: { limit: 10 } }, client('b'));
  assert.deepEqual((none.json as { data: unknown[] }).data, [], 'the refused new thread was not kept');

  // user + answer, user + answer: the thread is full.
  assert.equal((await post(app, addMessage(first, 'again'), client('a'))).status, 200);
  const full = await post(app, addMessage(first, 'once more'), client('a'));
  assert.equal(full.status, 403);
  assert.match((full.json as { error: { message: string } }).error.message, /limit of 4 items/);
});

it('keeps the memory store bounded with many large messages from many client ids', async () => {
  const store = new MemoryStore({ maxTotalBytes: 2 * 1024 * 1024 });
  const app = createApp({ responder: new EchoResponder(), store });
  const text = 'y'.repeat(90 * 1024); // near the protocol's 100,000-character cap on one text
  for (let i = 0; i < 60; i++) {
    const answer = await post(app, createThread(text), client(`many-${i}`));
    assert.equal(answer.status, 200);
  }
  // 60 × (a 90 KB message + its echo) would be 11 MB; the store keeps at most its bound (+ one thread).
  assert.ok(store.totalBytes <= 2 * 1024 * 1024 + 500 * 1024, `${store.totalBytes} bytes held`);
  const newest = await post(app, { type: 'threads.list', params: { limit: 10 } }, client('many-59'));
  assert.equal((newest.json as { data: unknown[] }).data.length, 1, 'the most recent threads are kept');
});
