/**
 * Builds the `ChartContext` the element sends with every message: market, visible range, last
 * price, the newest bars and what the adapter drew. Built from the chart's own state, valid by
 * construction (bars that the contract would reject are left out rather than sent).
 */
import type { IChartApi } from 'lightweight-charts';
import type { ChartContextInput } from '../../contract/index.js';
import { MAX_CONTEXT_DRAWINGS, MAX_CONTEXT_INDICATORS, MAX_TIME } from '../../contract/index.js';
import type { DrawingInfo, IndicatorInfo } from './drawings.js';
import type { OhlcBar } from './series-bars.js';
import { timeToSeconds } from './time-axis.js';

export interface ContextInput {
  chart: IChartApi;
  symbol: string;
  timeframe: string;
  bars: readonly OhlcBar[];
  maxBars: number;
  drawings: readonly DrawingInfo[];
  indicators: readonly IndicatorInfo[];
  meta?: Record<string, unknown>;
}

export function buildContext(input: ContextInput): ChartContextInput {
  const bars = input.bars.slice(-input.maxBars).filter(isValidBar).map(toContextBar);
  const last = bars[bars.length - 1];
  const range = visibleRange(input.chart);
  return {
    symbol: input.symbol,
    timeframe: input.timeframe,
    ...(range ? { visibleRange: range } : {}),
    ...(last ? { lastPrice: last.close } : {}),
    bars,
    indicators: input.indicators.slice(0, MAX_CONTEXT_INDICATORS).map((i) => ({ id: i.id, indicator: i.indicator, params: { ...i.params } })),
    drawings: input.drawings.slice(0, MAX_CONTEXT_DRAWINGS).map((d) => ({
      id: d.id,
      kind: d.kind,
      source: d.source,
      ...(d.label ? { label: d.label } : {}),
      ...(d.price !== undefined ? { price: d.price } : {}),
      ...(d.p1 ? { p1: d.p1 } : {}),
      ...(d.p2 ? { p2: d.p2 } : {}),
    })),
    ...(input.meta ? { meta: input.meta } : {}),
  };
}

function visibleRange(chart: IChartApi): { from: number; to: number } | undefined {
  const range = chart.timeScale().getVisibleRange();
  if (!range) return undefined;
  const from = timeToSeconds(range.from), to = timeToSeconds(range.to);
  return from !== null && to !== null && isTime(from) && isTime(to) && from <= to ? { from, to } : undefined;
}

function toContextBar(b: OhlcBar) {
  const bar = { time: b.time, open: b.open, high: b.high, low: b.low, close: b.close };
  return b.volume === undefined ? bar : { ...bar, volume: b.volume };
}

const isTime = (t: number) => Number.isInteger(t) && t >= 0 && t <= MAX_TIME;
const isPrice = (p: number) => Number.isFinite(p) && p > 0;

/** The contract's bar rules: whole UTC seconds, positive prices, high/low enclosing open and close. */
function isValidBar(b: OhlcBar): boolean {
  return (
    isTime(b.time) &&
    isPrice(b.open) &&
    isPrice(b.high) &&
    isPrice(b.low) &&
    isPrice(b.close) &&
    b.high >= Math.max(b.open, b.close, b.low) &&
    b.low <= Math.min(b.open, b.close)
  );
}
