import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TokenBuckets } from './token-bucket.js';

test('a key gets its burst, then waits for refill with an honest Retry-After', () => {
  let now = 0;
  const buckets = new TokenBuckets({ capacity: 3, refillPerSecond: 0.5, now: () => now });
  for (let i = 0; i < 3; i++) assert.deepEqual(buckets.take('a'), { allowed: true });
  assert.deepEqual(buckets.take('a'), { allowed: false, retryAfter: 2 });
  now = 1000;
  assert.deepEqual(buckets.take('a'), { allowed: false, retryAfter: 1 });
  now = 2000;
  assert.deepEqual(buckets.take('a'), { allowed: true });
  assert.equal(buckets.take('a').allowed, false);
  // Other keys are independent.
  assert.deepEqual(buckets.take('b'), { allowed: true });
});

test('refill never exceeds the capacity', () => {
  let now = 0;
  const buckets = new TokenBuckets({ capacity: 2, refillPerSecond: 10, now: () => now });
  buckets.take('a');
  now = 60_000;
  assert.equal(buckets.take('a').allowed, true);
  assert.equal(buckets.take('a').allowed, true);
  assert.equal(buckets.take('a').allowed, false);
});

test('memory stays bounded: maxKeys evicts and rested buckets are swept', () => {
  let now = 0;
  const buckets = new TokenBuckets({ capacity: 1, refillPerSecond: 1, maxKeys: 2000, now: () => now });
  for (let i = 0; i < 5000; i++) buckets.take(`ip-${i}`);
  assert.ok(buckets.size <= 2000, `size ${buckets.size}`);
  now = 10_000;
  buckets.take('fresh');
  assert.equal(buckets.size, 1);
});

test('nonsense options are refused', () => {
  assert.throws(() => new TokenBuckets({ capacity: 0, refillPerSecond: 1 }));
  assert.throws(() => new TokenBuckets({ capacity: 1, refillPerSecond: 0 }));
  assert.throws(() => new TokenBuckets({ capacity: Number.NaN, refillPerSecond: 1 }));
});
