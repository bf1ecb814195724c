/**
 * An indicator drawn as line series, recomputed from the main series' bars whenever they change.
 * SMA, EMA and Bollinger share the candles' pane and price scale; RSI gets a pane of its own
 * with its 70/30 guides. The math is the SDK's shared indicator module.
 */
import { LineSeries, LineStyle, type IChartApi, type ISeriesApi } from 'lightweight-charts';
import type { ChartCommandOf } from '../../contract/index.js';
import { bollinger, ema, rsi, sma } from '../../indicators/index.js';
import type { OhlcBar } from './series-bars.js';
import { INDICATOR_COLORS } from './styles.js';

export type IndicatorKind = ChartCommandOf<'indicator'>['indicator'];

/** The resolved parameters (defaults filled in), as reported in the chart context. */
export interface IndicatorParams {
  period: number;
  stddev?: number;
  source: 'open' | 'high' | 'low' | 'close';
}

export interface IndicatorPlot {
  readonly params: IndicatorParams;
  /** The pane it draws in (0 = the candles' pane). */
  readonly paneIndex: number;
  /** Recomputes every line from the bars. */
  recompute(bars: readonly OhlcBar[]): void;
  /** Removes the lines; lightweight-charts drops the RSI pane once it is empty. */
  remove(): void;
}

const DEFAULT_PERIOD: Record<IndicatorKind, number> = { sma: 20, ema: 20, bollinger: 20, rsi: 14 };

/** The lines of each indicator, in the order of its series. */
const LINES: Record<IndicatorKind, (values: number[], p: IndicatorParams) => number[][]> = {
  sma: (values, p) => [sma(values, p.period)],
  ema: (values, p) => [ema(values, p.period)],
  rsi: (values, p) => [rsi(values, p.period)],
  bollinger: (values, p) => {
    const { upper, middle, lower } = bollinger(values, p.period, p.stddev);
    return [upper, middle, lower];
  },
};

export function plotIndicator(chart: IChartApi, command: ChartCommandOf<'indicator'>): IndicatorPlot {
  const kind = command.indicator;
  const { period = DEFAULT_PERIOD[kind], stddev = 2, source = 'close', color = INDICATOR_COLORS[kind] } = command.params;
  const params: IndicatorParams = kind === 'bollinger' ? { period, source, stddev } : { period, source };
  const line = (lineWidth: 1 | 2, lineStyle = LineStyle.Solid, paneIndex = 0) =>
    chart.addSeries(
      LineSeries,
      { color, lineWidth, lineStyle, priceLineVisible: false, lastValueVisible: false, crosshairMarkerVisible: false },
      paneIndex,
    );
  let series: ISeriesApi<'Line'>[];
  if (kind === 'rsi') {
    // A pane index past the last pane creates a new pane.
    const rsiLine = line(2, LineStyle.Solid, chart.panes().length);
    rsiLine.applyOptions({ lastValueVisible: true, autoscaleInfoProvider: () => ({ priceRange: { minValue: 0, maxValue: 100 } }) });
    for (const price of [70, 30]) {
      rsiLine.createPriceLine({ price, color: '#787b86', lineWidth: 1, lineStyle: LineStyle.Dashed, axisLabelVisible: true, title: '' });
    }
    rsiLine.getPane().setStretchFactor(0.3);
    series = [rsiLine];
  } else {
    series = kind === 'bollinger' ? [line(1), line(1, LineStyle.Dashed), line(1)] : [line(2)];
  }
  return {
    params,
    get paneIndex() {
      return series[0]?.getPane().paneIndex() ?? 0;
    },
    recompute(bars) {
      LINES[kind](
        bars.map((b) => b[source]),
        params,
      ).forEach((values, i) =>
        series[i]?.setData(bars.flatMap((b, j) => (Number.isFinite(values[j]) ? [{ time: b.original, value: values[j]! }] : []))),
      );
    },
    remove() {
      for (const s of series.splice(0)) chart.removeSeries(s);
    },
  };
}
