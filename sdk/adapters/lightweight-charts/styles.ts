/** Default colours and line styles of what the adapter draws; every one can be overridden per command. */
import { LineStyle } from 'lightweight-charts';

export type LineStyleName = 'solid' | 'dotted' | 'dashed';
export type LevelRole = 'support' | 'resistance' | 'level';

export const ROLE_COLORS: Record<LevelRole, string> = {
  support: '#26a69a',
  resistance: '#ef5350',
  level: '#5b8def',
};

export const DRAWING_COLORS = {
  trendline: '#2962ff',
  zone: '#f59e0b',
  markerUp: '#26a69a',
  markerDown: '#ef5350',
  marker: '#5b8def',
  fib: ['#787b86', '#f23645', '#ff9800', '#4caf50', '#089981', '#2962ff', '#787b86'],
} as const;

export const INDICATOR_COLORS = {
  sma: '#f59e0b',
  ema: '#a855f7',
  bollinger: '#0ea5e9',
  rsi: '#7e57c2',
} as const;

export function toLineStyle(style: LineStyleName | undefined): LineStyle {
  return style === 'dotted' ? LineStyle.Dotted : style === 'dashed' ? LineStyle.Dashed : LineStyle.Solid;
}
