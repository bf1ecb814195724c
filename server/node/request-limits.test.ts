/**
 * What the Node server refuses before the app, over real sockets with the whole app (short
 * limits so the test is quick): a client that trickles its headers or its body gets a 408 JSON
 * error and a closed connection, logged at info; connections over the cap are closed on
 * arrival and the server serves again once they are gone; and an SSE answer that lasts many
 * times the timeouts is never cut, because only receiving a request is timed.
 */
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { createApp } from '../app.js';
import { createLogger } from '../log/logger.js';
import { AssistantMessageWriter } from '../responders/kit/assistant-message.js';
import { createThread, post, TEST_CLIENT } from '../test-support/chatkit-client.js';
import { listen, type Listening } from '../test-support/listen.js';
import { ScriptedResponder } from '../test-support/scripted-responder.js';
import { readConfig } from '../config.js';
import type { RequestLimits } from './request-limits.js';

const LIMITS: RequestLimits = { headersTimeoutMs: 400, bodyTimeoutMs: 400, maxConnections: 6 };
/** How long the slow answer streams: several times both timeouts together. */
const STREAM_MS = 2_500;

interface Received {
  /** Everything the server sent before it closed. */
  text: string;
  /** When the connection closed, from the start of the exchange. */
  closedAfterMs: number;
}

/** Opens a raw connection; `trickle` writes one piece every `everyMs` until the server closes. */
function exchange(port: number, first: string, trickle: string, everyMs: number): Promise<Received> {
  return new Promise((resolve) => {
    const started = Date.now();
    const chunks: Buffer[] = [];
    const socket = connect(port, '127.0.0.1', () => socket.write(first));
    const timer = setInterval(() => {
      if (socket.writable) socket.write(trickle);
    }, everyMs);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearInterval(timer);
      resolve({ text: Buffer.concat(chunks).toString('utf8'), closedAfterMs: Date.now() - started });
    });
  });
}

function errorOf(text: string): { status: number; code?: string; message?: string; connection?: string } {
  const [head = '', body = ''] = text.split('\r\n\r\n');
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? -1);
  const connection = /\r\nconnection: ([^\r]*)/i.exec(head)?.[1];
  const error = (JSON.parse(body) as { error: { code?: string; message?: string } }).error;
  return { status, ...error, ...(connection !== undefined && { connection }) };
}

describe('the Node server refuses slow clients and connections over the cap', () => {
  let server: Listening;
  const lines: { level: string; msg: string; [field: string]: unknown }[] = [];
  const appErrors: string[] = [];

  // A slow answer: one text delta every 100 ms for STREAM_MS.
  const responder = new ScriptedResponder(async function* (thread, _input, ctx) {
    const message = new AssistantMessageWriter(thread.id, ctx);
    for (let i = 0; i < STREAM_MS / 100; i++) {
      await sleep(100);
      yield* message.delta(`tick ${i} `);
    }
    yield* message.finish();
  });

  before(async () => {
    const logger = createLogger({ level: 'info', sink: (line) => lines.push(JSON.parse(line) as (typeof lines)[number]) });
    server = await listen(createApp({ responder, logger, log: (message) => appErrors.push(message) }), { limits: LIMITS, logger });
  });
  after(() => server.close());

  it('answers a client that trickles its headers with 408 and closes, at info', async () => {
    const started = lines.length;
    const received = await exchange(server.port, 'POST /api/chatkit HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ', 'a', 50);
    assert.deepEqual(errorOf(received.text), { status: 408, code: 'request_timeout', message: 'the request headers took too long', connection: 'close' });
    assert.ok(received.closedAfterMs >= LIMITS.headersTimeoutMs, `cut after ${received.closedAfterMs} ms`);
    assert.ok(received.closedAfterMs < LIMITS.headersTimeoutMs + 3_000, `cut after ${received.closedAfterMs} ms`);
    const logged = lines.slice(started);
    assert.deepEqual(logged.map((l) => [l.level, l.msg, l['phase']]), [['info', 'request timeout', 'headers']]);
  });

  it('answers a client that trickles its body with 408 and closes, at info', async () => {
    const started = lines.length;
    const head =
      `POST /api/chatkit HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n` +
      `X-Chart-Chat-Client: ${TEST_CLIENT['x-chart-chat-client']}\r\nContent-Length: 10000\r\n\r\n{"type":"threads.list","params":{"pad":"`;
    const received = await exchange(server.port, head, 'x', 50);
    assert.deepEqual(errorOf(received.text), { status: 408, code: 'request_timeout', message: 'the request body took too long', connection: 'close' });
    assert.ok(received.closedAfterMs >= LIMITS.bodyTimeoutMs, `cut after ${received.closedAfterMs} ms`);
    const logged = lines.slice(started);
    assert.deepEqual(
      logged.filter((l) => l.msg === 'request timeout').map((l) => [l.level, l['phase'], l['path']]),
      [['info', 'body', '/api/chatkit']],
    );
    // The app saw at most a client that went away (a client abort at info), never an error.
    assert.deepEqual(logged.filter((l) => l.level !== 'info' && l.level !== 'debug'), []);
    assert.deepEqual(appErrors, []);
  });

  it('never hands the app a request whose body came too late, even when it completes after the 408', async () => {
    const body = JSON.stringify(createThread('too late'));
    const half = Math.floor(body.length / 2);
    const answer = await new Promise<string>((resolve) => {
      const socket = connect(server.port, '127.0.0.1', () =>
        socket.write(
          `POST /api/chatkit HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n` +
            `X-Chart-Chat-Client: ${TEST_CLIENT['x-chart-chat-client']}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body.slice(0, half)}`,
        ),
      );
      const chunks: Buffer[] = [];
      socket.on('error', () => undefined);
      socket.once('data', () => socket.write(body.slice(half))); // the rest, once the 408 is in
      socket.on('data', (chunk: Buffer) => chunks.push(chunk));
      socket.on('close', () => resolve(Buffer.concat(chunks).toString('utf8')));
    });
    assert.equal(errorOf(answer).status, 408);
    await sleep(200);
    assert.equal(responder.calls.length, 0, 'the responder was never asked');
    const threads = await post(server.url, { type: 'threads.list', params: {} });
    assert.deepEqual((threads.json as { data: unknown[] }).data, [], 'no thread was created');
  });

  it('closes connections over the cap on arrival, and serves again once they are gone', async () => {
    const idle: Socket[] = [];
    try {
      for (let i = 0; i < LIMITS.maxConnections; i++) {
        const socket = connect(server.port, '127.0.0.1');
        socket.on('error', () => undefined);
        await new Promise((resolve) => socket.once('connect', resolve));
        idle.push(socket);
      }
      await sleep(50); // the server has accepted them all
      // One more: closed before a byte of it is read, whatever it sends.
      const over = await exchange(server.port, `GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`, '', 1_000);
      assert.equal(over.text, '');
      assert.ok(over.closedAfterMs < 1_000, `closed after ${over.closedAfterMs} ms`);
      assert.ok(lines.some((l) => l.level === 'info' && l.msg === 'connections refused: at the cap' && l['max_connections'] === LIMITS.maxConnections));
    } finally {
      for (const socket of idle) socket.destroy();
    }
    await sleep(100);
    const health = await fetch(`${server.url}/healthz`);
    assert.equal(health.status, 200);
  });

  it('cuts idle connections that never send a request at the headers timeout, freeing their places', async () => {
    // All places but one: fetch keeps its connection from the test before alive.
    const idle = await Promise.all(Array.from({ length: LIMITS.maxConnections - 1 }, () => exchange(server.port, '', '', 60_000)));
    for (const received of idle) {
      assert.equal(errorOf(received.text).status, 408);
      assert.ok(received.closedAfterMs < LIMITS.headersTimeoutMs + 3_000);
    }
    assert.equal((await fetch(`${server.url}/healthz`)).status, 200);
  });

  it(`streams an answer of ${STREAM_MS} ms (several times the timeouts) to its end`, async () => {
    const started = Date.now();
    const answer = await post(server.url, createThread('a slow answer please'));
    const elapsed = Date.now() - started;
    assert.equal(answer.status, 200);
    assert.ok(elapsed >= STREAM_MS, `streamed for ${elapsed} ms`);
    const done = answer.events?.find((e) => e.type === 'thread.item.done' && e.item.type === 'assistant_message');
    assert.ok(done && done.type === 'thread.item.done' && done.item.type === 'assistant_message');
    const text = done.item.content.map((part) => part.text).join('');
    assert.equal(text, Array.from({ length: STREAM_MS / 100 }, (_, i) => `tick ${i} `).join(''));
  });
});

describe('the request limits come from the one config', () => {
  it('reads HEADERS_TIMEOUT_MS, BODY_TIMEOUT_MS and MAX_CONNECTIONS, about 30 s each by default', () => {
    assert.deepEqual(readConfig({}, { sink: () => {} }).limits, { headersTimeoutMs: 30_000, bodyTimeoutMs: 30_000, maxConnections: 1000 });
    assert.deepEqual(readConfig({ HEADERS_TIMEOUT_MS: '5000', BODY_TIMEOUT_MS: '60000', MAX_CONNECTIONS: '0' }, { sink: () => {} }).limits, {
      headersTimeoutMs: 5000,
      bodyTimeoutMs: 60_000,
      maxConnections: 0,
    });
    assert.throws(() => readConfig({ BODY_TIMEOUT_MS: '0' }, { sink: () => {} }), /BODY_TIMEOUT_MS must be > 0/);
    assert.throws(() => readConfig({ MAX_CONNECTIONS: 'many' }, { sink: () => {} }), /MAX_CONNECTIONS must be a whole number/);
  });
});
