/** The demo's `window.demo` (demo/main.ts), as the end-to-end tests see it. */
import type { CandlestickData, IChartApi, ISeriesApi, Time } from 'lightweight-charts';
import type { LightweightChartsConnection } from '../../sdk/adapters/lightweight-charts.js';
import type { ChartContextInput } from '../../sdk/contract/index.js';

export interface DemoParts {
  chart: IChartApi;
  candles: ISeriesApi<'Candlestick', Time, CandlestickData<Time>>;
  chat: HTMLElement & { chartContext?: ChartContextInput; theme: string };
  handle: LightweightChartsConnection;
}

declare global {
  interface Window {
    demo?: DemoParts;
  }
}
