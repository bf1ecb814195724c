/**
 * A reusable contract suite for `Store` implementations (after chatkit-python's
 * tests/test_store.py). Call `storeContract(name, () => new YourStore())` from a test file.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AssistantMessageItem, ThreadMetadata } from '../wire/types.js';
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

export function storeContract(name: string, make: () => Store | Promise<Store>): void {
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
  });
}
