/**
 * DNS rebinding: a page on a foreign name re-pointed at this server is same-origin with it, so
 * only the Host name can tell. Checked through the whole app over a real socket (raw HTTP, so
 * the Host header is exactly what a browser would send).
 */
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { createApp } from '../app.js';
import { EchoResponder } from '../responders/echo.js';
import { TEST_CLIENT } from '../test-support/chatkit-client.js';
import { listen, type Listening } from '../test-support/listen.js';
import { parseAllowedHosts } from './host-check.js';

function send(url: string, host: string, path = '/api/chatkit', origin?: string): Promise<{ status: number; body: string }> {
  const { port } = new URL(url);
  const body = '{"type":"threads.list","params":{}}';
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path, method: path === '/healthz' ? 'GET' : 'POST', headers: { host, 'content-type': 'application/json', ...TEST_CLIENT, ...(origin && { origin }) } },
      (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on('error', reject);
    req.end(path === '/healthz' ? undefined : body);
  });
}

describe('Host check (DNS rebinding)', () => {
  let plain: Listening;
  let configured: Listening;
  before(async () => {
    plain = await listen(createApp({ responder: new EchoResponder(), cors: { origins: [] } }));
    configured = await listen(createApp({ responder: new EchoResponder(), allowedHosts: ['chat.example.com', '.example.org'] }));
  });
  after(async () => {
    await plain.close();
    await configured.close();
  });

  it('refuses a foreign Host with a matching Origin before CORS and every route', async () => {
    for (const path of ['/api/chatkit', '/api/session', '/healthz', '/nope']) {
      const answer = await send(plain.url, 'evil.example', path, 'http://evil.example');
      assert.equal(answer.status, 403, path);
      assert.equal((JSON.parse(answer.body) as { error: { code: string } }).error.code, 'host_not_allowed');
    }
    assert.equal((await send(plain.url, 'evil.example:8787', '/api/chatkit', 'http://evil.example:8787')).status, 403);
    assert.equal((await send(plain.url, 'localhost.evil.example')).status, 403);
  });

  it('serves local names and IP addresses by default, and configured names', async () => {
    const { port } = new URL(plain.url);
    for (const host of [`localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`, 'app.localhost', 'LOCALHOST']) {
      assert.equal((await send(plain.url, host, '/api/chatkit', `http://${host}`)).status, 200, host);
    }
    assert.equal((await send(configured.url, 'chat.example.com')).status, 200);
    assert.equal((await send(configured.url, 'eu.example.org:443')).status, 200);
    assert.equal((await send(configured.url, 'example.org')).status, 200);
    assert.equal((await send(configured.url, 'chat.example.com.evil.example')).status, 403);
    assert.equal((await send(configured.url, 'notexample.org')).status, 403);
  });

  it('ALLOWED_HOSTS parses names, .suffixes and *; refuses junk', () => {
    assert.deepEqual(parseAllowedHosts('Chat.Example.com, .example.org *'), ['chat.example.com', '.example.org', '*']);
    assert.throws(() => parseAllowedHosts('http://chat.example.com'), /not a host name/);
  });
});
