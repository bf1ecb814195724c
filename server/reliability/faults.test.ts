/**
 * Upstream faults, end to end: the real OpenAI responder (through the `openai` SDK) against the
 * fake OpenAI server, behind the whole app on a real socket. For each fault the user gets one
 * clear `error` event, the thread holds only what the user actually saw (no half-written or
 * malformed text), nothing is left busy, and the next message in the same thread works.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createApp } from '../app.js';
import type { ThreadItem, ThreadStreamEvent } from '../wire/types.js';
import { OpenAIResponder } from '../responders/openai/openai-responder.js';
import { addMessage, createdThreadId, createThread, post, type Answer } from '../test-support/chatkit-client.js';
import { startFakeOpenAI, step, turn, type FakeOpenAI, type ScriptedTurn } from '../test-support/fake-openai.js';
import { listen, type Listening } from '../test-support/listen.js';

const KEY = 'sk-test-LEAKCHECK-faults-0123456789abcdef';
const client = { 'x-chart-chat-client': 'faults-client-01-0123456789abcdef01234' };

interface Fault {
  name: string;
  script: ScriptedTurn;
  /** What the error message must say (the user-facing reason). */
  says: RegExp;
  retry: boolean;
  /** Text the user saw before the failure (kept in the thread). */
  partial?: string;
  /** The server must give up on the upstream request itself (close its connection). */
  closesUpstream?: boolean;
}

const FAULTS: Fault[] = [
  { name: 'HTTP 401 (bad key)', script: turn.status(401, {}, `Incorrect API key provided: ${KEY}`), says: /credentials|API key/i, retry: false },
  { name: 'HTTP 429 (rate limited)', script: turn.status(429, { 'retry-after': '0' }), says: /busy|rate/i, retry: true },
  { name: 'HTTP 500', script: turn.status(500), says: /internal error/i, retry: true },
  { name: 'no answer in time', script: turn.hang(), says: /did not answer in time/i, retry: true, closesUpstream: true },
  { name: 'stream cut mid-answer', script: turn.steps(step.text('Support is ', 'near 101'), step.cut()), says: /cut/i, retry: true, partial: 'Support is near 101' },
  { name: 'stream ends without completing', script: turn.steps(step.text('Half an'), step.cut('end')), says: /cut/i, retry: true, partial: 'Half an' },
  { name: 'stream stalls mid-answer', script: turn.steps(step.text('Thinking'), step.hang()), says: /stopped responding/i, retry: true, partial: 'Thinking', closesUpstream: true },
  { name: 'malformed chunk', script: turn.steps(step.text('Good '), step.malformed(), step.text('after')), says: /malformed|failed|cut/i, retry: true, partial: 'Good ' },
  { name: 'in-stream error event', script: turn.steps(step.text('Part'), step.error()), says: /failed/i, retry: true, partial: 'Part' },
  { name: 'response.failed', script: turn.steps(step.failed()), says: /failed/i, retry: true },
];

describe('upstream faults through the OpenAI responder', () => {
  let upstream: FakeOpenAI;
  let server: Listening;
  const answers: Answer[] = [];
  const send = async (body: unknown) => {
    const answer = await post(server.url, body, client);
    answers.push(answer);
    return answer;
  };

  before(async () => {
    upstream = await startFakeOpenAI();
    const responder = new OpenAIResponder({ apiKey: KEY, baseURL: upstream.baseURL, maxRetries: 0, timeoutMs: 400, idleTimeoutMs: 400 });
    server = await listen(createApp({ responder }));
  });
  after(async () => {
    await server.close();
    await upstream.close();
  });

  for (const fault of FAULTS) {
    it(`${fault.name}: one clear error event, a consistent thread, and the next message works`, async () => {
      upstream.enqueue(turn.text('Hello, ', 'I see the chart.'));
      const created = await send(createThread('hello'));
      assert.deepEqual(errorsIn(created), []);
      const threadId = createdThreadId(created);

      upstream.enqueue(fault.script);
      const upstreamIndex = upstream.requests.length;
      const failed = await send(addMessage(threadId, 'where is support?'));
      if (fault.closesUpstream) await within(2000, upstream.waitForAbort(upstreamIndex), 'the upstream saw its request closed');
      assert.equal(failed.status, 200, failed.raw);
      const errors = errorsIn(failed);
      assert.equal(errors.length, 1, `exactly one error event: ${failed.raw.slice(-400)}`);
      const [error] = errors as [Extract<ThreadStreamEvent, { type: 'error' }>];
      assert.match(error.message ?? '', fault.says);
      assert.equal(error.allow_retry, fault.retry);
      assert.equal(streamedText(failed), fault.partial ?? '', 'the user saw exactly the valid part');

      // The thread holds what the user saw — and nothing else.
      const items = await allItems(threadId);
      assert.deepEqual(
        items.map(summary),
        [
          'user: hello',
          'assistant: Hello, I see the chart.',
          'user: where is support?',
          ...(fault.partial ? [`assistant: ${fault.partial}`] : []),
        ],
      );

      upstream.enqueue(turn.text('Support ', 'is at 101.'));
      const next = await send(addMessage(threadId, 'try again'));
      assert.equal(next.status, 200, `thread not left busy: ${next.raw.slice(0, 200)}`);
      assert.deepEqual(errorsIn(next), []);
      assert.equal(streamedText(next), 'Support is at 101.');
      assert.equal((await allItems(threadId)).map(summary).at(-1), 'assistant: Support is at 101.');
    });
  }

  it('the upstream really saw the key, and no response ever carried it', () => {
    assert.ok(upstream.requests.every((r) => r.headers['authorization'] === `Bearer ${KEY}`));
    assert.ok(answers.length >= FAULTS.length * 4);
    for (const answer of answers) assert.ok(!answer.raw.includes(KEY) && !answer.raw.includes('LEAKCHECK'));
  });

  async function allItems(threadId: string): Promise<ThreadItem[]> {
    const answer = await send({ type: 'items.list', params: { thread_id: threadId, order: 'asc', limit: 100 } });
    assert.equal(answer.status, 200);
    return (answer.json as { data: ThreadItem[] }).data;
  }
});

function within<T>(ms: number, promise: Promise<T>, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out: ${what}`)), ms)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function errorsIn(answer: Answer): ThreadStreamEvent[] {
  return (answer.events ?? []).filter((e) => e.type === 'error');
}

function streamedText(answer: Answer): string {
  return (answer.events ?? [])
    .map((e) => (e.type === 'thread.item.updated' && e.update.type === 'assistant_message.content_part.text_delta' ? e.update.delta : ''))
    .join('');
}

function summary(item: ThreadItem): string {
  if (item.type === 'user_message') return `user: ${item.content.map((c) => c.text).join('')}`;
  if (item.type === 'assistant_message') return `assistant: ${item.content.map((c) => c.text).join('')}`;
  return item.type;
}
