import { highestHigh, lowestLow } from './extremes.js';
import type { BarPoint, OhlcBar } from './types.js';

export interface Swing {
  /** The earlier extreme. */
  from: BarPoint;
  /** The later extreme: the retracement is measured back from here. */
  to: BarPoint;
  direction: 'up' | 'down';
}

/**
 * The dominant swing of the newest `lookback` bars: their highest high and lowest low, in time
 * order. Null when there are fewer than two bars or the window is flat.
 */
export function recentSwing(bars: readonly OhlcBar[], lookback = 100): Swing | null {
  const offset = Math.max(0, bars.length - lookback);
  const window = bars.slice(offset);
  const hi = highestHigh(window);
  const lo = lowestLow(window);
  if (!hi || !lo || hi.index === lo.index || hi.price <= lo.price) return null;
  const shift = (p: BarPoint): BarPoint => ({ ...p, index: p.index + offset });
  return lo.index < hi.index
    ? { from: shift(lo), to: shift(hi), direction: 'up' }
    : { from: shift(hi), to: shift(lo), direction: 'down' };
}
