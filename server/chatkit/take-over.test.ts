/**
 * Stop, then send again, over a real socket: the owner's new message on a thread whose answer
 * still streams (the Stop has not reached the server yet, or never will) cancels that answer,
 * keeps what it had streamed, and streams the new one. Never a 409 for the owner.
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
import { ThreadStreams } from './thread-streams.js';
import type { ThreadItem, ThreadMetadata, ThreadStreamEvent, UserMessageItem } from '../wire/types.js';

const OWNER = { 'X-Chart-Chat-Client': 'take-over-owner-0123456789abcdef01234', 'content-type': 'application/json' };
const OTHER = { 'X-Chart-Chat-Client': 'take-over-other-0123456789abcdef01234', 'content-type': 'application/json' };

/** EchoResponder that records each call's signal, to see the cancelled turn really stop. */
class SignalRecordingEcho implements Responder {
  readonly inner = new EchoResponder();
  readonly signals: AbortSignal[] = [];
  async *respond(thread: ThreadMetadata, input: UserMessageItem | null, ctx: ResponderContext): AsyncGenerator<ThreadStreamEvent> {
    this.signals.push(ctx.signal);
    yield* this.inner.respond(thread, input, ctx);
  }
}

async function setup() {
  const store = new MemoryStore();
  const responder = new SignalRecordingEcho();
  const server = await listen(createApp({ responder, store }));
  const threadId = createdThreadId(await post(server.url, createThread('first'), OWNER));
  const items = async (): Promise<ThreadItem[]> => (await store.loadItems(threadId, { limit: 100, order: 'asc' })).data;
  return { store, responder, server, threadId, items };
}

/** Starts a slow answer and reads it until `deltas` text deltas arrived; returns what was shown. */
async function startSlowAnswer(url: string, threadId: string, deltas: number, signal?: AbortSignal) {
  const response = await fetch(`${url}/api/chatkit`, { method: 'POST', headers: OWNER, body: JSON.stringify(addMessage(threadId, '/slow 400')), ...(signal ? { signal } : {}) });
  assert.equal(response.status, 200);
  const events = readSse(response.body!);
  let shown = '';
  let seen = 0;
  for await (const event of events) {
    if (event.type === 'thread.item.updated' && event.update.type === 'assistant_message.content_part.text_delta') {
      shown += event.update.delta;
      if (++seen === deltas) break;
    }
  }
  return { response, shown };
}

const texts = (items: ThreadItem[]) =>
  items.map((item) =>
    item.type === 'user_message' ? `user: ${(item.content[0] as { text: string }).text}`
    : item.type === 'assistant_message' ? `assistant: ${item.content.map((part) => part.text).join('')}`
    : item.type === 'sdk_hidden_context' ? `hidden: ${item.content}`
    : item.type,
  );

describe('stop, then send again', () => {
  it('Stop and resend at once: the new answer streams and the old partial answer is kept', async () => {
    const { server, threadId, items, responder } = await setup();
    try {
      const stop = new AbortController();
      const { shown } = await startSlowAnswer(server.url, threadId, 3, stop.signal);
      stop.abort(); // Stop …
      const again = await post(server.url, addMessage(threadId, 'again'), OWNER); // … and send at once
      assert.equal(again.status, 200, again.raw);
      assert.equal(again.events!.at(-1)!.type, 'thread.item.done');
      assert.equal(responder.signals[1]!.aborted, true, 'the stopped turn was cancelled');
      const saved = texts(await items());
      assert.deepEqual(saved.slice(0, 3), ['user: first', 'assistant: You said: first', 'user: /slow 400']);
      assert.ok(saved[3]!.startsWith(`assistant: ${shown}`), `kept "${saved[3]}" starts with what was shown: "${shown}"`);
      assert.ok(saved[3]!.length < `assistant: ${shown}`.length + 40, 'the partial answer stopped soon after');
      assert.deepEqual(saved.slice(4), [`hidden: ${CANCELLED_CONTEXT}`, 'user: again', 'assistant: You said: again']);
    } finally {
      await server.close();
    }
  });

  it('a new message while the old answer is still connected takes it over: the old stream ends, its text is kept', async () => {
    const { server, threadId, items, responder } = await setup();
    try {
      const { response, shown } = await startSlowAnswer(server.url, threadId, 4); // still connected, never stopped
      const again = await post(server.url, addMessage(threadId, 'again'), OWNER);
      assert.equal(again.status, 200, again.raw);
      const types = again.events!.map((event) => event.type);
      assert.deepEqual([types[0], types.at(-1)], ['thread.item.done', 'thread.item.done'], 'the new turn streamed in full');
      // The old connection ends cleanly (no hang, no error event) and streamed nothing more than was saved.
      let rest = '';
      for await (const event of readSse(response.body!)) {
        assert.notEqual(event.type, 'error');
        if (event.type === 'thread.item.updated' && event.update.type === 'assistant_message.content_part.text_delta') rest += event.update.delta;
      }
      assert.equal(responder.signals[1]!.aborted, true);
      const saved = texts(await items());
      assert.deepEqual(saved, [
        'user: first',
        'assistant: You said: first',
        'user: /slow 400',
        `assistant: ${shown}${rest}`,
        `hidden: ${CANCELLED_CONTEXT}`,
        'user: again',
        'assistant: You said: again',
      ]);
    } finally {
      await server.close();
    }
  });

  it('a retry of the streaming message takes over too', async () => {
    const { server, threadId, items } = await setup();
    try {
      await startSlowAnswer(server.url, threadId, 2);
      const slowMessage = (await items()).find((item) => item.type === 'user_message' && (item.content[0] as { text: string }).text === '/slow 400')!;
      const retry = await fetch(`${server.url}/api/chatkit`, {
        method: 'POST',
        headers: OWNER,
        body: JSON.stringify({ type: 'threads.retry_after_item', params: { thread_id: threadId, item_id: slowMessage.id } }),
      });
      assert.equal(retry.status, 200);
      let deltas = 0;
      for await (const event of readSse(retry.body!)) {
        if (event.type === 'thread.item.updated' && ++deltas === 2) break; // the retried answer streams
      }
      const saved = texts(await items());
      assert.deepEqual(saved.slice(0, 3), ['user: first', 'assistant: You said: first', 'user: /slow 400']);
    } finally {
      await server.close();
    }
  });

  it("another user's message cannot touch the stream: 404, and the answer streams on", async () => {
    const { server, threadId, responder } = await setup();
    try {
      const { response } = await startSlowAnswer(server.url, threadId, 1);
      const intruder = await post(server.url, addMessage(threadId, 'mine now'), OTHER);
      assert.equal(intruder.status, 404);
      assert.equal(responder.signals[1]!.aborted, false, "the owner's answer was not cancelled");
      const events = readSse(response.body!);
      const next = await events.next();
      assert.equal(next.done, false, 'the answer keeps streaming');
      await events.return(undefined);
      await response.body!.cancel().catch(() => undefined);
    } finally {
      await server.close();
    }
  });
});

describe('ThreadStreams.takeOver', () => {
  it('answers 409 thread_busy when the running stream does not end in time', async () => {
    const streams = new ThreadStreams(() => undefined, { takeOverTimeoutMs: 50 });
    // Streams run async generators (the pipeline): their `return` waits for the step in flight, here forever.
    const stuck = await streams.open('t', undefined, async function* (): AsyncGenerator<ThreadStreamEvent> {
      await new Promise(() => undefined);
    });
    const reading = stuck[Symbol.asyncIterator]().next(); // in flight forever
    void reading;
    await assert.rejects(streams.takeOver('t'), (error: { status?: number; code?: string }) => error.status === 409 && error.code === 'thread_busy');
    assert.equal(await streams.isBusy('t'), true);
  });

  it('does nothing on a thread without a stream', async () => {
    const streams = new ThreadStreams(() => undefined);
    await streams.takeOver('none');
    assert.equal(await streams.isBusy('none'), false);
  });
});
