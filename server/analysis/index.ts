/**
 * Chart analysis on OHLC bars: pure, deterministic functions the responders use so that
 * every level, line and number they show comes from the data.
 */
export type { OhlcBar, BarPoint, Tolerance } from './types.js';
export { averageTrueRange, resolveTolerance } from './atr.js';
export { findPivots, type Pivot, type PivotOptions } from './pivots.js';
export { findLevels, type Level, type LevelOptions, type LevelsResult } from './levels.js';
export { findTrendline, type Trendline, type TrendlineOptions } from './trendline.js';
export { summarizeTrend, type TrendSummary, type TrendOptions } from './trend.js';
export { highestHigh, lowestLow } from './extremes.js';
export { recentSwing, type Swing } from './fib.js';
export { computeIndicator, type IndicatorResult } from './indicator.js';
