/**
 * Simple moving average. The output is aligned with `values`; entries before the first full
 * window are `NaN` (chart adapters skip non-finite points).
 */
export function sma(values: readonly number[], period: number): number[] {
  assertPeriod(period);
  let sum = 0;
  return values.map((x, i) => {
    sum += x;
    if (i >= period) sum -= values[i - period]!;
    return i >= period - 1 ? sum / period : NaN;
  });
}

/** Throws a RangeError unless `period` is a whole number of bars >= 1. */
export function assertPeriod(period: number): void {
  if (!Number.isInteger(period) || period < 1) throw new RangeError(`period must be a whole number >= 1, got ${period}`);
}
