import type { OhlcBar } from './types.js';

export interface Pivot {
  index: number;
  time: number;
  price: number;
  kind: 'high' | 'low';
}

export interface PivotOptions {
  /** Bars before the pivot that must be lower (highs) / higher (lows). Default 3. */
  left?: number;
  /** Bars after the pivot; a pivot is confirmed only this many bars later. Default 3. */
  right?: number;
}

/**
 * Swing pivots (fractals), as Pine's `ta.pivothigh/pivotlow(left, right)`: bar i is a pivot
 * high when its high is strictly above the `left` bars before and at least the `right` bars
 * after. The asymmetric test yields one pivot per plateau (its first bar) and none on flat data.
 * Returned in bar order, highs and lows interleaved.
 */
export function findPivots(bars: readonly OhlcBar[], options: PivotOptions = {}): Pivot[] {
  const left = Math.max(1, Math.floor(options.left ?? 3));
  const right = Math.max(1, Math.floor(options.right ?? 3));
  const pivots: Pivot[] = [];
  for (let i = left; i < bars.length - right; i++) {
    const bar = bars[i]!;
    if (isPivot(bars, i, left, right, bar.high, (b) => b.high, 1)) pivots.push({ index: i, time: bar.time, price: bar.high, kind: 'high' });
    if (isPivot(bars, i, left, right, bar.low, (b) => b.low, -1)) pivots.push({ index: i, time: bar.time, price: bar.low, kind: 'low' });
  }
  return pivots;
}

/** `sign` 1 tests for a maximum, -1 for a minimum. */
function isPivot(
  bars: readonly OhlcBar[],
  i: number,
  left: number,
  right: number,
  value: number,
  pick: (b: OhlcBar) => number,
  sign: 1 | -1,
): boolean {
  const v = sign * value;
  for (let k = i - left; k < i; k++) if (sign * pick(bars[k]!) >= v) return false;
  for (let k = i + 1; k <= i + right; k++) if (sign * pick(bars[k]!) > v) return false;
  return true;
}
