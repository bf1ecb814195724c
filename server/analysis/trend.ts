import { ema } from '../../sdk/indicators/index.js';
import { findPivots } from './pivots.js';
import type { OhlcBar } from './types.js';

export interface TrendSummary {
  direction: 'up' | 'down' | 'sideways';
  /** Bars the summary looked at (the newest `lookback`). */
  bars: number;
  /** Close-to-close change over the window, in percent. */
  changePercent: number;
  /** Least-squares slope of the closes, as percent of the mean close per bar. */
  slopePercentPerBar: number;
  /** How well a straight line explains the closes (0..1). */
  r2: number;
  /** The last close against the 20- and 50-bar EMAs (NaN when there are too few bars). */
  lastClose: number;
  emaFast: number;
  emaSlow: number;
  /** From the last two swing highs and lows (null when there are fewer than two). */
  higherHighs: boolean | null;
  higherLows: boolean | null;
}

export interface TrendOptions {
  /** Newest bars to consider. Default 100. */
  lookback?: number;
  /** A regression move below this percent over the window is "sideways". Default 3. */
  flatPercent?: number;
}

/**
 * A plain-words trend. Without a net close-to-close move of at least `flatPercent` it is
 * sideways. Otherwise the regression slope of the closes decides when its move is as large,
 * agrees in sign and the fit is not noise (r2 >= 0.25); failing that, the swing structure
 * (higher highs and higher lows, or lower both) must agree with the move; else sideways.
 * Null for fewer than 3 bars.
 */
export function summarizeTrend(bars: readonly OhlcBar[], options: TrendOptions = {}): TrendSummary | null {
  const window = bars.slice(-Math.max(3, Math.floor(options.lookback ?? 100)));
  const n = window.length;
  if (n < 3) return null;
  const closes = window.map((b) => b.close);
  const { slope, r2, mean } = regression(closes);
  const slopePercentPerBar = (slope / mean) * 100;
  const regressionMove = slopePercentPerBar * (n - 1);
  const first = closes[0]!;
  const lastClose = closes[n - 1]!;

  const pivots = findPivots(window, { left: 5, right: 5 });
  const highs = pivots.filter((p) => p.kind === 'high').slice(-2);
  const lows = pivots.filter((p) => p.kind === 'low').slice(-2);
  const higherHighs = highs.length === 2 ? highs[1]!.price > highs[0]!.price : null;
  const higherLows = lows.length === 2 ? lows[1]!.price > lows[0]!.price : null;

  const flat = options.flatPercent ?? 3;
  let direction: TrendSummary['direction'] = 'sideways';
  const change = ((lastClose - first) / first) * 100;
  // A trend needs the net move too: a range sampled mid-swing can fit a slope but goes nowhere.
  if (Math.abs(change) >= flat) {
    if (Math.abs(regressionMove) >= flat && r2 >= 0.25 && Math.sign(regressionMove) === Math.sign(change)) direction = change > 0 ? 'up' : 'down';
    else if (higherHighs === true && higherLows === true && change > 0) direction = 'up';
    else if (higherHighs === false && higherLows === false && change < 0) direction = 'down';
  }

  return {
    direction,
    bars: n,
    changePercent: change,
    slopePercentPerBar,
    r2,
    lastClose,
    emaFast: ema(closes, Math.min(20, n)).at(-1) ?? NaN,
    emaSlow: n >= 50 ? (ema(closes, 50).at(-1) ?? NaN) : NaN,
    higherHighs,
    higherLows,
  };
}

function regression(ys: readonly number[]): { slope: number; r2: number; mean: number } {
  const n = ys.length;
  const meanX = (n - 1) / 2;
  let meanY = 0;
  for (const y of ys) meanY += y;
  meanY /= n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = i - meanX;
    const dy = ys[i]! - meanY;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  const slope = sxy / sxx;
  const r2 = syy === 0 ? 0 : (sxy * sxy) / (sxx * syy);
  return { slope, r2, mean: meanY };
}
