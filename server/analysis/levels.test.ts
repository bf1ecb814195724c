import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findLevels } from './levels.js';
import { findPivots } from './pivots.js';
import { barsFromPath } from './synthetic.js';
import { highestHigh, lowestLow } from './extremes.js';

/** A triangle wave between lo and hi with the given period (starts at lo). */
const triangle = (i: number, lo: number, hi: number, period: number) => {
  const phase = (i % period) / period;
  return lo + (hi - lo) * (phase < 0.5 ? phase * 2 : 2 - phase * 2);
};

/** 120 bars ranging 120..140, then 191 bars ranging 100..120; ends mid-range near 110. */
function plantedRange(seed: number) {
  const path = (i: number) => (i < 120 ? triangle(i, 120, 140, 40) : triangle(i - 120, 100, 120, 40));
  const floor = (i: number) => (i < 120 ? 120 : 100);
  const ceiling = (i: number) => (i < 120 ? 140 : 120);
  return barsFromPath(311, path, { seed, noise: 0.4, wick: 0.8, floor, ceiling });
}

describe('swing pivots', () => {
  it('finds the planted turning points and nothing on a flat series', () => {
    const bars = barsFromPath(81, (i) => triangle(i, 100, 120, 40));
    const pivots = findPivots(bars, { left: 3, right: 3 });
    assert.deepEqual(
      pivots.map((p) => [p.kind, p.index]),
      [['high', 20], ['low', 40], ['high', 60]],
    );
    assert.deepEqual(findPivots(barsFromPath(50, () => 42)), []);
  });

  it('needs left + right + 1 bars', () => {
    const bars = barsFromPath(6, (i) => [1, 2, 3, 9, 3, 2][i]!);
    assert.deepEqual(findPivots(bars, { left: 3, right: 3 }), []);
    assert.equal(findPivots(bars, { left: 3, right: 2 }).length, 1);
  });
});

describe('support and resistance levels', () => {
  for (const seed of [1, 2, 3]) {
    it(`finds the planted 100 / 120 / 140 levels (seed ${seed})`, () => {
      const bars = plantedRange(seed);
      const result = findLevels(bars);
      assert.ok(result.lastClose! > 104 && result.lastClose! < 116, `last close ${result.lastClose}`);
      const support = result.support[0];
      assert.ok(support, 'a support level');
      assert.ok(Math.abs(support.price - 100) <= 0.5, `support at ${support.price}`);
      assert.equal(support.role, 'support');
      assert.ok(support.touches >= 4, `support touches ${support.touches}`);
      const [r1, r2] = result.resistance;
      assert.ok(r1 && Math.abs(r1.price - 120) <= 0.5, `first resistance at ${r1?.price}`);
      assert.ok(r2 && Math.abs(r2.price - 140) <= 0.5, `second resistance at ${r2?.price}`);
      // 120 was resistance 5 times and support 3 times: the flip level is the strongest
      assert.ok(r1.touches >= 6, `120 touches ${r1.touches}`);
      assert.ok(r1.low >= 119 && r1.high <= 120.0001);
    });
  }

  it('keeps at most perSide levels on each side, nearest first', () => {
    const result = findLevels(plantedRange(4), { perSide: 1 });
    assert.equal(result.support.length, 1);
    assert.equal(result.resistance.length, 1);
    assert.ok(Math.abs(result.resistance[0]!.price - 120) <= 0.5);
    const all = findLevels(plantedRange(4), { perSide: 5, minTouches: 1 });
    const prices = all.resistance.map((l) => l.price);
    assert.deepEqual(prices, [...prices].sort((a, b) => a - b));
  });

  it('a percent tolerance works like an ATR one on the planted range', () => {
    const result = findLevels(plantedRange(5), { tolerance: { percent: 0.5 } });
    assert.ok(Math.abs(result.support[0]!.price - 100) <= 0.5);
    assert.ok(result.tolerance > 0.5 && result.tolerance < 0.6);
  });

  it('handles no bars, few bars and flat data', () => {
    assert.deepEqual(findLevels([]), { support: [], resistance: [], lastClose: null, tolerance: 0 });
    const few = findLevels(barsFromPath(4, (i) => 100 + i));
    assert.deepEqual([few.support, few.resistance], [[], []]);
    const flat = findLevels(barsFromPath(200, () => 50));
    assert.deepEqual([flat.support, flat.resistance], [[], []]);
    assert.ok(flat.tolerance > 0);
  });

  it('ignores time gaps: levels depend on bars, not on the calendar', () => {
    const bars = plantedRange(6);
    const gapped = bars.map((b, i) => ({ ...b, time: b.time + (i >= 150 ? 30 * 86_400 : 0) }));
    const a = findLevels(bars);
    const b = findLevels(gapped);
    assert.deepEqual(a.support.map((l) => l.price), b.support.map((l) => l.price));
    assert.ok(b.support[0]!.lastTime > bars.at(-1)!.time - 86_400 * 200);
  });
});

describe('price gaps', () => {
  it('finds the new range after a gap up and keeps the old one as support', () => {
    // 160 bars ranging 100..120, then a gap to a 150..170 range.
    const path = (i: number) => (i < 160 ? triangle(i, 100, 120, 40) : triangle(i - 160, 150, 170, 40));
    const bars = barsFromPath(331, path, {
      seed: 8,
      noise: 0.4,
      wick: 0.8,
      floor: (i) => (i < 160 ? 100 : 150),
      ceiling: (i) => (i < 160 ? 120 : 170),
    });
    const result = findLevels(bars, { perSide: 4 });
    const near = (levels: { price: number }[], price: number) => levels.some((l) => Math.abs(l.price - price) <= 0.6);
    assert.ok(near(result.support, 150), `support ${result.support.map((l) => l.price)}`);
    assert.ok(near(result.support, 120) && near(result.support, 100));
    assert.ok(near(result.resistance, 170), `resistance ${result.resistance.map((l) => l.price)}`);
  });
});

describe('extremes', () => {
  it('finds the highest high and lowest low with their bars', () => {
    const bars = plantedRange(7);
    const hi = highestHigh(bars)!;
    const lo = lowestLow(bars)!;
    assert.equal(hi.price, Math.max(...bars.map((b) => b.high)));
    assert.equal(lo.price, Math.min(...bars.map((b) => b.low)));
    assert.equal(bars[hi.index]!.time, hi.time);
    assert.ok(hi.price <= 140 && hi.price > 139);
    assert.equal(highestHigh([]), null);
    assert.equal(lowestLow([]), null);
  });
});
