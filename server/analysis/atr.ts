import type { OhlcBar, Tolerance } from './types.js';

/**
 * Average True Range (Wilder) of the last bars; 0 for fewer than two bars. A single number
 * is all the analysis needs: it scales tolerances to the instrument's volatility.
 */
export function averageTrueRange(bars: readonly OhlcBar[], period = 14): number {
  if (bars.length < 2) return bars.length === 1 ? bars[0]!.high - bars[0]!.low : 0;
  let atr = 0;
  let count = 0;
  for (let i = 1; i < bars.length; i++) {
    const b = bars[i]!;
    const prevClose = bars[i - 1]!.close;
    const tr = Math.max(b.high - b.low, Math.abs(b.high - prevClose), Math.abs(b.low - prevClose));
    if (count < period) {
      count++;
      atr += (tr - atr) / count; // plain mean until the window is full
    } else {
      atr = (atr * (period - 1) + tr) / period;
    }
  }
  return atr;
}

/** The smallest tolerance we use: 0.05% of price, so flat or tiny-range data still clusters. */
const MIN_TOLERANCE_FRACTION = 0.0005;

/** Converts a tolerance spec to an absolute price distance around `referencePrice`. */
export function resolveTolerance(bars: readonly OhlcBar[], tolerance: Tolerance, referencePrice: number): number {
  const raw = 'atr' in tolerance ? tolerance.atr * averageTrueRange(bars) : (tolerance.percent / 100) * referencePrice;
  return Math.max(raw, referencePrice * MIN_TOLERANCE_FRACTION);
}
