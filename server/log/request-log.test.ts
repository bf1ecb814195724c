import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createApp } from '../app.js';
import { EchoResponder } from '../responders/echo.js';
import { addMessage, createdThreadId, createThread, post } from '../test-support/chatkit-client.js';
import { listen } from '../test-support/listen.js';
import { readSse } from '../test-support/sse.js';
import { createLogger, type LogLevel } from './logger.js';

const secret = new TextEncoder().encode('log-test-secret-0123456789-abcdefghij');
const KEY = 'sk-test-LEAKCHECK-log-0123456789';
const USER_TEXT = 'my portfolio is 42 shares of ACME';
const chartContext = {
  symbol: 'ACME',
  timeframe: '1D',
  bars: [
    { time: 1_700_000_000, open: 10, high: 11, low: 9, close: 10.5 },
    { time: 1_700_086_400, open: 10.5, high: 12, low: 10, close: 11.5 },
  ],
};
const command = { type: 'price_line', id: 'sup-1', price: 10, role: 'support' };

function setup(level: LogLevel) {
  const lines: Record<string, unknown>[] = [];
  const raw: string[] = [];
  const logger = createLogger({
    level,
    secrets: [KEY],
    sink: (line) => {
      raw.push(line);
      lines.push(JSON.parse(line) as Record<string, unknown>);
    },
  });
  const app = createApp({ responder: new EchoResponder(), session: { secret }, logger, secrets: [KEY] });
  return { app, lines, raw };
}

async function conversation(app: ReturnType<typeof createApp>) {
  const session = await post(app, {}, { 'x-chart-chat-client': 'browser-1234abcd-0123456789abcdef01234' }, '/api/session');
  const token = (session.json as { token: string }).token;
  const auth = { authorization: `Bearer ${token}` };
  const created = await post(app, createThread(USER_TEXT, { chart_context: chartContext }), auth);
  const threadId = createdThreadId(created);
  await post(app, addMessage(threadId, `/effect ${JSON.stringify(command)}`), auth);
  await post(app, addMessage(threadId, '/tool get_chart_context {}'), auth);
  await post(app, addMessage(threadId, '/error'), auth);
  await post(app, { type: 'threads.get_by_id', params: { thread_id: threadId } }, auth);
  await post(app, { type: 'threads.list', params: {} }, { authorization: `Bearer ${token}tampered` });
  return { token, threadId };
}

describe('structured request and turn logs', () => {
  it('at info: one line per request and per turn with type, thread, user hash, duration, commands, tools, errors', async () => {
    const { app, lines, raw } = setup('info');
    const { token, threadId } = await conversation(app);

    const requests = lines.filter((l) => l['msg'] === 'request');
    const turns = lines.filter((l) => l['msg'] === 'turn');
    assert.equal(requests.length, 7);
    assert.equal(turns.length, 4);
    for (const line of lines) {
      assert.equal(typeof line['time'], 'string');
      assert.equal(line['level'] === 'info' || line['level'] === 'warn', true, JSON.stringify(line));
    }
    const userHashes = new Set(requests.filter((l) => l['status'] === 200).map((l) => l['user']));
    assert.equal(userHashes.size, 1);
    const [userHash] = userHashes;
    assert.match(String(userHash), /^u_[A-Za-z0-9_-]{16}$/);

    assert.deepEqual(
      requests.map((l) => [l['path'], l['type'], l['status']]),
      [
        ['/api/session', undefined, 200],
        ['/api/chatkit', 'threads.create', 200],
        ['/api/chatkit', 'threads.add_user_message', 200],
        ['/api/chatkit', 'threads.add_user_message', 200],
        ['/api/chatkit', 'threads.add_user_message', 200],
        ['/api/chatkit', 'threads.get_by_id', 200],
        ['/api/chatkit', undefined, 401],
      ],
    );
    assert.equal(requests[5]!['thread_id'], threadId);
    assert.equal(requests[6]!['error_code'], 'invalid_token');
    for (const request of requests) assert.equal(typeof request['duration_ms'], 'number');

    const [create, effect, tool, failed] = turns as [Record<string, unknown>, Record<string, unknown>, Record<string, unknown>, Record<string, unknown>];
    assert.equal(create['type'], 'threads.create');
    assert.equal(create['thread_id'], threadId, 'thread id learned from the stream');
    assert.equal(create['user'], userHash);
    assert.equal(create['outcome'], 'done');
    assert.deepEqual([effect['chart_commands'], effect['tool_calls']], [1, 0]);
    assert.deepEqual([tool['chart_commands'], tool['tool_calls']], [0, 1]);
    assert.equal(failed['error_code'], 'custom');
    assert.equal(failed['level'], 'warn');
    for (const turn of turns) {
      assert.equal(turn['thread_id'], threadId);
      assert.equal(typeof turn['duration_ms'], 'number');
      assert.ok((turn['events'] as number) > 0);
    }

    const all = raw.join('\n');
    for (const forbidden of [USER_TEXT, 'ACME', 'sup-1', token, token.split('.')[2]!, 'browser-1234abcd', KEY]) {
      assert.ok(!all.includes(forbidden), `info logs contain ${forbidden}`);
    }
  });

  it('at debug: the user text, the chart context received and the commands sent appear — still never a token', async () => {
    const { app, lines, raw } = setup('debug');
    const { token } = await conversation(app);
    const create = lines.find((l) => l['msg'] === 'request' && l['type'] === 'threads.create')!;
    assert.equal(create['text'], USER_TEXT);
    assert.deepEqual(create['chart_context'], {
      symbol: 'ACME',
      timeframe: '1D',
      bars: 2,
      last_bar: chartContext.bars[1],
    });
    const effectTurn = lines.find((l) => l['msg'] === 'turn' && l['chart_commands'] === 1)!;
    assert.deepEqual(effectTurn['commands'], [command]);
    const all = raw.join('\n');
    assert.ok(!all.includes(token) && !all.includes(token.split('.')[2]!));
  });

  it('a client that disconnects mid-stream is logged as a cancelled turn', async () => {
    const { app, lines } = setup('info');
    const listening = await listen(app);
    try {
      const controller = new AbortController();
      const response = await fetch(`${listening.url}/api/chatkit`, {
        method: 'POST',
        headers: { 'x-chart-chat-client': 'browser-1234abcd-0123456789abcdef01234' },
        body: JSON.stringify(createThread('/slow 400')),
        signal: controller.signal,
      });
      let seen = 0;
      for await (const event of readSse(response.body!)) {
        if (event.type === 'thread.item.updated' && ++seen === 3) break;
      }
      controller.abort();
      const deadline = Date.now() + 5000;
      while (!lines.some((l) => l['msg'] === 'turn') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      const turn = lines.find((l) => l['msg'] === 'turn');
      assert.equal(turn?.['outcome'], 'cancelled');
      assert.equal(turn?.['type'], 'threads.create');
    } finally {
      await listening.close();
    }
  });

  it('the default createApp logger is silent', async () => {
    const writes: unknown[] = [];
    const original = console.log;
    console.log = (...args: unknown[]) => void writes.push(args);
    try {
      await post(createApp({ responder: new EchoResponder() }), createThread('quiet'), { 'x-chart-chat-client': 'browser-1234abcd-0123456789abcdef01234' });
    } finally {
      console.log = original;
    }
    assert.deepEqual(writes, []);
  });
});
