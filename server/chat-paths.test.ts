/**
 * The integration plan's paths, served by the real app: `/api/chatkit/proxy` is the ChatKit
 * endpoint, `/api/chatkit/session` the session endpoint (its `{device_id, existing_session}`
 * body accepted, the device id never an identity).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createApp } from './app.js';
import { EchoResponder } from './responders/echo.js';
import { MemoryStore } from './store/memory-store.js';
import { addMessage, createdThreadId, createThread, post } from './test-support/chatkit-client.js';
import { listen } from './test-support/listen.js';
import { readSse } from './test-support/sse.js';

const PROXY = '/api/chatkit/proxy';
const SESSION = '/api/chatkit/session';
type ErrorBody = { error: { code: string } };
type Session = { token: string; expires_at: number };

describe('POST /api/chatkit/proxy', () => {
  it('is the ChatKit endpoint: the same threads, streamed over a real socket', async () => {
    const store = new MemoryStore();
    const server = await listen(createApp({ responder: new EchoResponder(), store }));
    const user = { 'X-Chart-Chat-Client': 'proxy-user-0001-0123456789abcdef01234' };
    try {
      const created = await post(server.url, createThread('via proxy'), user, PROXY);
      assert.equal(created.status, 200, created.raw);
      const threadId = createdThreadId(created);
      const list = (await post(server.url, { type: 'threads.list', params: {} }, user)).json as { data: { id: string }[] };
      assert.deepEqual(list.data.map((thread) => thread.id), [threadId], 'the thread is the same at /api/chatkit');

      const response = await fetch(`${server.url}${PROXY}`, { method: 'POST', headers: { ...user, 'content-type': 'application/json' }, body: JSON.stringify(addMessage(threadId, '/slow 3')) });
      assert.match(response.headers.get('content-type') ?? '', /^text\/event-stream/);
      const deltas: string[] = [];
      for await (const event of readSse(response.body!)) {
        if (event.type === 'thread.item.updated' && event.update.type === 'assistant_message.content_part.text_delta') deltas.push(event.update.delta);
      }
      assert.deepEqual(deltas, ['1 ', '2 ', '3 ']);
      const bad = await post(server.url, { type: 'threads.nope', params: {} }, user, PROXY);
      assert.equal(bad.status, 400);
      const get = await fetch(`${server.url}${PROXY}`);
      assert.equal(get.status, 405);
    } finally {
      await server.close();
    }
  });
});

describe('POST /api/chatkit/session', () => {
  const secret = () => crypto.getRandomValues(new Uint8Array(32));

  it('mints the same tokens as /api/session, accepting the plan\'s {device_id, existing_session} body', async () => {
    const app = createApp({ responder: new EchoResponder(), session: { secret: secret(), requireSession: true } });
    const minted = await post(app, { device_id: 'a-device-of-the-page', existing_session: null }, {}, SESSION);
    assert.equal(minted.status, 200, minted.raw);
    const { token, expires_at } = minted.json as Session;
    assert.ok(token.length > 20 && expires_at > Date.now() / 1000);
    const used = await post(app, createThread('hi'), { authorization: `Bearer ${token}` }, PROXY);
    assert.equal(used.status, 200, used.raw);
    assert.equal((await post(app, {}, {}, SESSION)).status, 200, 'the body is optional');
    assert.equal((await app.request(SESSION, { method: 'POST' })).status, 200, 'so is an empty one');
  });

  it("a claimed device id grants no access to that device's threads; a held token refreshes its own identity", async () => {
    const app = createApp({ responder: new EchoResponder(), session: { secret: secret(), requireSession: true } });
    const victimDevice = 'victim-device-123456';
    const victim = (await post(app, {}, { 'X-Chart-Chat-Client': victimDevice }, SESSION)).json as Session;
    const victimThread = createdThreadId(await post(app, createThread('private'), { authorization: `Bearer ${victim.token}` }, PROXY));

    const attacker = (await post(app, { device_id: victimDevice }, {}, SESSION)).json as Session;
    const auth = { authorization: `Bearer ${attacker.token}` };
    const list = (await post(app, { type: 'threads.list', params: {} }, auth, PROXY)).json as { data: unknown[] };
    assert.deepEqual(list.data, []);
    const read = await post(app, { type: 'threads.get_by_id', params: { thread_id: victimThread } }, auth, PROXY);
    assert.deepEqual([read.status, (read.json as ErrorBody).error.code], [404, 'not_found']);

    // existing_session is a token the caller holds: it refreshes that identity (as a Bearer header would).
    for (const existing of [victim.token, { token: victim.token }]) {
      const renewed = (await post(app, { device_id: 'whatever', existing_session: existing }, {}, SESSION)).json as Session;
      const mine = await post(app, { type: 'threads.get_by_id', params: { thread_id: victimThread } }, { authorization: `Bearer ${renewed.token}` }, PROXY);
      assert.equal(mine.status, 200, mine.raw);
    }
    // A forged existing_session earns nothing.
    const forged = (await post(app, { existing_session: `${victim.token.slice(0, -4)}AAAA` }, {}, SESSION)).json as Session;
    const denied = await post(app, { type: 'threads.get_by_id', params: { thread_id: victimThread } }, { authorization: `Bearer ${forged.token}` }, PROXY);
    assert.equal(denied.status, 404);
  });

  it('refuses a malformed body with a 400 JSON error', async () => {
    const app = createApp({ responder: new EchoResponder(), session: { secret: secret() } });
    for (const body of ['{"device_id":', JSON.stringify({ device_id: 42 }), JSON.stringify({ existing_session: ['x'] }), JSON.stringify(['x']), JSON.stringify({ device_id: 'x'.repeat(201) })]) {
      const answer = await post(app, body, {}, SESSION);
      assert.deepEqual([answer.status, (answer.json as ErrorBody).error.code], [400, 'invalid_request'], body);
    }
  });

  it('is absent when sessions are off, like /api/session', async () => {
    const app = createApp({ responder: new EchoResponder() });
    assert.equal((await post(app, {}, {}, SESSION)).status, 404);
  });
});
