/** The fake upstream, consumed by the real `openai` SDK: shapes, errors and recording. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import OpenAI from 'openai';
import { startFakeOpenAI, step, turn, type FakeOpenAI } from './fake-openai.js';

describe('fake-openai with the real openai SDK', () => {
  let upstream: FakeOpenAI;
  let client: OpenAI;
  before(async () => {
    upstream = await startFakeOpenAI();
    client = new OpenAI({ apiKey: 'sk-test-key', baseURL: upstream.baseURL, maxRetries: 0, timeout: 10_000, logLevel: 'off' });
  });
  after(() => upstream.close());

  it('streams text deltas that responses.create({stream:true}) yields in order', async () => {
    upstream.enqueue(turn.text('Hel', 'lo ', 'world'));
    const stream = await client.responses.create({ model: 'gpt-4.1-mini', input: 'hi', stream: true });
    const types: string[] = [];
    const deltas: string[] = [];
    for await (const event of stream) {
      types.push(event.type);
      if (event.type === 'response.output_text.delta') deltas.push(event.delta);
    }
    assert.deepEqual(deltas, ['Hel', 'lo ', 'world']);
    assert.equal(types[0], 'response.created');
    assert.equal(types.at(-1), 'response.completed');
    const last = upstream.requests.at(-1)!;
    assert.equal(last.path, '/v1/responses');
    assert.equal(last.body.stream, true);
    assert.equal(last.body.input, 'hi');
    assert.equal(last.headers['authorization'], 'Bearer sk-test-key');
  });

  it('passes the ResponseStream accumulator (text and function calls)', async () => {
    upstream.enqueue(turn.steps(step.text('Drawing. '), step.call('price_line', { id: 'a', price: 10, role: 'level' }, { callId: 'call_1', chunks: 4 })));
    const final = await client.responses.stream({ model: 'm', input: 'x' }).finalResponse();
    assert.equal(final.output_text, 'Drawing. ');
    const call = final.output.find((o) => o.type === 'function_call');
    assert.ok(call && call.type === 'function_call');
    assert.equal(call.call_id, 'call_1');
    assert.deepEqual(JSON.parse(call.arguments), { id: 'a', price: 10, role: 'level' });
  });

  it('answers scripted HTTP errors as the SDK error classes', async () => {
    upstream.enqueue(turn.status(401), turn.status(429, { 'retry-after': '1' }), turn.status(500));
    await assert.rejects(client.responses.create({ model: 'm', input: 'x', stream: true }), OpenAI.AuthenticationError);
    await assert.rejects(client.responses.create({ model: 'm', input: 'x', stream: true }), OpenAI.RateLimitError);
    await assert.rejects(client.responses.create({ model: 'm', input: 'x', stream: true }), OpenAI.InternalServerError);
  });

  it('cuts, corrupts, fails and hangs streams on cue', async () => {
    const drain = async () => {
      const events: string[] = [];
      for await (const e of await client.responses.create({ model: 'm', input: 'x', stream: true })) events.push(e.type);
      return events;
    };
    upstream.enqueue(turn.steps(step.text('a'), step.cut()));
    await assert.rejects(drain());
    upstream.enqueue(turn.steps(step.text('a'), step.cut('end')));
    assert.equal((await drain()).includes('response.completed'), false);
    upstream.enqueue(turn.steps(step.malformed()));
    await assert.rejects(drain(), SyntaxError);
    upstream.enqueue(turn.steps(step.text('a'), step.error('boom')));
    assert.equal((await drain()).at(-1), 'error');
    upstream.enqueue(turn.steps(step.failed()));
    assert.equal((await drain()).at(-1), 'response.failed');
    upstream.enqueue(turn.hang());
    const index = upstream.requests.length;
    await assert.rejects(client.responses.create({ model: 'm', input: 'x', stream: true }, { timeout: 200 }), OpenAI.APIConnectionTimeoutError);
    await upstream.waitForAbort(index);
    assert.equal(upstream.requests[index]!.clientAborted, true);
  });

  it('fails loudly when a test under-scripts', async () => {
    assert.equal(upstream.pending, 0);
    await assert.rejects(client.responses.create({ model: 'm', input: 'x', stream: true }), (error: unknown) => {
      assert.ok(error instanceof OpenAI.InternalServerError);
      assert.match(String(error.message), /no scripted turn/);
      return true;
    });
  });

  it('answers a default turn when the queue is empty, and resets', async () => {
    upstream.setDefault(turn.text('default'));
    try {
      const answers = await Promise.all(
        [1, 2, 3].map(async () => {
          let text = '';
          for await (const e of await client.responses.create({ model: 'm', input: 'x', stream: true })) if (e.type === 'response.output_text.delta') text += e.delta;
          return text;
        }),
      );
      assert.deepEqual(answers, ['default', 'default', 'default']);
    } finally {
      upstream.setDefault(null);
    }
    upstream.enqueue(turn.text('queued'));
    upstream.reset();
    assert.equal(upstream.pending, 0);
    assert.equal(upstream.requests.length, 0);
  });
});
