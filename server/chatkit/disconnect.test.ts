/**
 * Client disconnects over a real socket: the responder's signal aborts, it stops producing
 * (no work continues for nobody), and what was already streamed is saved.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createApp } from '../app.js';
import { EchoResponder } from '../responders/echo.js';
import type { Responder, ResponderContext } from './responder.js';
import { MemoryStore } from '../store/memory-store.js';
import { addMessage, createdThreadId, createThread, post } from '../test-support/chatkit-client.js';
import { listen } from '../test-support/listen.js';
import { readSse } from '../test-support/sse.js';
import { CANCELLED_CONTEXT } from './pipeline.js';
import type { ThreadItem, ThreadMetadata, ThreadStreamEvent, UserMessageItem } from '../wire/types.js';

/** Wraps EchoResponder to observe its latest call: the signal, and every event it produced. */
class ObservedEcho implements Responder {
  readonly inner = new EchoResponder();
  signal: AbortSignal | undefined;
  readonly signals: AbortSignal[] = [];
  produced = 0;
  producedAfterAbort = 0;
  finished = false;

  async *respond(thread: ThreadMetadata, input: UserMessageItem | null, ctx: ResponderContext): AsyncGenerator<ThreadStreamEvent> {
    this.signal = ctx.signal;
    this.signals.push(ctx.signal);
    this.produced = 0;
    this.producedAfterAbort = 0;
    this.finished = false;
    try {
      for await (const event of this.inner.respond(thread, input, ctx)) {
        this.produced++;
        if (ctx.signal.aborted) this.producedAfterAbort++;
        yield event;
      }
    } finally {
      this.finished = true;
    }
  }
}

async function until(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const USER = { 'X-Chart-Chat-Client': 'disconnect-user-0123456789abcdef01234', 'content-type': 'application/json' };

describe('client disconnect', () => {
  it('aborting the fetch mid-stream cancels the responder and saves the partial reply', async () => {
    const store = new MemoryStore();
    const responder = new ObservedEcho();
    const app = createApp({ responder, store });
    const server = await listen(app);
    try {
      const threadId = createdThreadId(await post(server.url, createThread('first'), USER));
      const controller = new AbortController();
      const response = await fetch(`${server.url}/api/chatkit`, {
        method: 'POST',
        headers: USER,
        body: JSON.stringify(addMessage(threadId, '/slow 200')),
        signal: controller.signal,
      });
      assert.equal(response.status, 200);
      let deltas = 0;
      let streamed = '';
      try {
        for await (const event of readSse(response.body!)) {
          if (event.type === 'thread.item.updated' && event.update.type === 'assistant_message.content_part.text_delta') {
            streamed += event.update.delta;
            if (++deltas === 4) controller.abort();
          }
        }
        assert.fail('the stream should have been aborted');
      } catch (error) {
        assert.equal((error as Error).name, 'AbortError');
      }

      await until(() => responder.finished, 'the responder to stop');
      assert.equal(responder.signal?.aborted, true, "the responder's signal was aborted");
      const producedAtStop = responder.produced;
      assert.ok(producedAtStop < 50, `the responder stopped early (${producedAtStop} events of ~205)`);
      await new Promise((resolve) => setTimeout(resolve, 200));
      assert.equal(responder.produced, producedAtStop, 'no work continues after the disconnect');
      assert.ok(responder.producedAfterAbort <= 1);

      const items = async (): Promise<ThreadItem[]> => (await store.loadItems(threadId, { limit: 100, order: 'asc' })).data;
      await until(async () => (await items()).at(-1)?.type === 'sdk_hidden_context', 'the cancellation to be saved');
      const saved = await items();
      assert.deepEqual(saved.map((item) => item.type), ['user_message', 'assistant_message', 'user_message', 'assistant_message', 'sdk_hidden_context']);
      const partial = saved[3]!;
      assert.ok(partial.type === 'assistant_message');
      assert.ok(partial.content[0]!.text.startsWith(streamed), `saved "${partial.content[0]!.text}" starts with streamed "${streamed}"`);
      assert.ok(partial.content[0]!.text.length < '1 2 3 4 5 6 7 8 9 10 '.length + 20);
      assert.equal((saved[4] as { content: string }).content, CANCELLED_CONTEXT);

      // The thread is free again: the next message streams normally and never shows hidden items.
      const next = await post(server.url, addMessage(threadId, 'after'), USER);
      assert.equal(next.status, 200);
      const list = await post(server.url, { type: 'items.list', params: { thread_id: threadId, limit: 50 } }, USER);
      assert.equal(list.raw.includes('sdk_hidden_context'), false);
    } finally {
      await server.close();
    }
  });

  it('a client that disconnects before reading anything still frees the thread', async () => {
    const store = new MemoryStore();
    const responder = new ObservedEcho();
    const app = createApp({ responder, store });
    const server = await listen(app);
    try {
      const threadId = createdThreadId(await post(server.url, createThread('first'), USER));
      const controller = new AbortController();
      const response = await fetch(`${server.url}/api/chatkit`, { method: 'POST', headers: USER, body: JSON.stringify(addMessage(threadId, '/slow 500')), signal: controller.signal });
      assert.equal(response.status, 200);
      controller.abort();
      await until(async () => (await post(server.url, addMessage(threadId, 'next'), USER)).status === 200, 'the thread to be free');
      assert.equal(responder.signals.length, 3);
      assert.equal(responder.signals[1]!.aborted, true, 'the /slow turn was cancelled');
      const types = (await store.loadItems(threadId, { limit: 100, order: 'asc' })).data.map((item) => item.type);
      assert.deepEqual(types.slice(0, 3), ['user_message', 'assistant_message', 'user_message']);
      assert.ok(types.includes('sdk_hidden_context'));
    } finally {
      await server.close();
    }
  });
});
