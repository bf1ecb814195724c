import { assertPeriod } from './sma.js';

/**
 * Relative Strength Index with Wilder's smoothing (as TradingView's `ta.rsi`), 0..100.
 * The first value is at index `period` (it needs `period` changes); earlier entries are `NaN`.
 * A window with no losses is 100, with no gains 0, with no change at all 50.
 */
export function rsi(values: readonly number[], period = 14): number[] {
  assertPeriod(period);
  let gain = 0;
  let loss = 0;
  return values.map((x, i) => {
    const change = x - values[i - 1]!;
    const up = Math.max(change, 0);
    const down = Math.max(-change, 0);
    if (i > period) {
      gain = (gain * (period - 1) + up) / period;
      loss = (loss * (period - 1) + down) / period;
    } else if (i > 0) {
      // The first `period` changes: a plain average seeds the smoothing.
      gain += up;
      loss += down;
    }
    if (i < period) return NaN;
    if (i === period) {
      gain /= period;
      loss /= period;
    }
    return loss === 0 ? (gain === 0 ? 50 : 100) : 100 - 100 / (1 + gain / loss);
  });
}
