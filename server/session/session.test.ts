import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createApp, type AppOptions } from '../app.js';
import { EchoResponder } from '../responders/echo.js';
import { createTokenSigner } from '../security/token.js';
import { addMessage, createdThreadId, createThread, post, type Target } from '../test-support/chatkit-client.js';

const secret = new TextEncoder().encode('session-test-secret-0123456789-abcdef');

function app(session: Partial<NonNullable<AppOptions['session']>> = {}, extra: Partial<AppOptions> = {}) {
  return createApp({ responder: new EchoResponder(), session: { secret, ...session }, ...extra });
}

async function mint(target: Target, headers: Record<string, string> = {}): Promise<{ status: number; body: Record<string, unknown> }> {
  const answer = await post(target, {}, headers, '/api/session');
  return { status: answer.status, body: answer.json as Record<string, unknown> };
}

const bearer = (token: unknown) => ({ authorization: `Bearer ${String(token)}` });
const subOf = (token: unknown) => JSON.parse(Buffer.from(String(token).split('.')[1]!, 'base64url').toString()).sub as string;

describe('POST /api/session', () => {
  it('mints a 15-minute token for a new device that the ChatKit endpoint accepts', async () => {
    const server = app();
    const { status, body } = await mint(server);
    assert.equal(status, 200);
    assert.deepEqual(Object.keys(body).sort(), ['expires_at', 'token']);
    const now = Date.now() / 1000;
    assert.ok(Math.abs((body['expires_at'] as number) - (now + 900)) < 5);
    assert.match(subOf(body['token']), /^device:[A-Za-z0-9_-]{24}$/);
    const created = await post(server, createThread('hello'), bearer(body['token']));
    assert.equal(created.status, 200);
    const listed = await post(server, { type: 'threads.list', params: {} }, bearer(body['token']));
    assert.deepEqual((listed.json as { data: { id: string }[] }).data.map((t) => t.id), [createdThreadId(created)]);
  });

  it('answers uncacheable and two new devices get different identities', async () => {
    const server = app();
    const response = await server.request('/api/session', { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
    assert.equal(response.headers.get('cache-control'), 'no-store');
    const a = (await response.json()) as { token: string };
    const b = (await mint(server)).body;
    assert.notEqual(subOf(a.token), subOf(b['token']));
  });

  it('never mints for a client id the caller names (header or body): a claimed device id grants nothing', async () => {
    const server = app({ requireSession: true });
    const victim = 'victim-browser-0123456789abcdef01234';
    for (const [headers, body] of [
      [{ 'x-chart-chat-client': victim }, {}],
      [{}, { device_id: victim, existing_session: { device_id: victim } }],
    ] as const) {
      const answer = await post(server, body, headers, '/api/session');
      assert.equal(answer.status, 200);
      const sub = subOf((answer.json as { token: string }).token);
      assert.ok(sub !== `client:${victim}` && sub !== `device:${victim}` && !sub.includes(victim), sub);
    }
  });

  it('binds the device to an HttpOnly cookie: the cookie keeps the identity, a token alone only until its chain ends', async () => {
    const server = app();
    const response = await server.request('/api/session', { method: 'POST', body: '{}' });
    const cookie = response.headers.get('set-cookie')!;
    assert.match(cookie, /^chart_chat_device=[^;]+; Path=\/; Max-Age=\d+; HttpOnly; SameSite=Strict$/);
    const first = ((await response.json()) as { token: string }).token;
    const again = await server.request('/api/session', { method: 'POST', body: '{}', headers: { cookie: cookie.split(';')[0]! } });
    assert.equal(subOf(((await again.json()) as { token: string }).token), subOf(first), 'the cookie proves the device');
    // A bearer token that is not a cookie and a cookie that is not a bearer token.
    const swapped = await server.request('/api/session', { method: 'POST', body: '{}', headers: { cookie: `chart_chat_device=${first}` } });
    assert.notEqual(subOf(((await swapped.json()) as { token: string }).token), subOf(first));
    const asBearer = await post(server, { type: 'threads.list', params: {} }, bearer(cookie.split(';')[0]!.split('=')[1]));
    assert.equal(asBearer.status, 401);
  });

  it('sets SameSite=None; Secure; Partitioned when the element is embedded on another site, Secure on https', async () => {
    const server = app({}, { cors: { origins: ['https://shop.example'] }, allowedHosts: ['chat.example'] });
    const embedded = await server.request('https://chat.example/api/session', { method: 'POST', body: '{}', headers: { origin: 'https://shop.example' } });
    assert.equal(embedded.status, 200);
    assert.match(embedded.headers.get('set-cookie')!, /; HttpOnly; Secure; SameSite=None; Partitioned$/);
    assert.equal(embedded.headers.get('access-control-allow-credentials'), 'true');
    const https = await server.request('https://chat.example/api/session', { method: 'POST', body: '{}' });
    assert.match(https.headers.get('set-cookie')!, /; HttpOnly; Secure; SameSite=Strict$/);
  });

  it('refreshes a valid token, and one expired within the grace period, into the same identity, until the absolute lifetime ends', async () => {
    const server = app();
    const first = (await mint(server)).body['token'];
    const refreshed = (await mint(server, bearer(first))).body['token'];
    assert.equal(subOf(refreshed), subOf(first));
    const at = (msAgo: number) => createTokenSigner({ secret, now: () => Date.now() - msAgo });
    const expired = (await at(20 * 60_000).issue('device:sleepy-laptop-01')).token;
    assert.equal(subOf((await mint(server, bearer(expired))).body['token']), 'device:sleepy-laptop-01');
    const stale = (await at(3 * 3600_000).issue('device:sleepy-laptop-01')).token;
    assert.notEqual(subOf((await mint(server, bearer(stale))).body['token']), 'device:sleepy-laptop-01', 'past the grace period');
    // A chain refreshed every few minutes still ends 24 h after its first mint.
    const old = (await at(0).issue('device:thief-kept-it', Math.floor(Date.now() / 1000) - 24 * 3600 - 1)).token;
    assert.notEqual(subOf((await mint(server, bearer(old))).body['token']), 'device:thief-kept-it', 'past the absolute lifetime');
    const youngAuth = Math.floor(Date.now() / 1000) - 23 * 3600;
    const young = (await at(0).issue('device:still-young', youngAuth)).token;
    const next = (await mint(server, bearer(young))).body['token'];
    assert.equal(subOf(next), 'device:still-young');
    const claims = JSON.parse(Buffer.from(String(next).split('.')[1]!, 'base64url').toString()) as { auth: number };
    assert.equal(claims.auth, youngAuth, 'a refresh keeps the first mint time');
    // An anonymous client id is a different namespace from a session device.
    const anon = await post(server, { type: 'threads.list', params: {} }, { 'x-chart-chat-client': subOf(first).slice('device:'.length).padEnd(32, '0') });
    assert.equal(anon.status, 200);
  });

  it('limits minting per IP (IPv6 per /64) and per user', async () => {
    const server = app({ mintLimit: { perIp: { capacity: 3, refillPerSecond: 0.001 }, perUser: { capacity: 2, refillPerSecond: 0.001 } } }, { trustProxy: true });
    const from = (ip: string, headers: Record<string, string> = {}) => mint(server, { 'x-forwarded-for': ip, ...headers }).then((m) => m.status);
    const rotating = [];
    for (let i = 1; i <= 5; i++) rotating.push(await from(`2001:db8:1:2:${i.toString(16)}::${i}`));
    assert.deepEqual(rotating, [200, 200, 200, 429, 429], 'rotating addresses in one /64 share a bucket');
    assert.equal(await from('2001:db8:1:3::1'), 200, 'another /64 is another bucket');
    const token = (await mint(server, { 'x-forwarded-for': '192.0.2.1' })).body['token'];
    const statuses = [];
    for (let i = 2; i <= 4; i++) statuses.push(await from(`192.0.2.${i}`, bearer(token)));
    assert.deepEqual(statuses, [200, 429, 429], 'one user cannot mint from many IPs');
  });

  it('never honours a forged token: it earns a fresh identity, not the claimed one', async () => {
    const server = app();
    const forger = createTokenSigner({ secret: new TextEncoder().encode('attacker-secret-attacker-secret-000000') });
    const forged = (await forger.issue('device:victim-device-01')).token;
    const { status, body } = await mint(server, bearer(forged));
    assert.equal(status, 200);
    assert.notEqual(subOf(body['token']), 'device:victim-device-01');
  });

  it('uses the integrator identify() hook, namespaced, and refuses when it returns nothing', async () => {
    const server = app({ identify: (c) => c.req.header('x-test-user') ?? null });
    const { body } = await mint(server, { 'x-test-user': 'alice' });
    assert.equal(subOf(body['token']), 'user:alice');
    // A device id that looks like the user cannot collide with them.
    assert.notEqual(subOf((await mint(app(), { 'x-chart-chat-client': 'alice-alice-0123456789abcdef01234' })).body['token']), 'user:alice');
    const refused = await mint(server);
    assert.equal(refused.status, 401);
    assert.equal((refused.body['error'] as { code: string }).code, 'unauthenticated');
  });

  it('refuses bodies over 16 KiB with 413', async () => {
    const response = await app().request('/api/session', { method: 'POST', body: JSON.stringify({ pad: 'x'.repeat(20_000) }) });
    assert.equal(response.status, 413);
    assert.equal(((await response.json()) as { error: { code: string } }).error.code, 'payload_too_large');
  });
});

describe('tokens on /api/chatkit', () => {
  it('a bad or expired token is 401 invalid_token, never a fallback to another identity', async () => {
    const server = app();
    const { body } = await mint(server, { 'x-chart-chat-client': 'browser-1234abcd-0123456789abcdef01234' });
    const token = String(body['token']);
    const expired = (await createTokenSigner({ secret, now: () => Date.now() - 3600_000 }).issue('client:browser-1234abcd')).token;
    for (const bad of [`${token}x`, token.replace(/\.[^.]+$/, '.AAAA'), 'garbage', expired]) {
      const answer = await post(server, { type: 'threads.list', params: {} }, { ...bearer(bad), 'x-chart-chat-client': 'browser-1234abcd-0123456789abcdef01234' });
      assert.equal(answer.status, 401, bad);
      assert.equal((answer.json as { error: { code: string } }).error.code, 'invalid_token');
      assert.ok(!answer.raw.includes(bad), 'the token is not echoed');
    }
    const notBearer = await post(server, { type: 'threads.list', params: {} }, { authorization: 'Basic dXNlcjpwYXNz' });
    assert.equal(notBearer.status, 401);
  });

  it('requireSession refuses requests without a token; without it the anonymous client id still works', async () => {
    const strict = app({ requireSession: true });
    const anonymous = await post(strict, createThread('hi'), { 'x-chart-chat-client': 'browser-1234abcd-0123456789abcdef01234' });
    assert.equal(anonymous.status, 401);
    assert.equal((anonymous.json as { error: { code: string } }).error.code, 'session_required');
    const { body } = await mint(strict);
    assert.equal((await post(strict, createThread('hi'), bearer(body['token']))).status, 200);

    const relaxed = app();
    assert.equal((await post(relaxed, createThread('hi'), { 'x-chart-chat-client': 'browser-1234abcd-0123456789abcdef01234' })).status, 200);
    const nobody = await post(relaxed, createThread('hi'), { 'x-chart-chat-client': '' });
    assert.equal(nobody.status, 401);
    assert.equal((nobody.json as { error: { code: string } }).error.code, 'missing_identity');
  });
});

describe('threads are scoped to the token user', () => {
  it('a second user can neither see nor touch the first user thread', async () => {
    const server = app();
    const alice = bearer((await mint(server)).body['token']);
    const mallory = bearer((await mint(server)).body['token']);
    const created = await post(server, createThread('alice secret plan'), alice);
    const threadId = createdThreadId(created);
    const userItem = created.events!.find((e) => e.type === 'thread.item.done' && e.item.type === 'user_message');
    const itemId = userItem?.type === 'thread.item.done' ? userItem.item.id : '';

    const attempts = [
      { type: 'threads.get_by_id', params: { thread_id: threadId } },
      { type: 'items.list', params: { thread_id: threadId } },
      { type: 'threads.update', params: { thread_id: threadId, title: 'pwned' } },
      { type: 'threads.delete', params: { thread_id: threadId } },
      addMessage(threadId, 'injected'),
      { type: 'threads.retry_after_item', params: { thread_id: threadId, item_id: itemId } },
      { type: 'items.feedback', params: { thread_id: threadId, item_ids: [itemId], kind: 'negative' } },
    ];
    for (const attempt of attempts) {
      const answer = await post(server, attempt, mallory);
      assert.equal(answer.status, 404, `${attempt.type}: ${answer.raw}`);
      assert.ok(!answer.raw.includes('alice secret plan'));
    }
    const listed = await post(server, { type: 'threads.list', params: {} }, mallory);
    assert.deepEqual((listed.json as { data: unknown[] }).data, []);

    const mine = await post(server, { type: 'threads.get_by_id', params: { thread_id: threadId } }, alice);
    assert.equal(mine.status, 200);
    const thread = mine.json as { title: string; items: { data: unknown[] } };
    assert.equal(thread.title, 'alice secret plan');
    assert.equal(thread.items.data.length, 2, 'nothing was added, retried or deleted');
  });
});
