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
  // Variance = mean of the squares - square of the mean, both as rolling window means.
  const meanSquare = sma(values.map((x) => x * x), period);
  // Rolling sums can dip a hair below zero on flat data; clamp before the root.
  const band = (sign: number) => middle.map((m, i) => m + sign * stddev * Math.sqrt(Math.max(0, meanSquare[i]! - m * m)));
  return { middle, upper: band(1), lower: band(-1) };
}
