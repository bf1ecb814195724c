import assert from 'node:assert/strict';
import { it } from 'node:test';
import { QuickCheck } from './quick-check.js';

const SECRET = 'sk-test-QUICK-0123456789abcdef';
const bytes = (text: string) => new TextEncoder().encode(text);
const frame = (delta: string) =>
  `data: ${JSON.stringify({ type: 'thread.item.updated', item_id: 'm', update: { type: 'assistant_message.content_part.text_delta', content_index: 0, delta } })}\n\n`;

it('the key guard fast path passes only chunks that cannot hold a secret or start one', () => {
  const quick = new QuickCheck([SECRET]);
  assert.equal(quick.clean(bytes(frame('harmless text, sk- in the middle is no start')), true), true);
  assert.equal(quick.clean(bytes(frame('ends in s')), true), false, 'a delta ending in the first character of a secret');
  assert.equal(quick.clean(bytes(frame('ends in sk-') + frame('next')), true), false, 'such a delta anywhere in the chunk');
  assert.equal(quick.clean(bytes('data: {"type":"thread.item.updated","update":{"delta":"x","type":"assistant_message.content_part.text_delta"}}\n\n'), true), false, 'a delta frame laid out otherwise');
  assert.equal(quick.clean(bytes('data: {"type":"thread.item.done","item":{"text":"ends in s"}}\n\n'), true), true, 'only text deltas are held');
  assert.equal(quick.clean(bytes(frame(`here: ${SECRET}`)), true), false, 'a whole secret');
  assert.equal(quick.clean(bytes(frame('starts sk-tes')), true), false, 'a delta the delta guard would hold');
  assert.equal(quick.clean(bytes('data: {"a":1}'), true), false, 'half a frame');
  assert.equal(quick.clean(bytes('{"note":"ends in sk-test-QU'), false), false, "a secret's start at the end of a chunk");
  assert.equal(quick.clean(bytes('{"note":"ends in s'), false), false, "even one byte of a secret's start");
  assert.equal(quick.clean(bytes('{"note":"plain"}'), false), true);
  const accented = bytes('{"note":"é');
  assert.equal(quick.clean(accented.subarray(0, accented.byteLength - 1), false), false, 'half a character at the end');
  assert.equal(new QuickCheck(['sk-tést-0123456789']).clean(bytes('{"a":1}'), false), false, 'non-ASCII secrets always take the slow path');
});
