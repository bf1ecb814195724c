/**
 * Load correctness (timings live in bench/load.bench.ts): 200 concurrent streaming conversations
 * through the OpenAI responder against the fake upstream on loopback. Every conversation gets
 * all of its own events, in order; and clients that disconnect mid-answer make the server close
 * its upstream request.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createThread } from '../test-support/chatkit-client.js';
import { readSse } from '../test-support/sse.js';
import { createLogger } from '../log/logger.js';
import { inParallel, streamConversation } from './conversation.js';
import { conversationMessage, expectedAnswer, startLoadStack, type LoadStack } from './load-stack.js';

const CONVERSATIONS = 200;

describe('load: concurrent streaming conversations', () => {
  let stack: LoadStack;
  let turnLines = 0;
  before(async () => {
    // Production shape: logging on (it wraps request and response bodies), to a counting sink.
    const logger = createLogger({ level: 'info', sink: (line) => void (line.includes('"msg":"turn"') && turnLines++) });
    stack = await startLoadStack({}, { logger });
  });
  after(() => stack.close());

  it(`${CONVERSATIONS} concurrent conversations each receive every event, in order, with their own answer`, { timeout: 120_000 }, async () => {
    const results = await inParallel(CONVERSATIONS, CONVERSATIONS, (i) =>
      streamConversation(stack.server.url, conversationMessage(i), expectedAnswer(i), { 'x-chart-chat-client': `load-client-${String(i).padStart(4, '0')}-0123456789abcdef01234` }),
    );
    const broken = results.flatMap((r, i) => r.problems.map((p) => `conversation ${i}: ${p}`));
    assert.deepEqual(broken.slice(0, 5), []);
    assert.equal(stack.upstream.requests.length, CONVERSATIONS);
    assert.ok(results.every((r) => r.events >= 40), 'each stream carried at least one event per word');
    assert.equal(turnLines, CONVERSATIONS, 'one turn log line per conversation');
  });

  it('clients that disconnect mid-answer cancel their upstream requests', { timeout: 60_000 }, async () => {
    const first = stack.upstream.requests.length;
    const count = 20;
    await inParallel(count, count, async (i) => {
      const controller = new AbortController();
      const response = await fetch(`${stack.server.url}/api/chatkit`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-chart-chat-client': `gone-client-${String(i).padStart(4, '0')}-0123456789abcdef01234` },
        body: JSON.stringify(createThread(conversationMessage(i, true))),
        signal: controller.signal,
      });
      for await (const event of readSse(response.body!)) {
        if (event.type === 'thread.item.updated' && event.update.type === 'assistant_message.content_part.text_delta') break;
      }
      controller.abort();
    });
    // The upstream answers each "hold" message with one word and then nothing: only the server
    // closing its upstream request (because its client left) ends those connections.
    await stack.upstream.waitForRequests(first + count);
    const held = stack.upstream.requests.map((r, index) => ({ r, index })).slice(first);
    assert.equal(held.length, count);
    await Promise.all(held.map(({ index }) => within(10_000, stack.upstream.waitForAbort(index), `upstream request ${index} closed`)));
    assert.ok(held.every(({ r }) => r.clientAborted));
  });
});

function within<T>(ms: number, promise: Promise<T>, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out: ${what}`)), ms)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
