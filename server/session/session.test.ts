import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createApp, type AppOptions } from '../app.js';
import { EchoResponder } from '../responders/echo.js';
import { createTokenSigner } from '../security/token.js';
import { addMessage, createdThreadId, createThread, post, type Target } from '../test-support/chatkit-client.js';
import { startFakeHosted, type FakeHosted } from '../test-support/fake-hosted.js';

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
    assert.match(subOf(body['token']), /^client:[A-Za-z0-9_-]{24}$/);
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

  it('adopts the element X-Chart-Chat-Client id, so threads made before sessions stay visible', async () => {
    const server = app();
    const client = { 'x-chart-chat-client': 'browser-1234abcd' };
    const created = await post(server, createThread('before sessions'), client);
    const { body } = await mint(server, client);
    assert.equal(subOf(body['token']), 'client:browser-1234abcd');
    const listed = await post(server, { type: 'threads.list', params: {} }, bearer(body['token']));
    assert.deepEqual((listed.json as { data: { id: string }[] }).data.map((t) => t.id), [createdThreadId(created)]);
    // ... unless adoption is switched off.
    const strict = app({ adoptClientId: false });
    assert.notEqual(subOf((await mint(strict, client)).body['token']), 'client:browser-1234abcd');
  });

  it('refreshes a valid token, and an expired one within the grace period, into the same identity', async () => {
    const server = app();
    const first = (await mint(server)).body['token'];
    const refreshed = (await mint(server, bearer(first))).body['token'];
    assert.equal(subOf(refreshed), subOf(first));
    const hourAgo = createTokenSigner({ secret, now: () => Date.now() - 3600_000 });
    const expired = (await hourAgo.issue('client:sleepy-laptop-01')).token;
    assert.equal(subOf((await mint(server, bearer(expired))).body['token']), 'client:sleepy-laptop-01');
    const weekAgo = createTokenSigner({ secret, now: () => Date.now() - 8 * 24 * 3600_000 });
    const stale = (await weekAgo.issue('client:sleepy-laptop-01')).token;
    assert.notEqual(subOf((await mint(server, bearer(stale))).body['token']), 'client:sleepy-laptop-01');
  });

  it('never honours a forged token: it earns a fresh identity, not the claimed one', async () => {
    const server = app();
    const forger = createTokenSigner({ secret: new TextEncoder().encode('attacker-secret-attacker-secret-000000') });
    const forged = (await forger.issue('client:victim-device-01')).token;
    const { status, body } = await mint(server, bearer(forged));
    assert.equal(status, 200);
    assert.notEqual(subOf(body['token']), 'client:victim-device-01');
  });

  it('uses the integrator identify() hook, namespaced, and refuses when it returns nothing', async () => {
    const server = app({ identify: (c) => c.req.header('x-test-user') ?? null });
    const { body } = await mint(server, { 'x-test-user': 'alice' });
    assert.equal(subOf(body['token']), 'user:alice');
    // A device id that looks like the user cannot collide with them.
    assert.notEqual(subOf((await mint(app(), { 'x-chart-chat-client': 'alice-alice' })).body['token']), 'user:alice');
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
    const { body } = await mint(server, { 'x-chart-chat-client': 'browser-1234abcd' });
    const token = String(body['token']);
    const expired = (await createTokenSigner({ secret, now: () => Date.now() - 3600_000 }).issue('client:browser-1234abcd')).token;
    for (const bad of [`${token}x`, token.replace(/\.[^.]+$/, '.AAAA'), 'garbage', expired]) {
      const answer = await post(server, { type: 'threads.list', params: {} }, { ...bearer(bad), 'x-chart-chat-client': 'browser-1234abcd' });
      assert.equal(answer.status, 401, bad);
      assert.equal((answer.json as { error: { code: string } }).error.code, 'invalid_token');
      assert.ok(!answer.raw.includes(bad), 'the token is not echoed');
    }
    const notBearer = await post(server, { type: 'threads.list', params: {} }, { authorization: 'Basic dXNlcjpwYXNz' });
    assert.equal(notBearer.status, 401);
  });

  it('requireSession refuses requests without a token; without it the anonymous client id still works', async () => {
    const strict = app({ requireSession: true });
    const anonymous = await post(strict, createThread('hi'), { 'x-chart-chat-client': 'browser-1234abcd' });
    assert.equal(anonymous.status, 401);
    assert.equal((anonymous.json as { error: { code: string } }).error.code, 'session_required');
    const { body } = await mint(strict);
    assert.equal((await post(strict, createThread('hi'), bearer(body['token']))).status, 200);

    const relaxed = app();
    assert.equal((await post(relaxed, createThread('hi'), { 'x-chart-chat-client': 'browser-1234abcd' })).status, 200);
    const nobody = await post(relaxed, createThread('hi'));
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

describe('hosted ChatKit sessions (legacy mode) against a local fake', () => {
  let fake: FakeHosted;
  before(async () => {
    fake = await startFakeHosted();
  });
  after(() => fake.close());

  it('mints a hosted session for the token user through the openai SDK', async () => {
    const server = app({ hosted: { workflowId: 'wf_test_123', workflowVersion: '3', apiKey: 'sk-test-LEAKCHECK-hosted-000', baseURL: fake.baseURL } });
    const { status, body } = await mint(server, { 'x-chart-chat-client': 'browser-1234abcd' });
    assert.equal(status, 200);
    assert.match(String(body['client_secret']), /^ek_fake_\d+_secret$/);
    assert.equal(typeof body['client_secret_expires_at'], 'number');
    assert.equal(subOf(body['token']), 'client:browser-1234abcd');
    const seen = fake.requests.at(-1)!;
    assert.equal(seen.path, '/v1/chatkit/sessions');
    assert.equal(seen.headers['openai-beta'], 'chatkit_beta=v1');
    assert.equal(seen.headers['authorization'], 'Bearer sk-test-LEAKCHECK-hosted-000');
    assert.deepEqual(seen.body, { user: 'client:browser-1234abcd', workflow: { id: 'wf_test_123', version: '3' } });
    assert.ok(!JSON.stringify(body).includes('sk-test-LEAKCHECK'));
  });

  it('an upstream failure is a 502 that echoes neither the upstream message nor the key', async () => {
    const server = app({ hosted: { workflowId: 'wf_test_123', apiKey: 'sk-test-LEAKCHECK-hosted-000', baseURL: fake.baseURL } });
    fake.failWith(401, 'Incorrect API key provided: sk-test-LEAKCHECK-hosted-000');
    const response = await server.request('/api/session', { method: 'POST', body: '{}' });
    const text = await response.text();
    assert.equal(response.status, 502);
    assert.deepEqual(JSON.parse(text), { error: { code: 'hosted_session_failed', message: 'Could not create a hosted ChatKit session.' } });
    assert.ok(!text.includes('LEAKCHECK') && !text.includes('Incorrect'));
  });
});
