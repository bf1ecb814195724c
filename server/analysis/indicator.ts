import { bollinger, ema, rsi, sma } from '../../sdk/indicators/index.js';
import type { OhlcBar } from './types.js';

export type IndicatorKind = 'sma' | 'ema' | 'bollinger' | 'rsi';

export interface IndicatorRequest {
  indicator: IndicatorKind;
  period?: number;
  stddev?: number;
  source?: 'open' | 'high' | 'low' | 'close';
}

/** The latest values of an indicator (what a chat answer quotes); `null` while warming up. */
export interface IndicatorResult {
  indicator: IndicatorKind;
  period: number;
  source: 'open' | 'high' | 'low' | 'close';
  stddev?: number;
  time: number | null;
  value: number | null;
  upper?: number | null;
  lower?: number | null;
}

export const DEFAULT_PERIODS: Record<IndicatorKind, number> = { sma: 20, ema: 20, bollinger: 20, rsi: 14 };

/** Computes `request` over `bars` with the shared indicator math and returns its last values. */
export function computeIndicator(bars: readonly OhlcBar[], request: IndicatorRequest): IndicatorResult {
  const period = request.period ?? DEFAULT_PERIODS[request.indicator];
  const source = request.source ?? 'close';
  const values = bars.map((b) => b[source]);
  const last = bars.length - 1;
  const time = bars[last]?.time ?? null;
  const finite = (x: number | undefined) => (x !== undefined && Number.isFinite(x) ? x : null);
  const base = { indicator: request.indicator, period, source, time };
  switch (request.indicator) {
    case 'sma':
      return { ...base, value: finite(sma(values, period)[last]) };
    case 'ema':
      return { ...base, value: finite(ema(values, period)[last]) };
    case 'rsi':
      return { ...base, value: finite(rsi(values, period)[last]) };
    case 'bollinger': {
      const stddev = request.stddev ?? 2;
      const bands = bollinger(values, period, stddev);
      return { ...base, stddev, value: finite(bands.middle[last]), upper: finite(bands.upper[last]), lower: finite(bands.lower[last]) };
    }
  }
}
