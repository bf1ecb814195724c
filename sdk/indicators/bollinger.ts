import { assertPeriod } from './sma.js';

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
  assertPeriod(period);
  if (!(stddev > 0) || !Number.isFinite(stddev)) throw new RangeError(`stddev must be a finite number > 0, got ${stddev}`);
  const n = values.length;
  const middle = new Array<number>(n).fill(NaN);
  const upper = new Array<number>(n).fill(NaN);
  const lower = new Array<number>(n).fill(NaN);
  let sum = 0;
  let sumSq = 0;
  for (let i = 0; i < n; i++) {
    const x = values[i]!;
    sum += x;
    sumSq += x * x;
    if (i >= period) {
      const old = values[i - period]!;
      sum -= old;
      sumSq -= old * old;
    }
    if (i >= period - 1) {
      const mean = sum / period;
      // Rolling sums can dip a hair below zero on flat data; clamp before the root.
      const sd = Math.sqrt(Math.max(0, sumSq / period - mean * mean));
      middle[i] = mean;
      upper[i] = mean + stddev * sd;
      lower[i] = mean - stddev * sd;
    }
  }
  return { middle, upper, lower };
}
