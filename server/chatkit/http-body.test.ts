/**
 * Cheap refusals while reading a body: nesting depth is checked on the bytes as they arrive
 * (a hostile shape is refused before the rest is even read, never parsed), and a client that
 * goes away mid-body is a client abort logged at info, never a 500 with an error stack.
 */
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { describe, it } from 'node:test';
import { createApp } from '../app.js';
import { createLogger } from '../log/logger.js';
import { EchoResponder } from '../responders/echo.js';
import { TEST_CLIENT } from '../test-support/chatkit-client.js';
import { listen } from '../test-support/listen.js';
import { DepthScanner, MAX_JSON_DEPTH, readJsonBody } from './http-body.js';

describe('reading a JSON body', () => {
  it('counts depth outside strings only, across chunk boundaries', () => {
    const scan = (...parts: string[]) => {
      const scanner = new DepthScanner(3);
      return parts.some((part) => scanner.exceeded(new TextEncoder().encode(part)));
    };
    assert.equal(scan('[[[1]]]'), false);
    assert.equal(scan('[[[[1]]]]'), true);
    assert.equal(scan('["[[[[[", "\\"[[[[", {"a":"}}}}[[[["}]'), false, 'brackets in strings and escaped quotes do not count');
    assert.equal(scan('[[', '[', '[1]]]]'), true, 'depth carries across chunks');
    assert.equal(scan('[{"é":[', '"\\\\"]}]'), false);
    assert.equal(scan('["\\n[[[[", "\\u0022[[[["]'), false, 'an escape ends at the character it escapes');
    assert.equal(scan('["\\n", [[[1]]]]'), true, 'a string closed after an escape: what follows counts');
  });

  it('refuses deep nesting at the first chunk, drains the rest unscanned only up to the body cap, parses nothing', async () => {
    const chunk = new TextEncoder().encode('['.repeat(64 * 1024));
    let pulled = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled++;
        if (pulled > 200) controller.close(); // 12.8 MB offered
        else controller.enqueue(chunk);
      },
    });
    const request = new Request('http://localhost/api/chatkit', { method: 'POST', body, duplex: 'half' } as RequestInit);
    await assert.rejects(readJsonBody(request, 4 * 1024 * 1024), (error: { status: number; code: string; message: string }) => {
      assert.equal(error.status, 400);
      assert.equal(error.code, 'invalid_request');
      assert.match(error.message, new RegExp(`deeper than ${MAX_JSON_DEPTH}`));
      return true;
    });
    assert.ok(pulled <= 4 * 16 + 2, `read ${pulled} chunks of 200: the drain stops at the 4 MB cap`);
  });

  it('answers refused bodies over a real socket instead of resetting: 1 MB of "[" → 400, 2 MB → 413, many times on one client', async () => {
    const server = await listen(createApp({ responder: new EchoResponder(), log: () => {} }));
    try {
      const send = (body: string) =>
        fetch(`${server.url}/api/chatkit`, { method: 'POST', headers: { 'content-type': 'application/json', ...TEST_CLIENT }, body }).then(async (r) => ({
          status: r.status,
          code: ((await r.json()) as { error: { code: string } }).error.code,
        }));
      for (let i = 0; i < 5; i++) {
        assert.deepEqual(await send('['.repeat(1024 * 1024 - 10)), { status: 400, code: 'invalid_request' });
        assert.deepEqual(await send(`{"pad":"${'x'.repeat(2 * 1024 * 1024)}"}`), { status: 413, code: 'payload_too_large' });
      }
    } finally {
      await server.close();
    }
  });

  it('a client that aborts mid-body is logged at info as a client abort, with no error line or stack', async () => {
    const lines: Record<string, unknown>[] = [];
    const logger = createLogger({ level: 'info', sink: (line) => lines.push(JSON.parse(line) as Record<string, unknown>) });
    const server = await listen(createApp({ responder: new EchoResponder(), logger, log: (message) => lines.push({ level: 'error', msg: message }) }));
    try {
      const { port } = new URL(server.url);
      await new Promise<void>((resolve, reject) => {
        const socket = connect(Number(port), '127.0.0.1', () => {
          socket.write(
            `POST /api/chatkit HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/json\r\n` +
              `X-Chart-Chat-Client: ${TEST_CLIENT['x-chart-chat-client']}\r\nContent-Length: 100000\r\n\r\n{"type":"threads.create","params":{"input":`,
          );
          setTimeout(() => {
            socket.destroy();
            resolve();
          }, 100);
        });
        socket.on('error', reject);
      });
      const deadline = Date.now() + 5000;
      while (!lines.some((line) => line['msg'] === 'request') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      const request = lines.find((line) => line['msg'] === 'request');
      assert.ok(request, JSON.stringify(lines));
      assert.equal(request['level'], 'info');
      assert.equal(request['error_code'], 'client_abort');
      assert.deepEqual(lines.filter((line) => line['level'] === 'error'), [], 'no error line');
      assert.equal(JSON.stringify(lines).includes('stack'), false);
    } finally {
      await server.close();
    }
  });
});
