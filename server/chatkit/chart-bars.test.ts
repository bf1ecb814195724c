/**
 * Bars sent once per thread (docs/protocol.md §6), over a real socket on every store engine:
 * an upload is acknowledged with `X-Chart-Chat-Bars: <hash> <thread>`; a later request with that
 * hash and no bars hands the responder exactly the bars it would have had, on the same instance
 * and on a second app instance sharing the store (memory: one store object; PGlite: one database;
 * PostgreSQL: two connection pools to one database). A hash that does not resolve (unknown,
 * replaced, another thread, another user, a deleted thread, a new thread) is 412
 * `chart_bars_unknown`, and nothing is written; a malformed hash is 400 invalid_chart_context.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import { BARS_HEADER, type Bar } from '../../sdk/contract/index.js';
import { createApp } from '../app.js';
import { MemoryStore } from '../store/memory-store.js';
import { openPostgres } from '../store/sql/pg-engine.js';
import { SqlStore } from '../store/sql/sql-store.js';
import type { Store } from '../store/store.js';
import { addMessage, createdThreadId, createThread, post, type Answer } from '../test-support/chatkit-client.js';
import { parseSse } from '../test-support/sse.js';
import { closeSharedPglite, freshPostgres, NO_POSTGRES, sharedPglite } from '../test-support/databases.js';
import { listen, type Listening } from '../test-support/listen.js';
import { assistantDone, ScriptedResponder } from '../test-support/scripted-responder.js';
import { barsHash } from './chart-bars.js';
import { parseChartContext } from './chart-context.js';

const ALICE = { 'X-Chart-Chat-Client': 'alice-bars-client-0123456789abcdef0123' };
const BOB = { 'X-Chart-Chat-Client': 'bob-bars-client-0123456789abcdef012345' };

const demoBars = (JSON.parse(readFileSync(new URL('../../demo/data/TSLA-1D.json', import.meta.url), 'utf8')) as { bars: Bar[] }).bars;
const context = (bars: Bar[]) => ({ symbol: 'TSLA', timeframe: '1D', lastPrice: 250, bars });
const byHash = (hash: string) => ({ chart_context: { symbol: 'TSLA', timeframe: '1D', lastPrice: 250, bars: hash } });
/** The bars a responder gets from an upload: validated and capped (the newest 500). */
const validated = (bars: Bar[]) => {
  const parsed = parseChartContext(context(bars));
  assert.ok(parsed.success);
  return parsed.output.bars;
};

interface Instance {
  listening: Listening;
  seen: ScriptedResponder;
}

function instance(store: Store): Promise<Instance> {
  const seen = new ScriptedResponder(async function* (thread, _input, ctx) {
    yield assistantDone(thread, ctx, `bars: ${ctx.chartContext?.bars.length ?? 'none'}`);
  });
  return listen(createApp({ responder: seen, store })).then((listening) => ({ listening, seen }));
}

const lastBars = (i: Instance) => i.seen.calls.at(-1)?.ctx.chartContext?.bars;

function engineSuite(name: string, stores: () => Promise<[Store, Store]>): void {
  describe(`bars sent once per thread: ${name}`, () => {
    it('an upload is acknowledged; its hash then stands for the bars on this and another instance', async () => {
      const [storeA, storeB] = await stores();
      const [a, b] = await Promise.all([instance(storeA), instance(storeB)]);
      try {
        const bars = demoBars.slice(-300);
        const created = await postWithAck(a.listening.url, createThread('hello', { chart_context: context(bars) }), ALICE);
        const threadId = createdThreadId(created);
        const hash = barsHash(validated(bars));
        assert.equal(created.ack, `${hash} ${threadId}`, 'the acknowledgement names the hash of the validated bars and the new thread');
        const again = await postWithAck(b.listening.url, addMessage(threadId, 'again', { chart_context: context(bars) }), ALICE);
        assert.equal(again.ack, `${hash} ${threadId}`, 'the same bars uploaded again: acknowledged again');

        for (const target of [a, b]) {
          const answer = await post(target.listening.url, addMessage(threadId, 'same chart', byHash(hash)), ALICE);
          assert.equal(answer.status, 200, answer.raw);
          assert.deepEqual(lastBars(target), validated(bars), 'the responder sees exactly the uploaded bars');
          assert.equal(target.seen.calls.at(-1)?.ctx.chartContext?.lastPrice, 250, 'and the rest of the context as sent');
        }
        // A hash-only request is not acknowledged again (nothing was uploaded).
        assert.equal((await postWithAck(b.listening.url, addMessage(threadId, 'once more', byHash(hash)), ALICE)).ack, null);
        // A context without bars is not acknowledged either.
        const bare = await postWithAck(a.listening.url, addMessage(threadId, 'no bars', { chart_context: context([]) }), ALICE);
        assert.equal(bare.ack, null);
        assert.deepEqual(lastBars(a), [], 'and its responder sees no bars');
      } finally {
        await Promise.all([a.listening.close(), b.listening.close()]);
      }
    });

    it('a hash that does not resolve is 412 chart_bars_unknown, and nothing is written', async () => {
      const [storeA, storeB] = await stores();
      const [a, b] = await Promise.all([instance(storeA), instance(storeB)]);
      try {
        const bars = demoBars.slice(-200);
        const mine = createdThreadId(await post(a.listening.url, createThread('mine', { chart_context: context(bars) }), ALICE));
        const other = createdThreadId(await post(a.listening.url, createThread('other', { chart_context: context(demoBars.slice(-50)) }), ALICE));
        const bobs = createdThreadId(await post(a.listening.url, createThread('bob', { chart_context: context(bars) }), BOB));
        const hash = barsHash(validated(bars));
        const items = async (threadId: string, user: Record<string, string>) =>
          ((await post(a.listening.url, { type: 'items.list', params: { thread_id: threadId, limit: 100 } }, user)).json as { data: unknown[] }).data.length;
        const before = [await items(mine, ALICE), await items(other, ALICE), await items(bobs, BOB)];

        const refusals: Array<[string, unknown, Record<string, string>]> = [
          ['an unknown hash', addMessage(mine, 'x', byHash('0'.repeat(32))), ALICE],
          ['another thread of the same user', addMessage(other, 'x', byHash(hash)), ALICE],
          ["another user's thread with that user's hash", addMessage(bobs, 'x', byHash(hash)), ALICE],
          ['a thread that does not exist', addMessage('thr_missing', 'x', byHash(hash)), ALICE],
          ['a new thread', createThread('x', byHash(hash)), ALICE],
          ['a retry', { type: 'threads.retry_after_item', params: { thread_id: other, item_id: 'msg_x' }, metadata: byHash(hash) }, ALICE],
        ];
        for (const [what, body, user] of refusals) {
          for (const target of [a, b]) {
            const answer = await post(target.listening.url, body, user);
            assert.equal(answer.status, 412, `${what}: ${answer.raw}`);
            assert.deepEqual((answer.json as { error: { code: string } }).error.code, 'chart_bars_unknown', what);
          }
        }
        // Bob's own hash works for Bob only.
        assert.equal((await post(b.listening.url, addMessage(bobs, 'x', byHash(hash)), BOB)).status, 200);
        assert.deepEqual(lastBars(b), validated(bars));

        // New bars on the thread replace the old: the old hash no longer resolves, the new one does.
        const moved = demoBars.slice(-201, -1);
        assert.equal((await post(a.listening.url, addMessage(mine, 'moved', { chart_context: context(moved) }), ALICE)).status, 200);
        assert.equal((await post(b.listening.url, addMessage(mine, 'x', byHash(hash)), ALICE)).status, 412, 'replaced');
        const movedHash = barsHash(validated(moved));
        assert.equal((await post(b.listening.url, addMessage(mine, 'x', byHash(movedHash)), ALICE)).status, 200);
        assert.deepEqual(lastBars(b), validated(moved));

        const afterwards = [await items(mine, ALICE), await items(other, ALICE), await items(bobs, BOB)];
        assert.deepEqual(afterwards, [before[0]! + 4, before[1], before[2]! + 2], 'refused requests wrote nothing');

        // Gone with the thread.
        assert.equal((await post(a.listening.url, { type: 'threads.delete', params: { thread_id: mine } }, ALICE)).status, 200);
        assert.equal((await post(b.listening.url, addMessage(mine, 'x', byHash(movedHash)), ALICE)).status, 412);
      } finally {
        await Promise.all([a.listening.close(), b.listening.close()]);
      }
    });
  });
}

/** A streaming answer (read to the end) with its acknowledgement header. */
async function postWithAck(url: string, body: unknown, user: Record<string, string>): Promise<Answer & { ack: string | null }> {
  const res = await fetch(`${url}/api/chatkit`, { method: 'POST', headers: { 'content-type': 'application/json', ...user }, body: JSON.stringify(body) });
  const raw = await res.text();
  assert.equal(res.status, 200, raw);
  return { status: res.status, contentType: res.headers.get('content-type') ?? '', raw, events: parseSse(raw), ack: res.headers.get(BARS_HEADER) };
}

describe('bars hash in a request: validated before anything else', () => {
  it('a malformed hash is 400 invalid_chart_context, and so is the rest of a context that comes with a hash', async () => {
    const app = createApp({ responder: new ScriptedResponder(async function* () {}) });
    const cases: Array<[string, unknown, RegExp]> = [
      ['not hex', byHash('Z'.repeat(32)), /metadata\.chart_context\.bars: expected 32 lowercase hex digits/],
      ['too long', byHash('a'.repeat(33)), /metadata\.chart_context\.bars/],
      ['uppercase', byHash('A'.repeat(32)), /metadata\.chart_context\.bars/],
      ['bad symbol beside a hash', { chart_context: { symbol: '<b>', timeframe: '1D', bars: 'a'.repeat(32) } }, /metadata\.chart_context\.symbol/],
    ];
    for (const [what, metadata, message] of cases) {
      const answer = await post(app, addMessage('thr_x', 'x', metadata as Record<string, unknown>));
      assert.equal(answer.status, 400, `${what}: ${answer.raw}`);
      const error = (answer.json as { error: { code: string; message: string } }).error;
      assert.equal(error.code, 'invalid_chart_context', what);
      assert.match(error.message, message, what);
    }
  });

  it('stored bars that are not valid bars do not resolve (validated when read)', async () => {
    const store = new MemoryStore();
    const i = await instance(store);
    try {
      const threadId = createdThreadId(await post(i.listening.url, createThread('x', { chart_context: context(demoBars.slice(-5)) }), ALICE));
      const user = i.seen.calls[0]!.ctx.user;
      await store.saveChartBars(threadId, user, 'c'.repeat(32), '[{"time":1,"open":-1,"high":1,"low":1,"close":1}]');
      const answer = await post(i.listening.url, addMessage(threadId, 'x', byHash('c'.repeat(32))), ALICE);
      assert.equal(answer.status, 412, answer.raw);
    } finally {
      await i.listening.close();
    }
  });
});

const shared = new MemoryStore();
engineSuite('memory (one store, two app instances)', async () => [shared, shared]);

after(closeSharedPglite);
engineSuite('PGlite (one database, two app instances)', async () => {
  const db = await sharedPglite();
  return [new SqlStore(db), new SqlStore(db)];
});

const postgres = await freshPostgres();
if (postgres) {
  const second = await openPostgres({ connectionString: postgres.url });
  after(async () => {
    await second.close();
    await postgres.drop();
  });
  engineSuite('PostgreSQL (two connection pools to one database)', async () => {
    await postgres.truncate();
    return [new SqlStore(postgres.db), new SqlStore(second)];
  });
} else {
  describe('bars sent once per thread: PostgreSQL', () => {
    it('runs on a real PostgreSQL server', (t) => t.skip(NO_POSTGRES));
  });
}
