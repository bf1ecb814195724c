/**
 * ./responses-request.ts against the `openai` SDK it replaces on the request path: the same
 * upstream faults, sent to the local OpenAI-format stand-in, must end the same way — the same
 * error class, status and message after the same number of requests, or the same streamed text —
 * whether the request goes over the runtime's fetch or over chart-chat/server/node's `nodeFetch`
 * (what `npm start` uses). The reference is the SDK's `responses.create(…).asResponse()` over the
 * runtime's fetch.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { after, before, describe, it } from 'node:test';
import OpenAI from 'openai';
import { nodeFetch as createNodeFetch } from '../../node/node-fetch.js';
import { responseEvents } from './stream-events.js';
import { responsesRequest } from './responses-request.js';
import { startFakeOpenAI, step, turn, type FakeOpenAI } from '../../test-support/fake-openai.js';

interface Case {
  name: string;
  script: (upstream: FakeOpenAI) => void;
  maxRetries: number;
  timeout?: number;
  refused?: boolean;
}

const CASES: Case[] = [
  { name: '500, then an answer (retried)', script: (u) => u.enqueue(turn.status(500), turn.steps(step.text('a', 'b'))), maxRetries: 2 },
  { name: '429 until retries run out', script: (u) => u.enqueue(...[1, 2, 3].map(() => turn.status(429, { 'retry-after': '0' }))), maxRetries: 2 },
  { name: '429 with retry-after-ms, then an answer', script: (u) => u.enqueue(turn.status(429, { 'retry-after-ms': '5' }), turn.text('ok')), maxRetries: 1 },
  { name: '503 the upstream says not to retry', script: (u) => u.enqueue(turn.status(503, { 'x-should-retry': 'false' })), maxRetries: 2 },
  { name: '400 told to retry (x-should-retry), then an answer', script: (u) => u.enqueue(turn.status(400, { 'x-should-retry': 'true', 'retry-after': '0' }), turn.text('ok')), maxRetries: 1 },
  { name: '408, 409 retried', script: (u) => u.enqueue(turn.status(408, { 'retry-after': '0' }), turn.status(409, { 'retry-after': '0' }), turn.text('ok')), maxRetries: 2 },
  { name: '401 (not retried)', script: (u) => u.enqueue(turn.status(401, {}, 'bad key')), maxRetries: 2 },
  { name: '422 (not retried)', script: (u) => u.enqueue(turn.status(422)), maxRetries: 2 },
  { name: 'no headers in time, twice', script: (u) => u.enqueue(turn.hang(), turn.hang()), maxRetries: 1, timeout: 300 },
  { name: 'connection refused', script: () => undefined, maxRetries: 1, refused: true },
  { name: 'stream cut mid-answer', script: (u) => u.enqueue(turn.steps(step.text('x'), step.cut())), maxRetries: 0 },
  { name: 'malformed event', script: (u) => u.enqueue(turn.steps(step.text('x'), step.malformed())), maxRetries: 0 },
];

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

type Send = (c: Case, baseURL: string) => Promise<Response>;

describe('responses-request: every upstream fault ends as it does through the openai SDK', () => {
  let upstream: FakeOpenAI;
  let nodeFetch: typeof fetch;
  let refusedURL: string;
  before(async () => {
    upstream = await startFakeOpenAI();
    nodeFetch = createNodeFetch();
    refusedURL = `http://127.0.0.1:${await closedPort()}/v1`;
  });
  after(() => upstream.close());

  const body = { model: 'gpt-4.1-mini', input: 'hi', stream: true } as const;
  const viaSdk: Send = (c, baseURL) =>
    new OpenAI({ apiKey: 'sk-test-request', baseURL, maxRetries: c.maxRetries, timeout: c.timeout ?? 5_000, logLevel: 'off' }).responses.create(body).asResponse();
  const viaOwn =
    (fetchImpl?: typeof fetch): Send =>
    (c, baseURL) =>
      responsesRequest({ apiKey: 'sk-test-request', baseURL, maxRetries: c.maxRetries, timeoutMs: c.timeout ?? 5_000, ...(fetchImpl && { fetch: fetchImpl }) })(body, new AbortController().signal);

  async function outcome(send: Send, c: Case): Promise<string> {
    upstream.reset();
    c.script(upstream);
    try {
      const response = await send(c, c.refused ? refusedURL : upstream.baseURL);
      let text = '';
      for await (const events of responseEvents(response)) for (const event of events) if (event.type === 'response.output_text.delta') text += event.delta;
      return `answered "${text}" after ${upstream.requests.length} request(s)`;
    } catch (error) {
      const e = error as Error & { status?: number };
      return `${e.constructor.name} (status ${e.status}) "${e.message}" after ${upstream.requests.length} request(s)`;
    }
  }

  for (const c of CASES) {
    it(c.name, async () => {
      const reference = await outcome(viaSdk, c);
      assert.equal(await outcome(viaOwn(), c), reference, 'over the runtime fetch');
      assert.equal(await outcome(viaOwn(nodeFetch), c), reference, 'over nodeFetch');
    });
  }

  it('answers the plain case with the streamed text', async () => {
    assert.equal(await outcome(viaOwn(nodeFetch), CASES[0]!), 'answered "ab" after 2 request(s)');
  });

  it('sends the key, the JSON body and nothing the caller did not give', async () => {
    upstream.reset();
    upstream.enqueue(turn.text('ok'));
    const response = await responsesRequest({ apiKey: 'sk-test-request', baseURL: `${upstream.baseURL}/`, maxRetries: 0, timeoutMs: 5_000, fetch: nodeFetch })(body, new AbortController().signal);
    await response.text();
    const [request] = upstream.requests;
    assert.equal(request?.headers['authorization'], 'Bearer sk-test-request');
    assert.equal(request?.headers['content-type'], 'application/json');
    assert.deepEqual(request?.body, body);
  });

  for (const [transport, fetchImpl] of [['runtime fetch', undefined], ['nodeFetch', 'node']] as const) {
    it(`aborting the caller's signal mid-answer ends the body and the upstream request (${transport})`, async () => {
      upstream.reset();
      upstream.enqueue(turn.steps(step.text('first'), step.hang()));
      const controller = new AbortController();
      const response = await responsesRequest({ apiKey: 'sk-test-request', baseURL: upstream.baseURL, maxRetries: 0, timeoutMs: 5_000, ...(fetchImpl && { fetch: nodeFetch }) })(body, controller.signal);
      let text = '';
      for await (const events of responseEvents(response)) {
        for (const event of events) if (event.type === 'response.output_text.delta') text += event.delta;
        if (text === 'first') controller.abort();
      }
      assert.equal(text, 'first');
      await upstream.waitForAbort(0);
    });
  }

  it('stops waiting between retries when the caller aborts, with the abort error', async () => {
    upstream.reset();
    upstream.enqueue(turn.status(429, { 'retry-after': '30' }), turn.text('never'));
    const controller = new AbortController();
    const started = Date.now();
    setTimeout(() => controller.abort(), 100);
    const request = responsesRequest({ apiKey: 'sk-test-request', baseURL: upstream.baseURL, maxRetries: 2, timeoutMs: 5_000, fetch: nodeFetch })(body, controller.signal);
    await assert.rejects(request, OpenAI.APIUserAbortError);
    assert.ok(Date.now() - started < 2_000, 'did not sleep out the 30 s the upstream asked for');
    assert.equal(upstream.requests.length, 1);
  });
});
