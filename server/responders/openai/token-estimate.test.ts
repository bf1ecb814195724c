import assert from 'node:assert/strict';
import { it } from 'node:test';
import { cutToTokens, estimateTokens } from './token-estimate.js';

it('estimates ASCII at 4 characters a token and any other character at one', () => {
  assert.equal(estimateTokens(''), 0);
  assert.equal(estimateTokens('abcd'), 1);
  assert.equal(estimateTokens('abcde'), 2);
  assert.equal(estimateTokens('支撑位在哪里'), 6);
  assert.equal(estimateTokens('price 价格'), 2 + 2);
});

it('cuts text to the longest start within a token count, never inside a surrogate pair', () => {
  assert.equal(cutToTokens('abcdefgh', 1), 'abcd');
  assert.equal(cutToTokens('abcdefgh', 5), 'abcdefgh');
  assert.equal(cutToTokens('支撑位在哪里', 3), '支撑位');
  assert.equal(cutToTokens('ab😀cd', 2), 'ab', 'an emoji is two code units, counted two tokens: it does not fit in half');
  const cut = cutToTokens('😀'.repeat(10), 5);
  assert.equal(cut, '😀😀');
});
