/**
 * CORS that fits ChatKit: a preflight from an allowed origin allows every header a ChatKit
 * client sends, on every chat path; other origins get 403. Checked on the app, and in Chromium,
 * which enforces CORS itself: a page on another origin streams an answer with that header set.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Hono } from 'hono';
import type { Browser } from 'playwright-core';
import { createApp } from '../app.js';
import { EchoResponder } from '../responders/echo.js';
import { createThread } from '../test-support/chatkit-client.js';
import { launchChromium } from '../test-support/chromium.js';
import { listen, type Listening } from '../test-support/listen.js';
import { CHATKIT_REQUEST_HEADERS } from './cors.js';

const SHOP = 'https://shop.example';
/** What a ChatKit client sends to a custom backend: ChatKit's own headers, the element's and an integrator's Bearer. */
const CHATKIT_HEADER_SET = [
  'content-type',
  'accept',
  'accept-language',
  'authorization',
  'chatkit-frame-instance-id',
  'chatkit-device-id',
  'chatkit-session-id',
  'chatkit-user-id',
  'x-chart-chat-client',
];
const CHAT_PATHS = ['/api/chatkit', '/api/chatkit/proxy', '/api/chatkit/chart-action', '/api/session', '/api/chatkit/session'];
const secret = () => crypto.getRandomValues(new Uint8Array(32));

const allowedHeaders = (response: Response) => (response.headers.get('access-control-allow-headers') ?? '').toLowerCase().split(/\s*,\s*/);

describe('CORS for ChatKit clients', () => {
  const app = createApp({ responder: new EchoResponder(), session: { secret: secret() }, cors: { origins: [SHOP] } });

  it('the allowed list is exactly the ChatKit header set', () => {
    assert.deepEqual([...CHATKIT_REQUEST_HEADERS].sort(), [...CHATKIT_HEADER_SET].sort());
  });

  for (const path of CHAT_PATHS) {
    it(`a preflight to ${path} from an allowed origin allows every header ChatKit sends`, async () => {
      const response = await app.request(path, {
        method: 'OPTIONS',
        headers: { origin: SHOP, 'access-control-request-method': 'POST', 'access-control-request-headers': CHATKIT_HEADER_SET.join(',') },
      });
      assert.equal(response.status, 204);
      assert.equal(response.headers.get('access-control-allow-origin'), SHOP);
      assert.match(response.headers.get('access-control-allow-methods') ?? '', /POST/);
      const allowed = allowedHeaders(response);
      for (const header of CHATKIT_HEADER_SET) assert.ok(allowed.includes(header), `${header} is allowed (${allowed.join(', ')})`);
      assert.equal(response.headers.get('access-control-max-age'), '600');
      assert.match(response.headers.get('vary') ?? '', /Origin/);
    });
  }

  it('real responses echo the origin, vary on it and expose Retry-After', async () => {
    const response = await app.request('/api/chatkit', {
      method: 'POST',
      headers: { origin: SHOP, 'content-type': 'application/json', 'x-chart-chat-client': 'cors-user-0001-0123456789abcdef01234', 'chatkit-frame-instance-id': 'frame-1' },
      body: JSON.stringify({ type: 'threads.list', params: {} }),
    });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('access-control-allow-origin'), SHOP);
    assert.match(response.headers.get('vary') ?? '', /Origin/);
    assert.equal(response.headers.get('access-control-expose-headers'), 'retry-after,x-chart-chat-bars');
    // Sessions are on: the element's session request carries the HttpOnly device cookie, so allowed origins may send credentials.
    assert.equal(response.headers.get('access-control-allow-credentials'), 'true');
    const plain = createApp({ responder: new EchoResponder(), cors: { origins: [SHOP] } });
    const without = await plain.request('/api/chatkit', { method: 'POST', headers: { origin: SHOP, 'content-type': 'application/json', 'x-chart-chat-client': 'cors-user-0001-0123456789abcdef01234' }, body: '{"type":"threads.list","params":{}}' });
    assert.equal(without.headers.get('access-control-allow-credentials'), null, 'no sessions, no credentials');
  });

  it('unlisted origins get 403 with no CORS headers, whatever headers they ask for', async () => {
    for (const origin of ['https://evil.example', 'https://shop.example:8443', 'null']) {
      const preflight = await app.request('/api/chatkit/proxy', {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': CHATKIT_HEADER_SET.join(',') },
      });
      assert.equal(preflight.status, 403, origin);
      assert.equal(preflight.headers.get('access-control-allow-origin'), null);
      assert.equal(preflight.headers.get('access-control-allow-headers'), null);
      const post = await app.request('/api/chatkit/chart-action', { method: 'POST', headers: { origin, 'content-type': 'text/plain' }, body: '{}' });
      assert.equal(post.status, 403, origin);
      assert.equal(((await post.json()) as { error: { code: string } }).error.code, 'origin_not_allowed');
    }
  });

  it('an integrator may allow more headers (its own ChatKit fetch); names are checked', async () => {
    const custom = createApp({ responder: new EchoResponder(), cors: { origins: [SHOP], allowHeaders: ['X-Page-Context', 'bad header'] } });
    const response = await custom.request('/api/chatkit', {
      method: 'OPTIONS',
      headers: { origin: SHOP, 'access-control-request-method': 'POST', 'access-control-request-headers': 'x-page-context' },
    });
    const allowed = allowedHeaders(response);
    assert.ok(allowed.includes('x-page-context'));
    assert.ok(allowed.includes('chatkit-frame-instance-id'));
    assert.equal(allowed.includes('bad header'), false);
  });
});

describe('CORS in Chromium', () => {
  let browser: Browser;
  let site: Listening;
  let allowedApi: Listening;
  let closedApi: Listening;

  before(async () => {
    const page = new Hono().get('/', (c) => c.html('<!doctype html><title>host page</title>'));
    site = await listen(page);
    allowedApi = await listen(createApp({ responder: new EchoResponder(), cors: { origins: [site.url] } }));
    closedApi = await listen(createApp({ responder: new EchoResponder(), cors: { origins: ['https://shop.example'] } }));
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await Promise.all([site?.close(), allowedApi?.close(), closedApi?.close()]);
  });

  /** Runs ChatKit's request (its header set, a streamed answer) from the host page against `api`. */
  const chatFrom = async (api: string) => {
    const page = await browser.newPage();
    try {
      await page.goto(site.url);
      return await page.evaluate(
        async ({ api, body }) => {
          try {
            const response = await fetch(`${api}/api/chatkit/proxy`, {
              method: 'POST',
              headers: {
                'content-type': 'application/json',
                accept: 'text/event-stream',
                'accept-language': 'de-DE',
                authorization: 'Bearer integrator-token',
                'chatkit-frame-instance-id': 'frame-1',
                'chatkit-device-id': 'device-1',
                'chatkit-session-id': 'session-1',
                'chatkit-user-id': 'user-1',
                'x-chart-chat-client': 'cors-browser-0001-0123456789abcdef01234',
              },
              body,
            });
            return { status: response.status, text: await response.text() };
          } catch (error) {
            return { error: String(error) };
          }
        },
        { api, body: JSON.stringify(createThread('hello from another origin')) },
      );
    } finally {
      await page.close();
    }
  };

  it('a page on an allowed origin streams an answer with the whole ChatKit header set', async () => {
    const result = await chatFrom(allowedApi.url);
    assert.equal(result.status, 200, JSON.stringify(result));
    assert.match(result.text ?? '', /You said: hello from another origin/);
  });

  it('a page on an unlisted origin is blocked', async () => {
    const result = await chatFrom(closedApi.url);
    assert.match(result.error ?? '', /TypeError/, JSON.stringify(result));
  });
});
