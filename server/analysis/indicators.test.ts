import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bollinger, ema, rsi, sma } from '../../sdk/indicators/index.js';
import { computeIndicator } from './indicator.js';
import { barsFromPath } from './synthetic.js';

const close = (xs: number[], digits = 9) => xs.map((x) => (Number.isNaN(x) ? NaN : Number(x.toFixed(digits))));

describe('indicators (sdk/indicators)', () => {
  it('sma averages each full window and leaves the warm-up NaN', () => {
    assert.deepEqual(sma([1, 2, 3, 4, 5], 3), [NaN, NaN, 2, 3, 4]);
    assert.deepEqual(sma([7], 1), [7]);
    assert.deepEqual(sma([1, 2], 3), [NaN, NaN]);
  });

  it('ema seeds with the sma and then smooths with 2/(n+1)', () => {
    // alpha = 0.5 for period 3; seed = mean(1,2,3) = 2; then 0.5*4+0.5*2 = 3; 0.5*10+0.5*3 = 6.5
    assert.deepEqual(ema([1, 2, 3, 4, 10], 3), [NaN, NaN, 2, 3, 6.5]);
  });

  it('bollinger band width stays exact at large prices (3e6 with ±1 noise)', () => {
    const noise = [1, -1, 0.5, -0.5, 1, 0, -1, 0.25, -0.75, 0.5];
    const values = Array.from({ length: 200 }, (_, i) => 3e6 + noise[i % noise.length]!);
    const { middle, upper, lower } = bollinger(values, 20, 2);
    for (let i = 19; i < values.length; i++) {
      const window = values.slice(i - 19, i + 1);
      const mean = window.reduce((a, b) => a + (b - 3e6), 0) / 20 + 3e6;
      const sd = Math.sqrt(window.reduce((a, b) => a + (b - mean) ** 2, 0) / 20);
      const width = upper[i]! - lower[i]!;
      assert.ok(Math.abs(width - 4 * sd) / (4 * sd) < 1e-6, `bar ${i}: width ${width}, expected ${4 * sd}`);
      assert.ok(Math.abs(middle[i]! - mean) < 1e-6);
    }
  });

  it('bollinger bands are mean +/- k population deviations', () => {
    const { middle, upper, lower } = bollinger([2, 4, 4, 4, 5, 5, 7, 9], 8, 2);
    // population sd of that classic sample is exactly 2, mean 5
    assert.equal(middle[7], 5);
    assert.equal(close(upper)[7], 9);
    assert.equal(close(lower)[7], 1);
    const flat = bollinger([3, 3, 3, 3], 2, 2);
    assert.deepEqual(flat.upper.slice(1), [3, 3, 3]);
  });

  it('rsi is 100 for only gains, 0 for only losses, 50 for no change, and Wilder-smoothed otherwise', () => {
    assert.equal(rsi([1, 2, 3, 4, 5], 3)[4], 100);
    assert.equal(rsi([5, 4, 3, 2, 1], 3)[4], 0);
    assert.equal(rsi([2, 2, 2, 2], 2)[3], 50);
    // gains 1, losses 1 over period 2 -> 50; then +2: gain=(1/2*1+2)/2=1.25, loss=(0.5*1+0)/2=0.25 -> 100-100/6
    const r = rsi([1, 2, 1, 3], 2);
    assert.equal(r[2], 50);
    assert.equal(Number(r[3]!.toFixed(9)), Number((100 - 100 / 6).toFixed(9)));
  });

  it('rejects periods that are not whole bars', () => {
    assert.throws(() => sma([1, 2], 0), RangeError);
    assert.throws(() => ema([1, 2], 1.5), RangeError);
    assert.throws(() => bollinger([1, 2], 2, 0), RangeError);
  });

  it('computeIndicator quotes the last values over the chosen source', () => {
    const bars = barsFromPath(30, (i) => 100 + i);
    const s = computeIndicator(bars, { indicator: 'sma', period: 10 });
    assert.equal(s.value, (120 + 129) / 2); // closes 120..129
    assert.equal(s.time, bars[29]!.time);
    const b = computeIndicator(bars, { indicator: 'bollinger' });
    assert.equal(b.period, 20);
    assert.ok(b.upper! > b.value! && b.value! > b.lower!);
    assert.equal(computeIndicator(bars.slice(0, 5), { indicator: 'rsi' }).value, null);
  });
});
