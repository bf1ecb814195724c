/**
 * `POST /api/chatkit/chart-action` through the real app: the same responder and validation as
 * the ChatKit endpoint, one answer as JSON, nothing stored.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createApp } from '../app.js';
import { findLevels } from '../analysis/index.js';
import { barsFromPath } from '../analysis/synthetic.js';
import { AnalystResponder } from '../responders/analyst/analyst.js';
import { EchoResponder } from '../responders/echo.js';
import { MemoryStore } from '../store/memory-store.js';
import { APPLY_COMMANDS_TOOL } from '../../sdk/contract/index.js';
import { OpenAIResponder } from '../responders/openai/openai-responder.js';
import { createThread, post } from '../test-support/chatkit-client.js';
import { startFakeOpenAI, turn } from '../test-support/fake-openai.js';
import { assistantDone, ScriptedResponder } from '../test-support/scripted-responder.js';
import { listen } from '../test-support/listen.js';
import { assistantMessages, chartCommands, chartContext } from '../test-support/responder-assertions.js';

const USER = { 'X-Chart-Chat-Client': 'chart-action-user-0123456789abcdef01234' };
const PATH = '/api/chatkit/chart-action';
const triangle = (i: number) => {
  const phase = (i % 40) / 40;
  return 100 + 20 * (phase < 0.5 ? phase * 2 : 2 - phase * 2);
};
/** Ranges 100..120: a planted floor and ceiling. */
const BARS = barsFromPath(311, triangle, { seed: 11, noise: 0.4, wick: 0.8, floor: () => 100, ceiling: () => 120 });
const CONTEXT = chartContext(BARS);

type ErrorBody = { error: { code: string; message: string } };

describe('POST /api/chatkit/chart-action', () => {
  it('answers {text, chart_commands} exactly as a ChatKit turn of the same responder would, over a real socket, storing nothing', async () => {
    const store = new MemoryStore();
    const server = await listen(createApp({ responder: new AnalystResponder({ chunkDelayMs: 0 }), store }));
    try {
      const query = 'Find support and resistance levels';
      const action = await post(server.url, { query, chart_context: CONTEXT }, USER, PATH);
      assert.equal(action.status, 200, action.raw);
      assert.match(action.contentType, /^application\/json/);
      const { text, chart_commands } = action.json as { text: string; chart_commands: { type: string; price: number; role: string }[] };
      const levels = findLevels(BARS, { perSide: 3 });
      assert.deepEqual(
        chart_commands.map((command) => [command.type, command.role, command.price]),
        [...levels.support.map((l) => ['price_line', 'support', l.price]), ...levels.resistance.map((l) => ['price_line', 'resistance', l.price])],
      );
      assert.deepEqual((await store.loadThreads('client:chart-action-user-0123456789abcdef01234', { limit: 10, order: 'desc' })).data, [], 'no thread was stored');

      const turn = await post(server.url, createThread(query, { chart_context: CONTEXT }), USER);
      assert.equal(text, assistantMessages(turn.events!)[0]!.text);
      assert.deepEqual(chart_commands, chartCommands(turn.events!));
    } finally {
      await server.close();
    }
  });

  it('passes on only valid commands (validated against the contract), and the answer text', async () => {
    const app = createApp({ responder: new EchoResponder() });
    const valid = { type: 'price_line', id: 'l1', price: 101.5, role: 'support' };
    const ok = await post(app, { query: `/effect ${JSON.stringify(valid)}`, chart_context: CONTEXT }, USER, PATH);
    assert.equal(ok.status, 200, ok.raw);
    assert.deepEqual(ok.json, { text: 'ok', chart_commands: [valid] });
    const invalid = await post(app, { query: '/effect {"type":"price_line","id":"l1","price":-5,"role":"support"}', chart_context: CONTEXT }, USER, PATH);
    assert.deepEqual(invalid.json, { text: 'ok', chart_commands: [] });
    const chat = await post(app, { query: 'hello', chart_context: CONTEXT }, USER, PATH);
    assert.deepEqual(chat.json, { text: 'You said: hello [chart: TSLA 1D, 311 bars]', chart_commands: [] });
  });

  it('the OpenAI responder answers through the real SDK and a local upstream: its drawing call comes back as a command, the context went along', async () => {
    const upstream = await startFakeOpenAI();
    try {
      const responder = new OpenAIResponder({ apiKey: 'sk-test', baseURL: upstream.baseURL, maxRetries: 0, timeoutMs: 10_000 });
      const app = createApp({ responder, log: () => undefined });
      upstream.enqueue(turn.call('price_line', { id: 'lvl-1', price: 110, role: 'support', label: 'floor' }), turn.text('Support at 110.'));
      upstream.enqueue(turn.text('Drawn: support at 110.'));
      const answer = await post(app, { query: 'Find levels', chart_context: CONTEXT }, USER, PATH);
      assert.equal(answer.status, 200, answer.raw);
      const { text, chart_commands } = answer.json as { text: string; chart_commands: { type: string; id: string; price: number }[] };
      assert.deepEqual(chart_commands.map((c) => [c.type, c.id, c.price]), [['price_line', 'lvl-1', 110]]);
      assert.match(text, /110/);
      const sent = JSON.stringify(upstream.requests[0]!.body.input);
      assert.ok(sent.includes('Find levels') && sent.includes('TSLA'), 'the query and the chart context reached the model');
    } finally {
      await upstream.close();
    }
  });

  it('a batch handed to the page as the apply_chart_commands client tool is the answer (valid commands only)', async () => {
    const valid = { type: 'zone', id: 'z1', top: 120, bottom: 115 };
    const responder = new ScriptedResponder(async function* (thread, _input, ctx) {
      yield assistantDone(thread, ctx, 'Here is the range.');
      yield {
        type: 'thread.item.done',
        item: { type: 'client_tool_call', id: ctx.newItemId('client_tool_call'), thread_id: thread.id, created_at: ctx.now(), status: 'pending', call_id: 'apply_1', name: APPLY_COMMANDS_TOOL, arguments: { commands: [valid, { type: 'zone', id: 'bad' }] } },
      };
    });
    const answer = await post(createApp({ responder }), { query: 'range?', chart_context: CONTEXT }, USER, PATH);
    assert.deepEqual(answer.json, { text: 'Here is the range.', chart_commands: [valid] });
    assert.equal(responder.calls[0]!.ctx.chartContext?.symbol, 'TSLA');
  });

  it('refuses bad input with 4xx JSON errors that never echo the body', async () => {
    const app = createApp({ responder: new EchoResponder(), maxBodyBytes: 64 * 1024 });
    const cases: [string, unknown, number, string][] = [
      ['no query', { chart_context: CONTEXT }, 400, 'invalid_request'],
      ['blank query', { query: '   ', chart_context: CONTEXT }, 400, 'invalid_request'],
      ['query not a string', { query: ['hi'], chart_context: CONTEXT }, 400, 'invalid_request'],
      ['query too long', { query: 'x'.repeat(4001), chart_context: CONTEXT }, 400, 'invalid_request'],
      ['no chart context', { query: 'levels?' }, 400, 'invalid_request'],
      ['bad chart context', { query: 'levels?', chart_context: { symbol: 'SECRET-SYMBOL', timeframe: '1D', bars: 'nope' } }, 400, 'invalid_chart_context'],
      ['not an object', ['levels?'], 400, 'invalid_request'],
      ['not JSON', '{"query": "levels?"', 400, 'invalid_json'],
      ['too large', { query: 'levels?', chart_context: CONTEXT, pad: 'x'.repeat(70 * 1024) }, 413, 'payload_too_large'],
    ];
    for (const [name, body, status, code] of cases) {
      const answer = await post(app, body, USER, PATH);
      assert.equal(answer.status, status, `${name}: ${answer.raw}`);
      assert.equal((answer.json as ErrorBody).error.code, code, name);
      assert.equal(answer.raw.includes('SECRET-SYMBOL'), false, `${name}: the body is not echoed`);
    }
    const get = await app.request(PATH, { headers: USER });
    assert.deepEqual([get.status, get.headers.get('allow'), ((await get.json()) as ErrorBody).error.code], [405, 'POST', 'method_not_allowed']);
  });

  it('a failing responder is a 502 JSON error (its user-facing message only)', async () => {
    const app = createApp({ responder: new EchoResponder(), log: () => undefined });
    const answer = await post(app, { query: '/error', chart_context: CONTEXT }, USER, PATH);
    assert.deepEqual([answer.status, answer.json], [502, { error: { code: 'assistant_failed', message: 'echo error' } }]);
  });

  it('is authenticated and rate-limited like the ChatKit endpoint', async () => {
    const secret = crypto.getRandomValues(new Uint8Array(32));
    const secured = createApp({ responder: new EchoResponder(), session: { secret, requireSession: true } });
    const refused = await post(secured, { query: 'hi', chart_context: CONTEXT }, USER, PATH);
    assert.deepEqual([refused.status, (refused.json as ErrorBody).error.code], [401, 'session_required']);
    const { token } = (await post(secured, {}, USER, '/api/session')).json as { token: string };
    const allowed = await post(secured, { query: 'hi', chart_context: CONTEXT }, { authorization: `Bearer ${token}` }, PATH);
    assert.equal(allowed.status, 200, allowed.raw);

    const limited = createApp({ responder: new EchoResponder(), rateLimit: { perIp: false, perUser: { capacity: 2, refillPerSecond: 0.001 } } });
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await post(limited, { query: 'hi', chart_context: CONTEXT }, USER, PATH)).status);
    // The chat and the chart action draw from the same per-user bucket.
    statuses.push((await post(limited, createThread('hi'), USER)).status);
    assert.deepEqual(statuses, [200, 200, 429, 429]);
  });
});
