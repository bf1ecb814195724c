/**
 * Simple moving average. The output is aligned with `values`; entries before the first full
 * window are `NaN` (chart adapters skip non-finite points).
 */
export function sma(values: readonly number[], period: number): number[] {
  assertPeriod(period);
  const out = new Array<number>(values.length).fill(NaN);
  let sum = 0;
  for (let i = 0; i < values.length; i++) {
    sum += values[i]!;
    if (i >= period) sum -= values[i - period]!;
    if (i >= period - 1) out[i] = sum / period;
  }
  return out;
}

/** Throws a RangeError unless `period` is a whole number of bars >= 1. */
export function assertPeriod(period: number): void {
  if (!Number.isInteger(period) || period < 1) throw new RangeError(`period must be a whole number >= 1, got ${period}`);
}
