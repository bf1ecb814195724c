/**
 * Chart analysis on 100k bars (a seeded random walk): levels, trendlines, the trend summary and
 * the four indicators. Median milliseconds per run and bars per second.
 */
import { bollinger, ema, rsi, sma } from '../sdk/indicators/index.js';
import { findLevels, findTrendline, summarizeTrend } from '../server/analysis/index.js';
import { randomWalk } from '../server/analysis/synthetic.js';
import { percentile, timeRuns } from './stats.js';

const BARS = 100_000;
const RUNS = 7;

export default async function analysisBench(): Promise<Record<string, string | number>> {
  const bars = randomWalk(BARS, 42);
  const closes = bars.map((b) => b.close);
  const cases: [string, () => unknown][] = [
    ['levels', () => findLevels(bars)],
    ['trendlines (support + resistance)', () => [findTrendline(bars, 'support'), findTrendline(bars, 'resistance')]],
    ['trend summary (all bars)', () => summarizeTrend(bars, { lookback: BARS })],
    ['indicators (sma20, ema20, bollinger20, rsi14)', () => [sma(closes, 20), ema(closes, 20), bollinger(closes, 20, 2), rsi(closes, 14)]],
    ['all of the above', () => [findLevels(bars), findTrendline(bars, 'support'), findTrendline(bars, 'resistance'), summarizeTrend(bars, { lookback: BARS }), sma(closes, 20), ema(closes, 20), bollinger(closes, 20, 2), rsi(closes, 14)]],
  ];
  const result: Record<string, string | number> = { bars: BARS, 'runs (median of)': RUNS };
  for (const [name, fn] of cases) {
    const ms = percentile(await timeRuns(fn, RUNS, 2), 50);
    result[`${name}: ms/run`] = ms;
    result[`${name}: bars/s`] = Math.round(BARS / (ms / 1000));
  }
  const levels = findLevels(bars);
  result['levels found (support/resistance)'] = `${levels.support.length}/${levels.resistance.length}`;
  return result;
}
