import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findTrendline } from './trendline.js';
import { summarizeTrend } from './trend.js';
import { recentSwing } from './fib.js';
import { barsFromPath } from './synthetic.js';
import type { OhlcBar } from './types.js';

/** 0..height..0 every `period` bars. */
const wave = (i: number, height: number, period: number) => {
  const phase = (i % period) / period;
  return height * (phase < 0.5 ? phase * 2 : 2 - phase * 2);
};

const rising = (i: number) => 100 + 0.25 * i;
const falling = (i: number) => 200 - 0.3 * i;

function risingChannel(seed: number, count = 200): OhlcBar[] {
  return barsFromPath(count, (i) => rising(i) + wave(i, 10, 30), { seed, noise: 0.3, wick: 0.6, floor: rising });
}

describe('trendlines', () => {
  for (const seed of [1, 2, 3]) {
    it(`finds the planted rising support line (seed ${seed})`, () => {
      const bars = risingChannel(seed);
      const line = findTrendline(bars, 'support');
      assert.ok(line, 'a support line');
      assert.equal(line.kind, 'support');
      for (const p of [line.p1, line.p2]) {
        assert.ok(Math.abs(p.price - rising(p.index)) <= 0.5, `anchor ${p.price} vs planted ${rising(p.index)}`);
        assert.equal(p.time, bars[p.index]!.time);
      }
      assert.ok(Math.abs(line.slopePerBar - 0.25) <= 0.02, `slope ${line.slopePerBar}`);
      assert.ok(line.touches >= 4, `touches ${line.touches}`);
      assert.ok(Math.abs(line.priceAtLastBar - rising(bars.length - 1)) <= 1);
    });
  }

  it('finds the planted falling resistance line', () => {
    const bars = barsFromPath(200, (i) => falling(i) - wave(i, 12, 26), { seed: 9, noise: 0.3, wick: 0.6, ceiling: falling });
    const line = findTrendline(bars, 'resistance');
    assert.ok(line);
    assert.ok(Math.abs(line.slopePerBar + 0.3) <= 0.02, `slope ${line.slopePerBar}`);
    assert.ok(Math.abs(line.p1.price - falling(line.p1.index)) <= 0.5);
    assert.ok(line.touches >= 4);
  });

  it('rejects a line once closes break through it', () => {
    const base = risingChannel(4);
    const crashFrom = base.at(-1)!.close;
    // 20 more bars closing well under the planted line
    const crash = barsFromPath(20, (i) => crashFrom * (0.97 - 0.01 * i), { start: base.at(-1)!.time + 86_400 });
    const bars = [...base, ...crash];
    const line = findTrendline(bars, 'support');
    const n = bars.length;
    if (line) {
      assert.ok(Math.abs(line.priceAtLastBar - rising(n - 1)) > 5, 'the planted line must not survive the breakdown');
      const slope = line.slopePerBar;
      for (let k = line.p1.index; k < n; k++) {
        assert.ok(bars[k]!.close >= line.p1.price + slope * (k - line.p1.index) - 1, `close ${k} under the line`);
      }
    }
  });

  it('returns null with too few bars or no swings', () => {
    assert.equal(findTrendline([], 'support'), null);
    assert.equal(findTrendline(barsFromPath(2, () => 10), 'resistance'), null);
    assert.equal(findTrendline(barsFromPath(100, () => 10), 'support'), null);
  });
});

describe('trend summary', () => {
  it('calls a steady rise up, a steady fall down, a range sideways', () => {
    const up = summarizeTrend(risingChannel(5));
    assert.equal(up?.direction, 'up');
    assert.ok(up!.changePercent > 0);
    assert.equal(up!.bars, 100);
    const down = summarizeTrend(barsFromPath(150, (i) => falling(i) - wave(i, 12, 26), { seed: 3, noise: 0.3 }));
    assert.equal(down?.direction, 'down');
    const range = summarizeTrend(barsFromPath(160, (i) => 100 + wave(i, 10, 40), { seed: 3, noise: 0.3 }));
    assert.equal(range?.direction, 'sideways');
  });

  it('reports swing structure and the EMAs', () => {
    const up = summarizeTrend(risingChannel(6), { lookback: 200 })!;
    assert.equal(up.higherHighs, true);
    assert.equal(up.higherLows, true);
    assert.ok(Number.isFinite(up.emaFast) && Number.isFinite(up.emaSlow));
    assert.ok(up.lastClose > up.emaSlow);
  });

  it('is null for fewer than 3 bars and sideways for flat data', () => {
    assert.equal(summarizeTrend(barsFromPath(2, () => 5)), null);
    const flat = summarizeTrend(barsFromPath(40, () => 5))!;
    assert.equal(flat.direction, 'sideways');
    assert.equal(flat.changePercent, 0);
    assert.ok(Number.isNaN(flat.emaSlow));
  });
});

describe('recent swing (for fib)', () => {
  it('runs from the earlier extreme to the later one', () => {
    const bars = barsFromPath(60, (i) => (i < 20 ? 150 - i : 130 + (i - 20)));
    const swing = recentSwing(bars)!;
    assert.equal(swing.direction, 'up');
    assert.equal(swing.from.index, 20);
    assert.equal(swing.to.index, 59);
    assert.equal(swing.from.price, Math.min(...bars.map((b) => b.low)));
    assert.equal(recentSwing(barsFromPath(10, () => 3)), null);
    const down = recentSwing(bars.slice(0, 21))!;
    assert.equal(down.direction, 'down');
  });
});
