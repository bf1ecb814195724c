import { assertPeriod } from './sma.js';

/**
 * Relative Strength Index with Wilder's smoothing (as TradingView's `ta.rsi`), 0..100.
 * The first value is at index `period` (it needs `period` changes); earlier entries are `NaN`.
 * A window with no losses is 100, with no gains 0, with no change at all 50.
 */
export function rsi(values: readonly number[], period = 14): number[] {
  assertPeriod(period);
  const out = new Array<number>(values.length).fill(NaN);
  if (values.length <= period) return out;
  let gain = 0;
  let loss = 0;
  for (let i = 1; i <= period; i++) {
    const change = values[i]! - values[i - 1]!;
    if (change > 0) gain += change;
    else loss -= change;
  }
  gain /= period;
  loss /= period;
  out[period] = toRsi(gain, loss);
  for (let i = period + 1; i < values.length; i++) {
    const change = values[i]! - values[i - 1]!;
    gain = (gain * (period - 1) + Math.max(change, 0)) / period;
    loss = (loss * (period - 1) + Math.max(-change, 0)) / period;
    out[i] = toRsi(gain, loss);
  }
  return out;
}

function toRsi(gain: number, loss: number): number {
  if (loss === 0) return gain === 0 ? 50 : 100;
  return 100 - 100 / (1 + gain / loss);
}
