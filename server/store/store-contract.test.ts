import assert from 'node:assert/strict';
import { it } from 'node:test';
import { MemoryStore } from './memory-store.js';
import { storeContract } from './store-contract.js';

storeContract('MemoryStore', (limits) => new MemoryStore(limits));

it('MemoryStore refuses items for a thread that does not exist (no orphans)', async () => {
  const store = new MemoryStore();
  await assert.rejects(
    store.addItem('missing', { type: 'end_of_turn', id: 'e1', thread_id: 'missing', created_at: new Date().toISOString() }),
  );
});
