import { resolveTolerance } from './atr.js';
import { findPivots, type Pivot, type PivotOptions } from './pivots.js';
import type { BarPoint, OhlcBar, Tolerance } from './types.js';

export interface Trendline {
  /** Support lines run under swing lows, resistance lines over swing highs. */
  kind: 'support' | 'resistance';
  p1: BarPoint;
  p2: BarPoint;
  /** Price change per bar along the line. */
  slopePerBar: number;
  /** Swing pivots of the line's kind within tolerance of it, anchors included. */
  touches: number;
  /** Where the line stands at the last bar. */
  priceAtLastBar: number;
  score: number;
}

export interface TrendlineOptions extends PivotOptions {
  /** Distance that still counts as a touch, and how far a close may poke through. Default `{ atr: 0.3 }`. */
  tolerance?: Tolerance;
  /** Only the newest pivots are paired (the search is quadratic in them). Default 24. */
  maxPivots?: number;
}

/**
 * The best unbroken trendline through two swing pivots of one kind. Every pair of the newest
 * `maxPivots` pivots defines a candidate; a candidate is rejected when any close from its first
 * anchor to the last bar breaks through it by more than the tolerance. The rest are scored by
 * touches, then span and recency. Returns null when no pair survives.
 */
export function findTrendline(bars: readonly OhlcBar[], kind: Trendline['kind'], options: TrendlineOptions = {}): Trendline | null {
  const n = bars.length;
  if (n < 3) return null;
  const tolerance = resolveTolerance(bars, options.tolerance ?? { atr: 0.3 }, bars[n - 1]!.close);
  const wanted = kind === 'support' ? 'low' : 'high';
  const maxPivots = Math.max(2, Math.floor(options.maxPivots ?? 24));
  const pivots = findPivots(bars, options)
    .filter((p) => p.kind === wanted)
    .slice(-maxPivots);
  // +1 for support: a close below the line breaks it; -1 for resistance: a close above.
  const side = kind === 'support' ? 1 : -1;

  let best: Trendline | null = null;
  for (let a = 0; a < pivots.length; a++) {
    for (let b = a + 1; b < pivots.length; b++) {
      const p = pivots[a]!;
      const q = pivots[b]!;
      const slope = (q.price - p.price) / (q.index - p.index);
      const at = (index: number) => p.price + slope * (index - p.index);
      if (!holds(bars, p.index, at, side, tolerance)) continue;
      const touches = countTouches(pivots, a, at, tolerance);
      const priceAtLastBar = at(n - 1);
      if (!(priceAtLastBar > 0)) continue; // a line heading below zero cannot be drawn
      const score = touches + (0.5 * (q.index - p.index)) / n + (0.5 * q.index) / n;
      if (best === null || score > best.score) {
        best = {
          kind,
          p1: point(p),
          p2: point(q),
          slopePerBar: slope,
          touches,
          priceAtLastBar,
          score,
        };
      }
    }
  }
  return best;
}

function holds(bars: readonly OhlcBar[], from: number, at: (i: number) => number, side: 1 | -1, tolerance: number): boolean {
  for (let k = from; k < bars.length; k++) {
    if (side * (bars[k]!.close - at(k)) < -tolerance) return false;
  }
  return true;
}

function countTouches(pivots: readonly Pivot[], from: number, at: (i: number) => number, tolerance: number): number {
  let touches = 0;
  for (let k = from; k < pivots.length; k++) {
    const pv = pivots[k]!;
    if (Math.abs(pv.price - at(pv.index)) <= tolerance) touches++;
  }
  return touches;
}

function point(p: Pivot): BarPoint {
  return { index: p.index, time: p.time, price: p.price };
}
