import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createApp } from './app.js';
import { EchoResponder } from './responders/echo.js';
import { createLogger } from './log/logger.js';
import { addMessage, createdThreadId, createThread, post } from './test-support/chatkit-client.js';
import { listen, type Listening } from './test-support/listen.js';
import { ScriptedResponder } from './test-support/scripted-responder.js';

const ME = { 'X-Chart-Chat-Client': 'app-test-client-0123456789abcdef01234' };

describe('createApp', () => {
  it('answers /healthz', async () => {
    const app = createApp({ responder: new EchoResponder() });
    const response = await app.request('/healthz');
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), { ok: true });
  });

  it('creates a thread and adds a message end to end (EchoResponder)', async () => {
    const app = createApp({ responder: new EchoResponder() });
    const created = await post(app, createThread('hello there'), ME);
    assert.equal(created.status, 200);
    assert.match(created.contentType, /^text\/event-stream/);
    const types = created.events!.map((event) => event.type);
    assert.deepEqual(types.slice(0, 3), ['thread.created', 'thread.item.done', 'stream_options']);
    assert.equal(types.at(-1), 'thread.item.done');
    const threadId = createdThreadId(created);

    const added = await post(app, addMessage(threadId, 'again'), ME);
    assert.equal(added.status, 200);
    const done = added.events!.filter((event) => event.type === 'thread.item.done');
    assert.equal(done.length, 2);
    const reply = done[1]!;
    assert.ok(reply.type === 'thread.item.done' && reply.item.type === 'assistant_message');
    assert.equal(reply.item.content[0]!.text, 'You said: again');

    const thread = await post(app, { type: 'threads.get_by_id', params: { thread_id: threadId } }, ME);
    assert.equal(thread.status, 200);
    const body = thread.json as { title: string; items: { data: unknown[] } };
    assert.equal(body.title, 'hello there');
    assert.equal(body.items.data.length, 4);
  });
});

describe('createApp without session options fails closed (over a real socket)', () => {
  let server: Listening;
  before(async () => {
    server = await listen(createApp({ responder: new EchoResponder() })); // the JSDoc example
  });
  after(() => server.close());

  it('refuses a request without an identity (401 missing_identity) instead of mapping it to a shared user', async () => {
    const alice = { 'X-Chart-Chat-Client': 'a'.repeat(12) + '-alice-0123456789abcdef' };
    assert.equal((await post(server.url, createThread('alice secret'), alice)).status, 200);
    for (const headers of [{}, { 'X-Chart-Chat-Client': '12345678' }, { 'X-Chart-Chat-Client': 'x'.repeat(31) }, { 'X-Chart-Chat-Client': 'anonymous' }] as Record<string, string>[]) {
      const list = await fetch(`${server.url}/api/chatkit`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: '{"type":"threads.list","params":{}}' });
      const text = await list.text();
      assert.equal(list.status, 401, JSON.stringify(headers));
      assert.equal((JSON.parse(text) as { error: { code: string } }).error.code, 'missing_identity');
      assert.equal(text.includes('alice secret'), false);
    }
    const bob = await post(server.url, { type: 'threads.list', params: {} }, { 'X-Chart-Chat-Client': 'b'.repeat(32) });
    assert.equal(bob.status, 200);
    assert.deepEqual((bob.json as { data: unknown[] }).data, [], 'each client has an identity of its own');
    const mine = await post(server.url, { type: 'threads.list', params: {} }, alice);
    assert.equal((mine.json as { data: unknown[] }).data.length, 1);
  });
});

describe('createApp logging', () => {
  it('reports responder failures to the configured structured logger, never to the client', async () => {
    const lines: string[] = [];
    const logger = createLogger({ level: 'error', sink: (line) => lines.push(line) });
    const responder = new ScriptedResponder(async function* () {
      throw new Error('db password rejected');
    });
    const app = createApp({ responder, logger });
    const answer = await post(app, createThread('hi'), { 'X-Chart-Chat-Client': 'log-test-client-0123456789abcdef01234' });
    assert.deepEqual(answer.events!.at(-1), { type: 'error', code: 'stream.error', allow_retry: true });
    assert.equal(answer.raw.includes('password'), false);
    const failure = lines.map((line) => JSON.parse(line) as { msg: string; error?: string }).find((entry) => entry.msg === 'responder failed');
    assert.ok(failure, lines.join('\n'));
    assert.match(failure.error!, /db password rejected/);
  });
});
