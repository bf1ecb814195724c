import type { BarPoint, OhlcBar } from './types.js';

/** The bar with the highest high (the earliest one on ties); null without bars. */
export function highestHigh(bars: readonly OhlcBar[]): BarPoint | null {
  let best = -1;
  for (let i = 0; i < bars.length; i++) if (best < 0 || bars[i]!.high > bars[best]!.high) best = i;
  return best < 0 ? null : { index: best, time: bars[best]!.time, price: bars[best]!.high };
}

/** The bar with the lowest low (the earliest one on ties); null without bars. */
export function lowestLow(bars: readonly OhlcBar[]): BarPoint | null {
  let best = -1;
  for (let i = 0; i < bars.length; i++) if (best < 0 || bars[i]!.low < bars[best]!.low) best = i;
  return best < 0 ? null : { index: best, time: bars[best]!.time, price: bars[best]!.low };
}
