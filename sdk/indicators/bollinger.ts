import { sma } from './sma.js';

export interface BollingerBands {
  middle: number[];
  upper: number[];
  lower: number[];
}

/**
 * Bollinger Bands: the SMA of `period` values +/- `stddev` population standard deviations of
 * the same window. Entries before the first full window are `NaN`.
 */
export function bollinger(values: readonly number[], period = 20, stddev = 2): BollingerBands {
  const middle = sma(values, period);
  if (!(stddev > 0) || !Number.isFinite(stddev)) throw new RangeError(`stddev must be a finite number > 0, got ${stddev}`);
  // Two passes over each window (deviations from its mean), not E[x²] - E[x]²: that difference
  // cancels catastrophically at large prices (3e6 with ±1 noise lost ~22% of the band width).
  const band = (sign: number) =>
    middle.map((m, i) => {
      let sum = 0;
      for (let j = i - period + 1; j <= i; j++) sum += (values[j]! - m) ** 2;
      return m + sign * stddev * Math.sqrt(sum / period);
    });
  return { middle, upper: band(1), lower: band(-1) };
}
