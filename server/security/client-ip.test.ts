/**
 * Client addresses per runtime, and what happens when there is none: the per-IP limit skips
 * the request (never one bucket shared by every client) and the server says so once.
 * The real runtimes (Bun, Deno, workerd) are exercised by test/runtimes.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Hono } from 'hono';
import { createApp } from '../app.js';
import { createLogger } from '../log/logger.js';
import { EchoResponder } from '../responders/echo.js';
import { post } from '../test-support/chatkit-client.js';
import { listen } from '../test-support/listen.js';
import { clientAddress, detectRuntime } from './client-ip.js';

const LIST = { type: 'threads.list', params: {} };

describe('client addresses', () => {
  it('Node reports the socket address; X-Forwarded-For only counts behind a trusted proxy', async () => {
    assert.equal(detectRuntime(), 'node');
    const app = new Hono();
    const direct = clientAddress(false);
    const proxied = clientAddress(1);
    app.get('/ip', async (c) => c.json({ direct: (await direct(c)) ?? null, proxied: (await proxied(c)) ?? null }));
    const server = await listen(app);
    try {
      const seen = (await (await fetch(`${server.url}/ip`, { headers: { 'x-forwarded-for': '198.51.100.9, 203.0.113.5' } })).json()) as Record<string, string>;
      assert.deepEqual(seen, { direct: '127.0.0.1', proxied: '203.0.113.5' });
    } finally {
      await server.close();
    }
  });

  it("on Workers the address is Cloudflare's CF-Connecting-IP, and unknown without it", async () => {
    const app = new Hono();
    const address = clientAddress(false, 'workerd');
    app.get('/ip', async (c) => c.json({ ip: (await address(c)) ?? null }));
    assert.deepEqual(await (await app.request('/ip', { headers: { 'cf-connecting-ip': '2001:db8::7' } })).json(), { ip: '2001:db8::7' });
    assert.deepEqual(await (await app.request('/ip')).json(), { ip: null });
  });

  it('an unknown address skips the per-IP limit instead of sharing one bucket, and the server says so once', async () => {
    const lines: string[] = [];
    const logger = createLogger({ level: 'warn', sink: (line) => lines.push(line) });
    const app = createApp({ responder: new EchoResponder(), logger, rateLimit: { perIp: { capacity: 1, refillPerSecond: 0.001 }, perUser: false } });
    // app.request() has no socket: two different clients, no address for either.
    const first = await post(app, LIST, { 'X-Chart-Chat-Client': 'no-address-client-1-aaaaaaaaaaaaaaaaaaaa' });
    const second = await post(app, LIST, { 'X-Chart-Chat-Client': 'no-address-client-2-bbbbbbbbbbbbbbbbbbbb' });
    assert.deepEqual([first.status, second.status], [200, 200], 'the second client is not limited by the first');
    const warnings = lines.filter((line) => line.includes('per-IP rate limits skip such requests'));
    assert.equal(warnings.length, 1, lines.join('\n'));

    // With an address, the same limit applies per client.
    const server = await listen(app);
    try {
      const statuses = [];
      for (let i = 0; i < 2; i++) statuses.push((await post(server.url, LIST, { 'X-Chart-Chat-Client': 'with-address-client-cccccccccccccccccccc' })).status);
      assert.deepEqual(statuses, [200, 429]);
    } finally {
      await server.close();
    }
  });
});
