/**
 * The protocol suite a runtime must pass, over real HTTP against a server built from the packed
 * package (test/runtimes/entries/app.mjs): health, the ChatKit protocol (streams and JSON ops,
 * exact SSE framing, owner scoping, refusals), the aliases and chart-action, sessions, CORS,
 * Stop-then-send, and a known client address.
 */
import assert from 'node:assert/strict';
import { addMessage, createdThreadId, createThread, post } from '../../server/test-support/chatkit-client.js';
import { readSse, SSE_FRAMING } from '../../server/test-support/sse.js';

export interface SuiteOptions {
  /** The address the runtime should report for a client on 127.0.0.1 (null: it cannot know). */
  readonly expectAddress: 'loopback' | null;
}

const ALICE = { 'X-Chart-Chat-Client': 'runtime-alice-0001-aaaaaaaaaaaaaaaaaaaa' };
const BOB = { 'X-Chart-Chat-Client': 'runtime-bob-000001-bbbbbbbbbbbbbbbbbbbb' };
const CONTEXT = { symbol: 'TSLA', timeframe: '1D', bars: [{ time: 1_700_000_000, open: 10, high: 12, low: 9, close: 11 }] };
type ErrorBody = { error: { code: string; message: string } };

/** Runs every check; throws (with the check's name) on the first failure. */
export async function runProtocolSuite(base: string, options: SuiteOptions): Promise<string[]> {
  const passed: string[] = [];
  const check = async (name: string, body: () => Promise<void>) => {
    try {
      await body();
      passed.push(name);
    } catch (error) {
      throw new Error(`${name}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
  };

  await check('healthz', async () => {
    const response = await fetch(`${base}/healthz`);
    assert.deepEqual([response.status, await response.json()], [200, { ok: true }]);
  });

  let threadId = '';
  await check('threads.create streams in exact ChatKit SSE framing', async () => {
    const answer = await post(base, createThread('hello runtime', { chart_context: CONTEXT }), ALICE);
    assert.equal(answer.status, 200, answer.raw);
    assert.match(answer.contentType, /^text\/event-stream/);
    assert.match(answer.raw, SSE_FRAMING);
    threadId = createdThreadId(answer);
    const done = answer.events!.filter((e) => e.type === 'thread.item.done').map((e) => (e.type === 'thread.item.done' ? e.item : null));
    const reply = done.find((item) => item?.type === 'assistant_message');
    assert.equal(reply?.type === 'assistant_message' && reply.content[0]?.text, 'You said: hello runtime [chart: TSLA 1D, 1 bars]');
  });

  await check('JSON ops, scoped to their owner', async () => {
    const next = await post(base, addMessage(threadId, 'second'), ALICE);
    assert.equal(next.status, 200, next.raw);
    const items = (await post(base, { type: 'items.list', params: { thread_id: threadId, order: 'asc', limit: 20 } }, ALICE)).json as { data: { type: string }[] };
    assert.deepEqual(items.data.map((item) => item.type), ['user_message', 'assistant_message', 'user_message', 'assistant_message']);
    const mine = (await post(base, { type: 'threads.list', params: {} }, ALICE)).json as { data: { id: string }[] };
    assert.deepEqual(mine.data.map((thread) => thread.id), [threadId]);
    const theirs = (await post(base, { type: 'threads.list', params: {} }, BOB)).json as { data: unknown[] };
    assert.deepEqual(theirs.data, []);
    const foreign = await post(base, { type: 'threads.get_by_id', params: { thread_id: threadId } }, BOB);
    assert.equal(foreign.status, 404);
  });

  await check('refusals are 4xx JSON errors', async () => {
    const bad = await post(base, '{"type": "threads.create", "params": ', ALICE);
    assert.deepEqual([bad.status, (bad.json as ErrorBody).error.code], [400, 'invalid_json']);
    const unknown = await post(base, { type: 'threads.nope', params: {} }, ALICE);
    assert.equal(unknown.status, 400);
    const get = await fetch(`${base}/api/chatkit`, { headers: ALICE });
    assert.equal(get.status, 405);
    const missing = await fetch(`${base}/nowhere`);
    assert.equal(missing.status, 404);
    assert.equal(((await missing.json()) as ErrorBody).error.code, 'not_found');
  });

  await check('aliases and chart-action', async () => {
    const proxied = await post(base, { type: 'threads.list', params: {} }, ALICE, '/api/chatkit/proxy');
    assert.equal((proxied.json as { data: unknown[] }).data.length, 1);
    const action = await post(base, { query: 'hi', chart_context: CONTEXT }, ALICE, '/api/chatkit/chart-action');
    assert.deepEqual(action.json, { text: 'You said: hi [chart: TSLA 1D, 1 bars]', chart_commands: [] });
  });

  await check('sessions: a minted token is an identity of its own, a forged one is refused', async () => {
    const mint = async () => {
      const response = await fetch(`${base}/api/chatkit/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ device_id: 'a claim', existing_session: null }) });
      assert.equal(response.status, 200);
      const { token } = (await response.json()) as { token: string };
      // Whatever the session endpoint binds the token to (a cookie), the holder sends it back.
      const cookie = (response.headers.get('set-cookie') ?? '').split(';')[0]!;
      return { authorization: `Bearer ${token}`, ...(cookie ? { cookie } : {}) };
    };
    const carol = await mint();
    const created = await post(base, createThread('mine'), carol);
    assert.equal(created.status, 200, created.raw);
    const list = (await post(base, { type: 'threads.list', params: {} }, carol)).json as { data: unknown[] };
    assert.equal(list.data.length, 1);
    const other = (await post(base, { type: 'threads.list', params: {} }, await mint())).json as { data: unknown[] };
    assert.deepEqual(other.data, [], 'another session sees none of them');
    const forged = await post(base, { type: 'threads.list', params: {} }, { ...carol, authorization: `${carol.authorization.slice(0, -4)}AAAA` });
    assert.equal(forged.status, 401);
  });

  await check('CORS: ChatKit headers from an allowed origin, 403 for others', async () => {
    const headers = { 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,authorization,chatkit-frame-instance-id,x-chart-chat-client' };
    const allowed = await fetch(`${base}/api/chatkit`, { method: 'OPTIONS', headers: { origin: 'https://shop.example', ...headers } });
    assert.equal(allowed.status, 204);
    assert.equal(allowed.headers.get('access-control-allow-origin'), 'https://shop.example');
    assert.match(allowed.headers.get('access-control-allow-headers') ?? '', /chatkit-frame-instance-id/);
    const refused = await fetch(`${base}/api/chatkit`, { method: 'OPTIONS', headers: { origin: 'https://evil.example', ...headers } });
    assert.equal(refused.status, 403);
  });

  await check('Stop, then send again: the new answer streams, the old partial answer is kept', async () => {
    const stop = new AbortController();
    const response = await fetch(`${base}/api/chatkit`, {
      method: 'POST',
      headers: { ...ALICE, 'content-type': 'application/json' },
      body: JSON.stringify(addMessage(threadId, '/slow 400')),
      signal: stop.signal,
    });
    let shown = '';
    let deltas = 0;
    for await (const event of readSse(response.body!)) {
      if (event.type === 'thread.item.updated' && event.update.type === 'assistant_message.content_part.text_delta') {
        shown += event.update.delta;
        if (++deltas === 3) break;
      }
    }
    stop.abort();
    const again = await post(base, addMessage(threadId, 'again'), ALICE);
    assert.equal(again.status, 200, again.raw);
    const items = (await post(base, { type: 'items.list', params: { thread_id: threadId, order: 'asc', limit: 20 } }, ALICE)).json as {
      data: { type: string; content: { text?: string }[] }[];
    };
    const texts = items.data.map((item) => item.content.map((part) => part.text ?? '').join(''));
    assert.deepEqual(texts.slice(4, 5), ['/slow 400']);
    assert.ok(texts[5]!.startsWith(shown), `the partial answer "${texts[5]}" was kept (shown: "${shown}")`);
    assert.deepEqual(texts.slice(6), ['again', 'You said: again']);
  });

  await check('the client address is what the runtime says', async () => {
    const { ip } = (await (await fetch(`${base}/test/client-ip`)).json()) as { ip: string | null };
    if (options.expectAddress === null) assert.equal(ip, null);
    else assert.match(ip ?? '', /^(127\.0\.0\.1|::1|::ffff:127\.0\.0\.1)$/);
  });

  return passed;
}
