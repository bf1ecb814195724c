/**
 * Builds the `ChartContext` the element sends with every message: market, visible range, last
 * price, the newest bars and what the adapter drew. Built from the chart's own state, valid by
 * construction: bars and ranges the contract would reject are left out rather than sent.
 */
import type { IChartApi } from 'lightweight-charts';
import * as v from 'valibot';
import { Bar, MAX_CONTEXT_DRAWINGS, MAX_CONTEXT_INDICATORS, VisibleRange, type ChartContextInput } from '../../contract/index.js';
import type { DrawingInfo, IndicatorInfo } from './drawings.js';
import type { OhlcBar } from './series-bars.js';
import { timeToSeconds } from './utc-seconds.js';

export interface ContextInput {
  chart: IChartApi;
  symbol: string;
  timeframe: string;
  bars: readonly OhlcBar[];
  maxBars: number;
  drawings: readonly DrawingInfo[];
  indicators: readonly IndicatorInfo[];
  meta?: Record<string, unknown> | undefined;
}

export function buildContext({ chart, symbol, timeframe, bars, maxBars, drawings, indicators, meta }: ContextInput): ChartContextInput {
  // `original` is the host's own time value, for the chart only.
  const contextBars = bars
    .slice(-maxBars)
    .map(({ original, ...bar }) => bar)
    .filter((bar) => v.safeParse(Bar, bar).success);
  const range = chart.timeScale().getVisibleRange();
  const visibleRange = range && { from: timeToSeconds(range.from), to: timeToSeconds(range.to) };
  return {
    symbol,
    timeframe,
    ...(v.safeParse(VisibleRange, visibleRange).success ? { visibleRange: visibleRange as { from: number; to: number } } : {}),
    ...(contextBars.length ? { lastPrice: contextBars.at(-1)!.close } : {}),
    bars: contextBars,
    indicators: indicators.slice(0, MAX_CONTEXT_INDICATORS).map(({ id, indicator, params }) => ({ id, indicator, params: { ...params } })),
    // Empty labels say nothing: left out.
    drawings: drawings.slice(0, MAX_CONTEXT_DRAWINGS).map(({ command, label, ...d }) => (label ? { ...d, label } : d)),
    ...(meta ? { meta } : {}),
  };
}
