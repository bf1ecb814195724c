import { sma } from './sma.js';

/**
 * Exponential moving average with alpha = 2 / (period + 1), seeded with the SMA of the first
 * `period` values (as TradingView's `ta.ema` does). Entries before the seed are `NaN`.
 */
export function ema(values: readonly number[], period: number): number[] {
  // The SMA validates `period` and its first full window is exactly the seed.
  const out = sma(values, period);
  const alpha = 2 / (period + 1);
  for (let i = period; i < values.length; i++) out[i] = alpha * values[i]! + (1 - alpha) * out[i - 1]!;
  return out;
}
