/**
 * A reusable contract suite for `Store` implementations (after chatkit-python's
 * tests/test_store.py). Call `storeContract(name, () => new YourStore())` from a test file.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AssistantMessageItem, ThreadMetadata, UserMessageItem } from '../wire/types.js';
import type { StoreLimits } from './limits.js';
import type { Store } from './store.js';

const at = (n: number): string => new Date(Date.UTC(2026, 0, 1, 0, 0, n)).toISOString();

const thread = (id: string, owner: string, n: number, extra: Partial<ThreadMetadata> = {}): ThreadMetadata => ({
  id,
  owner,
  created_at: at(n),
  status: { type: 'active' },
  metadata: {},
  ...extra,
});

const message = (id: string, threadId: string, n: number, text = id): AssistantMessageItem => ({
  type: 'assistant_message',
  id,
  thread_id: threadId,
  created_at: at(n),
  content: [{ type: 'output_text', text, annotations: [] }],
});

const userMessage = (id: string, threadId: string, n: number, text: string): UserMessageItem => ({
  type: 'user_message',
  id,
  thread_id: threadId,
  created_at: at(n),
  content: [{ type: 'input_text', text }],
  attachments: [],
  inference_options: {},
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Makes an empty store with the given limits (defaults for the rest). */
export type MakeStore = (limits?: Partial<StoreLimits>) => Store | Promise<Store>;

export function storeContract(name: string, make: MakeStore): void {
  describe(`Store contract: ${name}`, () => {
    it('saves and loads a thread, keeping a null title absent and metadata intact', async () => {
      const store = await make();
      await store.saveThread(thread('t1', 'alice', 1, { metadata: { secret: 1 } }));
      const loaded = await store.loadThread('t1', 'alice');
      assert.deepEqual(loaded, thread('t1', 'alice', 1, { metadata: { secret: 1 } }));
      assert.equal(loaded && 'title' in loaded, false);
      await store.saveThread({ ...loaded!, title: 'Named' });
      assert.equal((await store.loadThread('t1', 'alice'))?.title, 'Named');
    });

    it('scopes threads to their owner', async () => {
      const store = await make();
      await store.saveThread(thread('t1', 'alice', 1));
      assert.equal(await store.loadThread('t1', 'bob'), undefined);
      assert.equal(await store.loadThread('nope', 'alice'), undefined);
      assert.deepEqual((await store.loadThreads('bob', { limit: 10, order: 'desc' })).data, []);
      await store.deleteThread('t1', 'bob');
      assert.ok(await store.loadThread('t1', 'alice'), 'another owner cannot delete it');
    });

    it('returns copies: mutating a loaded thread or item does not change the store', async () => {
      const store = await make();
      await store.saveThread(thread('t1', 'alice', 1));
      const loaded = (await store.loadThread('t1', 'alice'))!;
      loaded.title = 'changed';
      assert.equal((await store.loadThread('t1', 'alice'))?.title, undefined);
      const item = message('m1', 't1', 2);
      await store.addItem('t1', item);
      item.content[0]!.text = 'changed';
      assert.deepEqual(await store.loadItem('t1', 'm1'), message('m1', 't1', 2));
    });

    it('paginates threads newest first with after = last id only when has_more (25 threads)', async () => {
      const store = await make();
      for (let i = 0; i < 25; i++) await store.saveThread(thread(`t${i}`, 'alice', i));
      await store.saveThread(thread('other', 'bob', 100));
      const first = await store.loadThreads('alice', { limit: 20, order: 'desc' });
      assert.equal(first.data.length, 20);
      assert.equal(first.data[0]!.id, 't24');
      assert.equal(first.has_more, true);
      assert.equal(first.after, 't5');
      const second = await store.loadThreads('alice', { limit: 20, order: 'desc', after: first.after! });
      assert.deepEqual(second.data.map((t) => t.id), ['t4', 't3', 't2', 't1', 't0']);
      assert.equal(second.has_more, false);
      assert.equal('after' in second, false);
      const asc = await store.loadThreads('alice', { limit: 3, order: 'asc' });
      assert.deepEqual(asc.data.map((t) => t.id), ['t0', 't1', 't2']);
    });

    it('orders items, paginates them both ways and returns an empty page for an unknown cursor', async () => {
      const store = await make();
      await store.saveThread(thread('t1', 'alice', 0));
      for (let i = 1; i <= 5; i++) await store.addItem('t1', message(`m${i}`, 't1', i));
      const asc = await store.loadItems('t1', { limit: 2, order: 'asc' });
      assert.deepEqual(asc.data.map((i) => i.id), ['m1', 'm2']);
      assert.deepEqual([asc.has_more, asc.after], [true, 'm2']);
      const next = await store.loadItems('t1', { limit: 10, order: 'asc', after: 'm2' });
      assert.deepEqual(next.data.map((i) => i.id), ['m3', 'm4', 'm5']);
      assert.equal(next.has_more, false);
      const desc = await store.loadItems('t1', { limit: 2, order: 'desc', after: 'm4' });
      assert.deepEqual(desc.data.map((i) => i.id), ['m3', 'm2']);
      assert.deepEqual(await store.loadItems('t1', { limit: 2, order: 'asc', after: 'gone' }), { data: [], has_more: false });
    });

    it('upserts items in place, loads and deletes single items', async () => {
      const store = await make();
      await store.saveThread(thread('t1', 'alice', 0));
      await store.addItem('t1', message('m1', 't1', 1));
      await store.addItem('t1', message('m2', 't1', 2));
      await store.saveItem('t1', message('m1', 't1', 1, 'edited'));
      const items = await store.loadItems('t1', { limit: 10, order: 'asc' });
      assert.deepEqual(items.data.map((i) => i.id), ['m1', 'm2']);
      assert.deepEqual(await store.loadItem('t1', 'm1'), message('m1', 't1', 1, 'edited'));
      await store.deleteItem('t1', 'm1');
      assert.equal(await store.loadItem('t1', 'm1'), undefined);
      assert.equal(await store.loadItem('t1', 'nope'), undefined);
    });

    it('deletes a thread with its items', async () => {
      const store = await make();
      await store.saveThread(thread('t1', 'alice', 0));
      await store.addItem('t1', message('m1', 't1', 1));
      await store.deleteThread('t1', 'alice');
      assert.equal(await store.loadThread('t1', 'alice'), undefined);
      assert.deepEqual((await store.loadItems('t1', { limit: 10, order: 'asc' })).data, []);
      assert.equal(await store.loadItem('t1', 'm1'), undefined);
    });

    it('keeps attachments per owner (when supported)', async (t) => {
      const store = await make();
      if (!store.saveAttachment || !store.loadAttachment || !store.deleteAttachment) return t.skip('no attachment support');
      const attachment = { type: 'file' as const, id: 'atc_1', name: 'a.txt', mime_type: 'text/plain' };
      await store.saveAttachment(attachment, 'alice');
      assert.deepEqual(await store.loadAttachment('atc_1', 'alice'), attachment);
      assert.equal(await store.loadAttachment('atc_1', 'bob'), undefined);
      await store.deleteAttachment('atc_1', 'bob');
      assert.ok(await store.loadAttachment('atc_1', 'alice'));
      await store.deleteAttachment('atc_1', 'alice');
      assert.equal(await store.loadAttachment('atc_1', 'alice'), undefined);
    });

    it('makes text well-formed before writing: NUL and lone surrogates become U+FFFD, pairs stay', async () => {
      const store = await make();
      const bad = 'a\u0000b\ud800c\udfffd 😀';
      await store.saveThread(thread('t1', 'alice', 0, { title: bad, metadata: { [`k\u0000`]: bad } }));
      await store.addItem('t1', userMessage('m1', 't1', 1, bad));
      const clean = 'a\ufffdb\ufffdc\ufffdd 😀';
      const loaded = await store.loadThread('t1', 'alice');
      assert.equal(loaded?.title, clean);
      assert.deepEqual(loaded?.metadata, { 'k\ufffd': clean });
      const item = (await store.loadItem('t1', 'm1')) as UserMessageItem;
      assert.equal(item.content[0]?.text, clean);
    });

    it('seeks keyset pages through a 300-item thread in (created_at, id) order, ties broken by id', async () => {
      const store = await make();
      await store.saveThread(thread('t1', 'alice', 0));
      for (let i = 0; i < 300; i++) await store.addItem('t1', message(`m${String(i).padStart(4, '0')}`, 't1', 1 + Math.floor(i / 2)));
      const newest = await store.loadItems('t1', { limit: 3, order: 'desc' });
      assert.deepEqual(newest.data.map((i) => i.id), ['m0299', 'm0298', 'm0297']);
      const before = await store.loadItems('t1', { limit: 2, order: 'desc', after: 'm0201' });
      assert.deepEqual(before.data.map((i) => i.id), ['m0200', 'm0199']);
      const after = await store.loadItems('t1', { limit: 2, order: 'asc', after: 'm0200' });
      assert.deepEqual(after.data.map((i) => i.id), ['m0201', 'm0202']);
      const tail = await store.loadItems('t1', { limit: 5, order: 'asc', after: 'm0297' });
      assert.deepEqual([tail.data.map((i) => i.id), tail.has_more], [['m0298', 'm0299'], false]);
      let seen = 0;
      let cursor: string | undefined;
      do {
        const page = await store.loadItems('t1', { limit: 64, order: 'asc', ...(cursor ? { after: cursor } : {}) });
        seen += page.data.length;
        cursor = page.after;
      } while (cursor);
      assert.equal(seen, 300);
    });

    it('refuses a thread over the per-user quota with 403 quota_exceeded (others unaffected)', async () => {
      const store = await make({ maxThreadsPerUser: 2 });
      await store.saveThread(thread('t1', 'alice', 1));
      await store.saveThread(thread('t2', 'alice', 2));
      await assert.rejects(store.saveThread(thread('t3', 'alice', 3)), { status: 403, code: 'quota_exceeded' });
      await store.saveThread({ ...thread('t2', 'alice', 2), title: 'renamed' }); // updating is not a new thread
      await store.saveThread(thread('b1', 'bob', 3));
      assert.equal((await store.loadThreads('alice', { limit: 10, order: 'asc' })).data.length, 2);
      await store.deleteThread('t1', 'alice');
      await store.saveThread(thread('t3', 'alice', 3));
    });

    it('refuses items over the per-thread count and the byte limit with 403 quota_exceeded', async () => {
      const store = await make({ maxItemsPerThread: 3, maxItemBytes: 2000 });
      await store.saveThread(thread('t1', 'alice', 0));
      for (let i = 1; i <= 3; i++) await store.addItem('t1', message(`m${i}`, 't1', i));
      await assert.rejects(store.addItem('t1', message('m4', 't1', 4)), { status: 403, code: 'quota_exceeded' });
      await store.saveItem('t1', message('m3', 't1', 3, 'edited')); // replacing takes no new slot
      await store.deleteItem('t1', 'm1');
      await store.addItem('t1', message('m4', 't1', 4));
      await assert.rejects(store.addItem('t1', message('m5', 't1', 5, 'x'.repeat(2000))), { status: 403, code: 'quota_exceeded' });
      assert.deepEqual((await store.loadItems('t1', { limit: 10, order: 'asc' })).data.map((i) => i.id), ['m2', 'm3', 'm4']);
    });

    it('deletes threads idle longer than the retention time, keeps active ones', async (t) => {
      const store = await make({ idleThreadTtlMs: 1000 });
      if (!store.sweepIdleThreads) return t.skip('no retention support');
      await store.saveThread(thread('old', 'alice', 1));
      await store.addItem('old', message('m1', 'old', 2));
      await store.saveThread(thread('busy', 'alice', 3));
      await sleep(600);
      await store.addItem('busy', message('m2', 'busy', 4)); // activity
      await sleep(600);
      assert.equal(await store.sweepIdleThreads(), 1);
      assert.equal(await store.loadThread('old', 'alice'), undefined);
      assert.equal(await store.loadItem('old', 'm1'), undefined);
      assert.ok(await store.loadThread('busy', 'alice'));
    });

    it('leases a thread to one holder: renewed, cancel-requested, released, taken over after expiry', async (t) => {
      const store = await make();
      const leases = store.leases;
      if (!leases) return t.skip('no lease support');
      assert.equal(await leases.claim('t1', 'a', 10_000), true);
      assert.equal(await leases.claim('t1', 'b', 10_000), false);
      assert.equal(await leases.isHeld('t1'), true);
      assert.equal(await leases.renew('t1', 'a', 10_000), 'held');
      assert.equal(await leases.renew('t1', 'b', 10_000), 'lost');
      assert.equal(await leases.requestCancel('t1'), true);
      assert.equal(await leases.renew('t1', 'a', 10_000), 'cancel_requested');
      await leases.release('t1', 'b'); // not b's to release
      assert.equal(await leases.isHeld('t1'), true);
      await leases.release('t1', 'a');
      assert.equal(await leases.isHeld('t1'), false);
      assert.equal(await leases.requestCancel('t1'), false);
      assert.equal(await leases.claim('t1', 'b', 150), true);
      assert.equal(await leases.renew('t1', 'b', 150), 'held', 'a new claim starts without a cancel request');
      await sleep(250); // b died: its lease expires
      assert.equal(await leases.isHeld('t1'), false);
      assert.equal(await leases.claim('t1', 'c', 10_000), true);
      assert.equal(await leases.renew('t1', 'b', 10_000), 'lost');
    });

    it('shares token buckets: one statement takes a token or refuses with a retry time', async (t) => {
      const store = await make();
      const buckets = store.rateBuckets;
      if (!buckets) return t.skip('no shared rate limits (per process)');
      const options = { capacity: 3, refillPerSecond: 0.5 };
      for (let i = 0; i < 3; i++) assert.deepEqual(await buckets.take('user:a', options), { allowed: true });
      const refused = await buckets.take('user:a', options);
      assert.equal(refused.allowed, false);
      assert.ok(!refused.allowed && refused.retryAfter >= 1 && refused.retryAfter <= 2, JSON.stringify(refused));
      assert.deepEqual(await buckets.take('user:b', options), { allowed: true }, 'another key has its own bucket');
      // One token a second: the second take must land within that second (PGlite under a
      // loaded machine can take a few hundred ms per statement), and 1.1 s later it is back.
      const fast = { capacity: 1, refillPerSecond: 1 };
      assert.deepEqual(await buckets.take('ip:x', fast), { allowed: true });
      assert.equal((await buckets.take('ip:x', fast)).allowed, false);
      await sleep(1_100);
      assert.deepEqual(await buckets.take('ip:x', fast), { allowed: true }, 'refilled');
    });

    it('counts daily usage: within the limit, refused past it, refunds, per key and per day', async (t) => {
      const store = await make();
      const usage = store.usage;
      if (!usage) return t.skip('no usage counters');
      const day = '2026-03-01';
      assert.equal(await usage.get('tokens:alice', day), 0);
      assert.deepEqual(await usage.add('tokens:alice', day, 600, 1000), { added: true, used: 600 });
      assert.deepEqual(await usage.add('tokens:alice', day, 400, 1000), { added: true, used: 1000 }, 'reaching the limit exactly is allowed');
      assert.deepEqual(await usage.add('tokens:alice', day, 1, 1000), { added: false, used: 1000 }, 'one past it is refused');
      assert.deepEqual(await usage.add('tokens:alice', day, -250), { added: true, used: 750 }, 'a refund of an over-estimate');
      assert.deepEqual(await usage.add('tokens:alice', day, -5000), { added: true, used: 0 }, 'never below zero');
      assert.deepEqual(await usage.add('tokens:alice', day, 2000, 1000), { added: false, used: 0 }, 'more than the whole limit at once');
      assert.deepEqual(await usage.add('tokens:alice', day, 2000), { added: true, used: 2000 }, 'no limit: always counted');
      assert.deepEqual(await usage.add('tokens:bob', day, 10, 1000), { added: true, used: 10 }, 'another key has its own counter');
      assert.deepEqual(await usage.add('tokens:alice', '2026-03-02', 10, 1000), { added: true, used: 10 }, 'a new day starts at zero');
      assert.equal(await usage.get('tokens:alice', '2026-03-02'), 10);
    });

    it('counts daily usage: concurrent adds never pass the limit together', async (t) => {
      const store = await make();
      const usage = store.usage;
      if (!usage) return t.skip('no usage counters');
      const results = await Promise.all(Array.from({ length: 25 }, () => usage.add('tokens:race', '2026-03-01', 10, 100)));
      assert.equal(results.filter((r) => r.added).length, 10);
      assert.equal(await usage.get('tokens:race', '2026-03-01'), 100);
    });

    it('keeps the bars last uploaded on a thread, found only by its owner, that thread and that hash', async () => {
      const store = await make();
      assert.ok(store.saveChartBars && store.loadChartBars, 'the built-in stores keep chart bars');
      await store.saveThread(thread('t1', 'alice', 1));
      await store.saveThread(thread('t2', 'alice', 2));
      await store.saveThread(thread('t3', 'bob', 3));
      const [h1, h2] = ['a'.repeat(32), 'b'.repeat(32)];
      const json = '[{"time":1,"open":2,"high":3,"low":1,"close":2}]';
      await store.saveChartBars('t1', 'alice', h1, json);
      assert.equal(await store.loadChartBars('t1', 'alice', h1), json);
      assert.equal(await store.loadChartBars('t1', 'alice', h2), undefined, 'another hash');
      assert.equal(await store.loadChartBars('t1', 'bob', h1), undefined, 'another user');
      assert.equal(await store.loadChartBars('t2', 'alice', h1), undefined, 'another thread of the same user');
      assert.equal(await store.loadChartBars('missing', 'alice', h1), undefined, 'a thread that does not exist');

      // Never written for someone else's thread or a missing one.
      await store.saveChartBars('t3', 'alice', h1, json);
      assert.equal(await store.loadChartBars('t3', 'bob', h1), undefined);
      assert.equal(await store.loadChartBars('t3', 'alice', h1), undefined);
      await store.saveChartBars('missing', 'alice', h1, json);
      assert.equal(await store.loadChartBars('missing', 'alice', h1), undefined);

      // The next upload replaces it; the same one again changes nothing.
      const next = '[{"time":2,"open":2,"high":3,"low":1,"close":2}]';
      await store.saveChartBars('t1', 'alice', h2, next);
      assert.equal(await store.loadChartBars('t1', 'alice', h1), undefined, 'replaced');
      assert.equal(await store.loadChartBars('t1', 'alice', h2), next);
      await store.saveChartBars('t1', 'alice', h2, next);
      assert.equal(await store.loadChartBars('t1', 'alice', h2), next);

      // Gone with the thread.
      await store.deleteThread('t1', 'alice');
      await store.saveThread(thread('t1', 'alice', 4));
      assert.equal(await store.loadChartBars('t1', 'alice', h2), undefined);
    });

    it('shares token buckets: back-to-back takes within one clock tick are refused, not counted as taken', async (t) => {
      const store = await make();
      const buckets = store.rateBuckets;
      if (!buckets) return t.skip('no shared rate limits (per process)');
      const slow = { capacity: 2, refillPerSecond: 0.01 };
      const results = [];
      for (let i = 0; i < 30; i++) results.push((await buckets.take('user:burst', slow)).allowed);
      assert.deepEqual(results, [true, true, ...Array<boolean>(28).fill(false)]);
    });
  });
}
