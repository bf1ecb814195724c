/**
 * An indicator drawn as line series, recomputed from the main series' bars whenever they change.
 * SMA, EMA and Bollinger share the candles' pane and price scale; RSI gets a pane of its own
 * with its 70/30 guides. The math is the SDK's shared indicator module.
 */
import { LineSeries, LineStyle, type IChartApi, type ISeriesApi, type LineData, type Time } from 'lightweight-charts';
import { bollinger, ema, rsi, sma } from '../../indicators/index.js';
import type { OhlcBar } from './series-bars.js';
import { INDICATOR_COLORS } from './styles.js';

export type IndicatorKind = 'sma' | 'ema' | 'bollinger' | 'rsi';

export interface IndicatorSpec {
  indicator: IndicatorKind;
  period?: number;
  stddev?: number;
  source?: 'open' | 'high' | 'low' | 'close';
  color?: string;
}

const DEFAULT_PERIOD: Record<IndicatorKind, number> = { sma: 20, ema: 20, bollinger: 20, rsi: 14 };
const RSI_PANE_STRETCH = 0.3;

const lineOptions = (color: string, lineWidth: 1 | 2, lineStyle = LineStyle.Solid) => ({
  color,
  lineWidth,
  lineStyle,
  priceLineVisible: false,
  lastValueVisible: false,
  crosshairMarkerVisible: false,
});

export class IndicatorPlot {
  readonly series: ISeriesApi<'Line'>[] = [];
  /** The resolved parameters (defaults filled in), as reported in the chart context. */
  readonly params: { period: number; stddev?: number; source: string };

  constructor(
    private readonly chart: IChartApi,
    readonly spec: IndicatorSpec,
  ) {
    const kind = spec.indicator;
    const color = spec.color ?? INDICATOR_COLORS[kind];
    this.params = {
      period: spec.period ?? DEFAULT_PERIOD[kind],
      source: spec.source ?? 'close',
      ...(kind === 'bollinger' ? { stddev: spec.stddev ?? 2 } : {}),
    };
    if (kind === 'rsi') {
      // A pane index past the last pane creates a new pane.
      const line = chart.addSeries(
        LineSeries,
        { ...lineOptions(color, 2), lastValueVisible: true, autoscaleInfoProvider: () => ({ priceRange: { minValue: 0, maxValue: 100 } }) },
        chart.panes().length,
      );
      for (const price of [70, 30]) {
        line.createPriceLine({ price, color: '#787b86', lineWidth: 1, lineStyle: LineStyle.Dashed, axisLabelVisible: true, title: '' });
      }
      line.getPane().setStretchFactor(RSI_PANE_STRETCH);
      this.series.push(line);
    } else if (kind === 'bollinger') {
      this.series.push(
        chart.addSeries(LineSeries, lineOptions(color, 1), 0),
        chart.addSeries(LineSeries, lineOptions(color, 1, LineStyle.Dashed), 0),
        chart.addSeries(LineSeries, lineOptions(color, 1), 0),
      );
    } else {
      this.series.push(chart.addSeries(LineSeries, lineOptions(color, 2), 0));
    }
  }

  /** The pane the indicator draws in. */
  get paneIndex(): number {
    return this.series[0]?.getPane().paneIndex() ?? 0;
  }

  /** Recomputes every line from the bars. */
  recompute(bars: readonly OhlcBar[]): void {
    const source = this.params.source as keyof Pick<OhlcBar, 'open' | 'high' | 'low' | 'close'>;
    const values = bars.map((b) => b[source]);
    const { period } = this.params;
    const lines =
      this.spec.indicator === 'sma'
        ? [sma(values, period)]
        : this.spec.indicator === 'ema'
          ? [ema(values, period)]
          : this.spec.indicator === 'rsi'
            ? [rsi(values, period)]
            : (({ upper, middle, lower }) => [upper, middle, lower])(bollinger(values, period, this.params.stddev));
    lines.forEach((line, i) => this.series[i]?.setData(toLineData(bars, line)));
  }

  /** Removes the lines; lightweight-charts drops the RSI pane once it is empty. */
  remove(): void {
    for (const s of this.series.splice(0)) this.chart.removeSeries(s);
  }
}

function toLineData(bars: readonly OhlcBar[], values: readonly number[]): LineData<Time>[] {
  const out: LineData<Time>[] = [];
  values.forEach((value, i) => {
    if (Number.isFinite(value)) out.push({ time: bars[i]!.original, value });
  });
  return out;
}
