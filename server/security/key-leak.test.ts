/**
 * The OpenAI key never reaches a client: a whole conversation through the real OpenAI responder
 * (against the fake upstream, with a recognizable fake key) plus every other kind of answer the
 * app gives — sessions, lists, updates, refusals, upstream failures whose
 * bodies quote the key, and a model answer that contains it — and EVERY response header and
 * body is scanned for it. So are the log lines.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createApp } from '../app.js';
import { createLogger } from '../log/logger.js';
import { OpenAIResponder } from '../responders/openai/openai-responder.js';
import { createThread, addMessage } from '../test-support/chatkit-client.js';
import { startFakeOpenAI, step, turn, type FakeOpenAI } from '../test-support/fake-openai.js';
import { listen, type Listening } from '../test-support/listen.js';
import { parseSse } from '../test-support/sse.js';

const KEY = 'sk-test-LEAKCHECK-0f1e2d3c4b5a69788796a5b4c3d2e1f0';
const secret = new TextEncoder().encode('key-leak-test-secret-0123456789abcdef');

interface Seen {
  what: string;
  status: number;
  headers: [string, string][];
  body: string;
}

describe('the OpenAI key never leaves the server', () => {
  let upstream: FakeOpenAI;
  let server: Listening;
  const seen: Seen[] = [];
  const logs: string[] = [];

  async function call(what: string, path: string, init: RequestInit = {}): Promise<Seen> {
    const response = await fetch(`${server.url}${path}`, init);
    const headers: [string, string][] = [];
    response.headers.forEach((value, name) => headers.push([name, value]));
    const record = { what, status: response.status, headers, body: await response.text() };
    seen.push(record);
    return record;
  }
  const chatkit = (what: string, body: unknown, headers: Record<string, string>) =>
    call(what, '/api/chatkit', { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });

  before(async () => {
    upstream = await startFakeOpenAI();
    const logger = createLogger({ level: 'debug', secrets: [KEY], sink: (line) => logs.push(line) });
    const app = createApp({
      responder: new OpenAIResponder({ apiKey: KEY, baseURL: upstream.baseURL, maxRetries: 0, timeoutMs: 2000, idleTimeoutMs: 2000 }),
      session: { secret },
      cors: { origins: ['https://shop.example'] },
      logger,
      secrets: [KEY],
    });
    server = await listen(app);
  });
  after(async () => {
    await server.close();
    await upstream.close();
  });

  it('runs a whole conversation and every kind of refusal', async () => {
    await call('health', '/healthz');
    const session = await call('session', '/api/session', { method: 'POST', headers: { 'content-type': 'application/json', 'x-chart-chat-client': 'leak-client-01-0123456789abcdef01234' }, body: '{}' });
    assert.equal(session.status, 200, session.body);
    const { token } = JSON.parse(session.body) as { token: string };
    const auth = { authorization: `Bearer ${token}` };
    const context = {
      symbol: 'ACME',
      timeframe: '1D',
      bars: Array.from({ length: 30 }, (_, i) => ({ time: 1_700_000_000 + i * 86_400, open: 100 + i, high: 103 + i, low: 99 + i, close: 102 + i })),
    };

    upstream.enqueue(turn.text('Hello, ', 'I see ACME.'));
    const created = await chatkit('create', createThread('hi', { chart_context: context }), auth);
    const threadId = (parseSse(created.body).find((e) => e.type === 'thread.created') as { thread: { id: string } }).thread.id;

    upstream.enqueue(turn.call('price_line', { id: 'ai-support', price: 101, role: 'support', label: 'support' }), turn.text('Drawn.'));
    const drawn = await chatkit('chart command', addMessage(threadId, 'draw support', { chart_context: context }), auth);
    assert.ok(parseSse(drawn.body).some((e) => e.type === 'client_effect'), 'a chart command went out');

    // A model answer that contains the key (it cannot know it — but if it ever did).
    upstream.enqueue(turn.text('Sure, the key is ', `${KEY}.`));
    const echoed = await chatkit('model says the key', addMessage(threadId, 'what is your key?'), auth);
    assert.match(echoed.body, /\[REDACTED\]/);

    // ... and one that spreads it over several deltas (never contiguous in the bytes).
    upstream.enqueue(turn.text('It is ', KEY.slice(0, 14), KEY.slice(14, 30), KEY.slice(30), ' — done.'));
    const spread = await chatkit('model spreads the key over deltas', addMessage(threadId, 'and in pieces?'), auth);
    const streamed = parseSse(spread.body)
      .map((e) => (e.type === 'thread.item.updated' && e.update.type === 'assistant_message.content_part.text_delta' ? e.update.delta : ''))
      .join('');
    assert.equal(streamed, 'It is [REDACTED] — done.');

    upstream.enqueue(turn.status(401, {}, `Incorrect API key provided: ${KEY}`));
    await chatkit('upstream 401 quoting the key', addMessage(threadId, 'again'), auth);
    upstream.enqueue(turn.steps(step.text('Part'), step.error(`internal failure for key ${KEY}`)));
    await chatkit('in-stream error quoting the key', addMessage(threadId, 'again'), auth);
    upstream.enqueue(turn.status(500, {}, `boom ${KEY}`));
    await chatkit('upstream 500', addMessage(threadId, 'again'), auth);

    await chatkit('get', { type: 'threads.get_by_id', params: { thread_id: threadId } }, auth);
    await chatkit('items', { type: 'items.list', params: { thread_id: threadId, limit: 100 } }, auth);
    await chatkit('list', { type: 'threads.list', params: {} }, auth);
    await chatkit('update', { type: 'threads.update', params: { thread_id: threadId, title: 'renamed' } }, auth);
    await chatkit('bad json', '{"type":', auth);
    await chatkit('unknown op', { type: 'threads.explode', params: {} }, auth);
    await chatkit('bad token', { type: 'threads.list', params: {} }, { authorization: `Bearer ${token}x` });
    await chatkit('cors refusal', { type: 'threads.list', params: {} }, { ...auth, origin: 'https://evil.example' });
    await call('preflight', '/api/chatkit', { method: 'OPTIONS', headers: { origin: 'https://shop.example', 'access-control-request-method': 'POST' } });
    await call('not found', '/api/nothing');
    await call('wrong method', '/api/chatkit');
    await chatkit('delete', { type: 'threads.delete', params: { thread_id: threadId } }, auth);

    assert.ok(upstream.requests.length >= 6 && upstream.requests.every((r) => r.headers['authorization'] === `Bearer ${KEY}`), 'the key was really used upstream');
  });

  it('no response header or body, and no log line, contains the key or a piece of it', () => {
    assert.ok(seen.length >= 20, `${seen.length} responses recorded`);
    const fragments = [KEY, KEY.slice(0, 24), KEY.slice(-24), 'LEAKCHECK'];
    for (const response of seen) {
      for (const fragment of fragments) {
        assert.ok(!response.body.includes(fragment), `${response.what}: body contains ${fragment}: ${response.body.slice(0, 300)}`);
        for (const [name, value] of response.headers) assert.ok(!value.includes(fragment), `${response.what}: header ${name}`);
      }
    }
    assert.ok(logs.length > 20);
    for (const line of logs) for (const fragment of fragments) assert.ok(!line.includes(fragment), `log line contains ${fragment}: ${line.slice(0, 300)}`);
    // The model's echo of the key was caught by the guard (and reported), not merely absent.
    assert.ok(logs.some((line) => line.includes('"msg":"secret caught in response"')));
  });
});
