/**
 * The SDK over ./node-fetch.ts (what `npm start` passes as the OpenAI responder's `fetch`) behaves as it does over the runtime's fetch (undici): the same
 * upstream faults, sent to the local OpenAI-format stand-in, end the same way — retries,
 * timeouts, status errors, a refused connection, a stream cut mid-answer, a malformed event.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { after, before, describe, it } from 'node:test';
import OpenAI from 'openai';
import { nodeFetch as createNodeFetch } from './node-fetch.js';
import { responseEvents } from '../responders/openai/stream-events.js';
import { startFakeOpenAI, step, turn, type FakeOpenAI } from '../test-support/fake-openai.js';

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
  { name: '401 (not retried)', script: (u) => u.enqueue(turn.status(401, {}, 'bad key')), maxRetries: 2 },
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

describe('node-fetch: the SDK ends every upstream fault as it does over the runtime fetch', () => {
  let upstream: FakeOpenAI;
  let nodeFetch: typeof fetch;
  let refusedURL: string;
  before(async () => {
    upstream = await startFakeOpenAI();
    nodeFetch = createNodeFetch();
    refusedURL = `http://127.0.0.1:${await closedPort()}/v1`;
  });
  after(() => upstream.close());

  async function outcome(fetchImpl: typeof fetch, c: Case): Promise<string> {
    upstream.reset();
    c.script(upstream);
    const client = new OpenAI({ apiKey: 'sk-test-node-fetch', baseURL: c.refused ? refusedURL : upstream.baseURL, maxRetries: c.maxRetries, timeout: c.timeout ?? 5_000, fetch: fetchImpl, logLevel: 'off' });
    try {
      const response = await client.responses.create({ model: 'gpt-4.1-mini', input: 'hi', stream: true }).asResponse();
      let text = '';
      for await (const events of responseEvents(response)) for (const event of events) if (event.type === 'response.output_text.delta') text += event.delta;
      return `answered "${text}" after ${upstream.requests.length} request(s)`;
    } catch (error) {
      const e = error as Error & { status?: number };
      return `${e.constructor.name} (status ${e.status}) "${e.message}" after ${upstream.requests.length} request(s)`;
    }
  }

  it('is the fetch model requests use on Node', () => {
    assert.equal(typeof nodeFetch, 'function');
  });

  for (const c of CASES) {
    it(c.name, async () => {
      const viaRuntime = await outcome(globalThis.fetch, c);
      const viaNode = await outcome(nodeFetch, c);
      assert.equal(viaNode, viaRuntime);
    });
  }

  it('answers the plain case with the streamed text', async () => {
    assert.equal(await outcome(nodeFetch, CASES[0]!), 'answered "ab" after 2 request(s)');
  });
});
