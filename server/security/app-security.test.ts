import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createApp, type AppOptions } from '../app.js';
import { EchoResponder } from '../responders/echo.js';
import { createThread, post } from '../test-support/chatkit-client.js';
import { listen } from '../test-support/listen.js';
import { parseCorsOrigins } from './cors.js';

const client = { 'x-chart-chat-client': 'browser-1234abcd-0123456789abcdef01234' };
const list = { type: 'threads.list', params: {} };
const app = (extra: Partial<AppOptions> = {}) => createApp({ responder: new EchoResponder(), ...extra });

describe('CORS allow-list', () => {
  const server = app({ cors: { origins: ['https://shop.example', 'http://localhost:5173'] }, allowedHosts: ['chat.example'] });

  it('answers a preflight from an allowed origin for the headers the element sends', async () => {
    const response = await server.request('/api/chatkit', {
      method: 'OPTIONS',
      headers: { origin: 'https://shop.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,authorization,x-chart-chat-client' },
    });
    assert.equal(response.status, 204);
    assert.equal(response.headers.get('access-control-allow-origin'), 'https://shop.example');
    assert.match(response.headers.get('access-control-allow-methods') ?? '', /POST/);
    const allowed = (response.headers.get('access-control-allow-headers') ?? '').split(/,\s*/);
    for (const header of ['content-type', 'authorization', 'x-chart-chat-client']) assert.ok(allowed.includes(header), header);
    assert.match(response.headers.get('vary') ?? '', /Origin/);
  });

  it('echoes the exact allowed origin on real requests, never *', async () => {
    const response = await server.request('/api/chatkit', { method: 'POST', headers: { origin: 'http://localhost:5173', ...client }, body: JSON.stringify(list) });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('access-control-allow-origin'), 'http://localhost:5173');
    assert.equal(response.headers.get('access-control-allow-credentials'), null);
    assert.match(response.headers.get('access-control-expose-headers') ?? '', /retry-after/);
    const withCredentials = app({ cors: { origins: ['https://shop.example'], credentials: true } });
    const credentialed = await withCredentials.request('/api/chatkit', { method: 'POST', headers: { origin: 'https://shop.example', ...client }, body: JSON.stringify(list) });
    assert.equal(credentialed.headers.get('access-control-allow-origin'), 'https://shop.example');
    assert.equal(credentialed.headers.get('access-control-allow-credentials'), 'true');
  });

  it('refuses other origins before any work, preflight or not', async () => {
    for (const origin of ['https://evil.example', 'https://shop.example.evil.example', 'http://shop.example', 'null']) {
      const preflight = await server.request('/api/chatkit', { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST' } });
      assert.equal(preflight.status, 403, origin);
      assert.equal(preflight.headers.get('access-control-allow-origin'), null);
      // A "simple" text/plain POST skips the preflight in browsers: it must be refused too.
      const simple = await server.request('/api/chatkit', { method: 'POST', headers: { origin, 'content-type': 'text/plain', ...client }, body: JSON.stringify(createThread('x')) });
      assert.equal(simple.status, 403, origin);
      assert.equal(((await simple.json()) as { error: { code: string } }).error.code, 'origin_not_allowed');
    }
  });

  it('lets same-origin and origin-less requests through', async () => {
    const same = await server.request('http://chat.example:8080/api/chatkit', { method: 'POST', headers: { origin: 'http://chat.example:8080', ...client }, body: JSON.stringify(list) });
    assert.equal(same.status, 200);
    assert.equal((await server.request('/api/chatkit', { method: 'POST', headers: client, body: JSON.stringify(list) })).status, 200);
  });

  it('CORS_ORIGINS parsing refuses wildcards and non-origins', () => {
    assert.deepEqual(parseCorsOrigins('https://a.example, http://localhost:3000 https://b.example/'), ['https://a.example', 'http://localhost:3000', 'https://b.example']);
    assert.deepEqual(parseCorsOrigins(undefined), []);
    for (const bad of ['*', 'a.example', 'https://a.example/path', 'https://*.example']) assert.throws(() => parseCorsOrigins(bad), bad);
    assert.throws(() => app({ cors: { origins: ['*'] } }));
  });
});

describe('rate limits', () => {
  it('per IP (socket address): 429 with Retry-After and the JSON error; X-Forwarded-For is ignored by default', async () => {
    const secret = new TextEncoder().encode('rate-limit-test-secret-0123456789abcdef');
    const listening = await listen(app({ session: { secret }, rateLimit: { perIp: { capacity: 3, refillPerSecond: 0.1 }, perUser: false } }));
    try {
      const statuses: number[] = [];
      statuses.push((await post(listening.url, {}, client, '/api/session')).status);
      for (let i = 0; i < 2; i++) statuses.push((await post(listening.url, list, { ...client, 'x-forwarded-for': `10.0.0.${i}` })).status);
      assert.deepEqual(statuses, [200, 200, 200]);
      const limited = await fetch(`${listening.url}/api/chatkit`, { method: 'POST', headers: { ...client, 'x-forwarded-for': '10.9.9.9' }, body: JSON.stringify(list) });
      assert.equal(limited.status, 429);
      const retryAfter = Number(limited.headers.get('retry-after'));
      assert.ok(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 10, `retry-after ${retryAfter}`);
      assert.equal(((await limited.json()) as { error: { code: string } }).error.code, 'rate_limited');
      // The session endpoint shares the IP bucket.
      assert.equal((await post(listening.url, {}, {}, '/api/session')).status, 429);
    } finally {
      await listening.close();
    }
  });

  it('behind a trusted proxy each forwarded client has its own bucket', async () => {
    const listening = await listen(app({ trustProxy: true, rateLimit: { perIp: { capacity: 2, refillPerSecond: 0.1 }, perUser: false } }));
    try {
      const as = (ip: string) => post(listening.url, list, { ...client, 'x-forwarded-for': `203.0.113.50, ${ip}` }).then((a) => a.status);
      assert.deepEqual([await as('198.51.100.1'), await as('198.51.100.1'), await as('198.51.100.1')], [200, 200, 429]);
      assert.equal(await as('198.51.100.2'), 200);
    } finally {
      await listening.close();
    }
  });

  it('per user: one user hitting the limit does not limit another', async () => {
    const server = app({ rateLimit: { perUser: { capacity: 2, refillPerSecond: 0.1 }, perIp: false } });
    const as = (id: string) => post(server, list, { 'x-chart-chat-client': id }).then((a) => a.status);
    assert.deepEqual([await as('user-aaaaaaaa-0123456789abcdef012345'), await as('user-aaaaaaaa-0123456789abcdef012345'), await as('user-aaaaaaaa-0123456789abcdef012345')], [200, 200, 429]);
    assert.equal(await as('user-bbbbbbbb-0123456789abcdef012345'), 200);
  });

  it('per user keys on the session token identity, not the spoofable client header', async () => {
    const secret = new TextEncoder().encode('rate-limit-test-secret-0123456789abcdef');
    const server = app({ session: { secret }, rateLimit: { perUser: { capacity: 2, refillPerSecond: 0.1 }, perIp: false } });
    const token = ((await post(server, {}, client, '/api/session')).json as { token: string }).token;
    const as = (header: string) => post(server, list, { authorization: `Bearer ${token}`, 'x-chart-chat-client': header }).then((a) => a.status);
    assert.deepEqual([await as('rotating-0001'), await as('rotating-0002'), await as('rotating-0003')], [200, 200, 429]);
  });
});

describe('limits and headers', () => {
  it('a body over maxBodyBytes is 413 JSON, over a real socket too', async () => {
    const listening = await listen(app({ maxBodyBytes: 10_000 }));
    try {
      const big = JSON.stringify(createThread('x'.repeat(20_000)));
      const answer = await post(listening.url, big, client);
      assert.equal(answer.status, 413);
      assert.equal((answer.json as { error: { code: string } }).error.code, 'payload_too_large');
      // Chunked (no Content-Length) bodies are counted as they stream.
      const chunked = await fetch(`${listening.url}/api/chatkit`, {
        method: 'POST',
        headers: client,
        body: new ReadableStream({ start(c) { c.enqueue(new TextEncoder().encode(big)); c.close(); } }),
        duplex: 'half',
      } as RequestInit);
      assert.equal(chunked.status, 413);
      assert.ok(!(await chunked.text()).includes('xxxx'));
      assert.equal((await post(listening.url, createThread('small'), client)).status, 200);
    } finally {
      await listening.close();
    }
  });

  it('API responses carry nosniff, no-referrer and frame-ancestors none; the SDK bundle is loadable cross-origin', async () => {
    const server = app();
    server.get('/dist/chart-chat.js', (c) => c.body('export {}', 200, { 'content-type': 'text/javascript' }));
    for (const response of [
      await server.request('/api/chatkit', { method: 'POST', headers: client, body: JSON.stringify(list) }),
      await server.request('/api/chatkit', { method: 'POST', headers: client, body: JSON.stringify(createThread('hi')) }),
      await server.request('/api/chatkit', { method: 'POST', headers: client, body: '{' }),
      await server.request('/api/nope'),
    ]) {
      assert.equal(response.headers.get('x-content-type-options'), 'nosniff');
      assert.equal(response.headers.get('referrer-policy'), 'no-referrer');
      assert.match(response.headers.get('content-security-policy') ?? '', /frame-ancestors 'none'/);
      assert.equal(response.headers.get('x-frame-options'), 'DENY');
    }
    const bundle = await server.request('/dist/chart-chat.js', { headers: { origin: 'https://shop.example' } });
    assert.equal(bundle.status, 200);
    assert.equal(bundle.headers.get('cross-origin-resource-policy'), 'cross-origin');
    assert.equal(bundle.headers.get('access-control-allow-origin'), '*');
    assert.equal(bundle.headers.get('x-frame-options'), null);
  });

  it('refusals before the body is read close the connection, so a keep-alive client never reuses a socket about to be dropped', async () => {
    const secret = new TextEncoder().encode('connection-test-secret-0123456789abcdef');
    // app.request() has no socket: the client address comes from a trusted proxy's header.
    const server = app({ session: { secret }, cors: { origins: [] }, trustProxy: true, rateLimit: { perIp: { capacity: 2, refillPerSecond: 0.01 }, perUser: false } });
    const from = { 'x-forwarded-for': '203.0.113.7' };
    const body = JSON.stringify(createThread('x'.repeat(50_000)));
    const refusals = [
      await server.request('/api/chatkit', { method: 'POST', headers: { ...from, authorization: 'Bearer nope', 'content-length': String(body.length) }, body }),
      await server.request('/api/chatkit', { method: 'POST', headers: { ...from, origin: 'https://evil.example', ...client, 'content-length': String(body.length) }, body }),
    ];
    for (const response of refusals) assert.equal(response.headers.get('connection'), 'close', String(response.status));
    const ok = await server.request('/api/chatkit', { method: 'POST', headers: { ...from, ...client }, body: JSON.stringify(list) });
    assert.equal(ok.status, 200);
    assert.equal(ok.headers.get('connection'), null);
    const limited = await server.request('/api/chatkit', { method: 'POST', headers: { ...from, ...client, 'content-length': String(body.length) }, body });
    assert.equal(limited.status, 429);
    assert.equal(limited.headers.get('connection'), 'close');
  });

  it('error answers never echo the request body', async () => {
    const server = app();
    const marker = 'ECHO-MARKER-7f3a';
    const bodies = [
      `{"type":"${marker}","params":{}}`,
      `{"type":"threads.get_by_id","params":{"thread_id":"${marker}"}}`,
      `{"type":"threads.create","params":{"input":{"content":[{"type":"${marker}"}]}}}`,
      `{"type":"threads.create","params":{"input":{"content":[{"type":"input_text","text":"x"}],"attachments":[],"inference_options":{}}},"metadata":{"chart_context":{"symbol":"${marker}"}}}`,
      `{"${marker}": [1,2,`,
    ];
    for (const body of bodies) {
      const response = await server.request('/api/chatkit', { method: 'POST', headers: client, body });
      const text = await response.text();
      assert.ok(response.status >= 400 && response.status < 500, `${response.status} for ${body}`);
      assert.ok(!text.includes(marker), `echoed: ${text}`);
    }
  });
});
