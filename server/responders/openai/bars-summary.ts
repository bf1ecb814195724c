/**
 * The chart's bars as the model reads them: a summary of all of them (count, span, last close,
 * the whole range and recent ranges, the latest swing highs and lows) plus only the newest bars
 * raw. Hundreds of raw bars cost tens of thousands of tokens and say little more; the analysis
 * tools still compute on every bar.
 */
import { findPivots, highestHigh, lowestLow, type OhlcBar } from '../../analysis/index.js';

/** Swing points: a high/low above/below the 5 bars each side (major swings, not noise). */
const SWING_SPAN = 5;
/** Latest swing points listed. */
const SWINGS = 12;
/** Recent windows whose range is given, when the chart has more bars than that. */
const RANGE_WINDOWS = [20, 100];

/** 8 significant digits: exact enough to draw at, shorter to read (as the analysis tools answer). */
const round = (x: number): number => Number(x.toPrecision(8));

export interface BarsSummary {
  count: number;
  firstTime?: number;
  lastTime?: number;
  lastClose?: number;
  /** [bars, high, highTime, low, lowTime, change % from the window's first open to the last close]. */
  rangesColumns?: string[];
  ranges?: (number | string)[][];
  /** [time, "high" | "low", price], oldest first. */
  swingsColumns?: string[];
  swings?: (number | string)[][];
  recentBarsColumns?: string[];
  recentBars?: (number | null)[][];
}

export function summariseBars(bars: readonly OhlcBar[], recent: number): BarsSummary {
  if (bars.length === 0) return { count: 0 };
  const last = bars[bars.length - 1]!;
  const windows = [...RANGE_WINDOWS.filter((n) => n < bars.length), bars.length];
  const ranges = windows.map((n) => {
    const slice = bars.slice(-n);
    const high = highestHigh(slice)!;
    const low = lowestLow(slice)!;
    const change = ((last.close - slice[0]!.open) / slice[0]!.open) * 100;
    return [n, round(high.price), high.time, round(low.price), low.time, Number(change.toFixed(2))];
  });
  const swings = findPivots(bars, { left: SWING_SPAN, right: SWING_SPAN })
    .slice(-SWINGS)
    .map((p) => [p.time, p.kind, round(p.price)]);
  return {
    count: bars.length,
    firstTime: bars[0]!.time,
    lastTime: last.time,
    lastClose: round(last.close),
    rangesColumns: ['bars', 'high', 'highTime', 'low', 'lowTime', 'changePct'],
    ranges,
    swingsColumns: ['time', 'kind', 'price'],
    swings,
    recentBarsColumns: ['time', 'open', 'high', 'low', 'close', 'volume'],
    recentBars: bars.slice(-Math.max(0, recent)).map((b) => [b.time, round(b.open), round(b.high), round(b.low), round(b.close), b.volume ?? null]),
  };
}
