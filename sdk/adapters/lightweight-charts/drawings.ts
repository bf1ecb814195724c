/**
 * Turns one drawing command into what lightweight-charts shows: a price line, a series
 * primitive (trendline, zone, fib), a series marker or indicator line series. Each drawing
 * knows how to take itself off the chart again and how to describe itself in the context.
 */
import type { IChartApi, IPriceLine, ISeriesApi, ISeriesMarkersPluginApi, SeriesMarker, SeriesType, Time, UTCTimestamp } from 'lightweight-charts';
import type { ChartCommandOf } from '../../contract/index.js';
import { DEFAULT_FIB_LEVELS } from '../../contract/index.js';
import type { DrawingPrimitive } from './drawing-primitive.js';
import { FibPrimitive } from './fib-primitive.js';
import { IndicatorPlot } from './indicator-plot.js';
import type { SeriesBars } from './series-bars.js';
import { DRAWING_COLORS, ROLE_COLORS, toLineStyle } from './styles.js';
import type { TimeAxis } from './time-axis.js';
import { TrendlinePrimitive } from './trendline-primitive.js';
import { ZonePrimitive } from './zone-primitive.js';

/** Who made a drawing: the AI (through `chart-command`) or the host page. */
export type DrawingSource = 'ai' | 'host';
export type DrawingCommand = ChartCommandOf<'price_line' | 'trendline' | 'zone' | 'fib' | 'marker' | 'indicator'>;
export type DrawingKind = DrawingCommand['type'];

export interface ChartPoint {
  time: number;
  price: number;
}

/** A drawing as the adapter reports it (plain data, safe to serialize). */
export interface DrawingInfo {
  id: string;
  kind: Exclude<DrawingKind, 'indicator'>;
  source: DrawingSource;
  label?: string;
  price?: number;
  p1?: ChartPoint;
  p2?: ChartPoint;
  /** The validated command that made it. */
  command: DrawingCommand;
}

export interface IndicatorInfo {
  id: string;
  indicator: IndicatorPlot['spec']['indicator'];
  source: DrawingSource;
  params: IndicatorPlot['params'];
  /** The pane it draws in (0 = the candles' pane). */
  paneIndex: number;
  command: DrawingCommand;
}

/** What a drawing needs from the chart. */
export interface DrawingDeps {
  chart: IChartApi;
  series: ISeriesApi<SeriesType>;
  bars: SeriesBars;
  axis: TimeAxis;
  markers: MarkerLayer;
}

/** One thing on the chart, owned by the adapter. */
export interface Drawing {
  readonly id: string;
  readonly command: DrawingCommand;
  readonly source: DrawingSource;
  /** The primitive, when the drawing is one (trendline, zone, fib). */
  readonly primitive?: DrawingPrimitive;
  readonly priceLine?: IPriceLine;
  readonly plot?: IndicatorPlot;
  /** Called after every data change. */
  refresh?(): void;
  remove(): void;
}

/** One markers plugin per series; the list is the adapter's, `setMarkers` replaces it whole. */
export class MarkerLayer {
  #api: ISeriesMarkersPluginApi<Time> | null = null;
  #markers = new Map<string, SeriesMarker<Time>>();

  constructor(private readonly create: () => ISeriesMarkersPluginApi<Time>) {}

  set(id: string, marker: SeriesMarker<Time>): void {
    this.#markers.set(id, marker);
    this.#flush();
  }

  delete(id: string): void {
    if (this.#markers.delete(id)) this.#flush();
  }

  detach(): void {
    this.#api?.detach();
    this.#api = null;
    this.#markers.clear();
  }

  #flush(): void {
    this.#api ??= this.create();
    // The plugin wants markers in time order.
    this.#api.setMarkers([...this.#markers.values()].sort((a, b) => (a.time as number) - (b.time as number)));
  }
}

export function createDrawing(deps: DrawingDeps, command: DrawingCommand, source: DrawingSource): Drawing {
  const base = { id: command.id, command, source };
  switch (command.type) {
    case 'price_line': {
      const priceLine = deps.series.createPriceLine({
        id: command.id,
        price: command.price,
        color: command.color ?? ROLE_COLORS[command.role],
        lineWidth: 2,
        lineStyle: toLineStyle(command.style ?? (command.role === 'level' ? 'solid' : 'dashed')),
        axisLabelVisible: true,
        title: command.label ?? (command.role === 'level' ? '' : command.role === 'support' ? 'Support' : 'Resistance'),
      });
      return { ...base, priceLine, remove: () => deps.series.removePriceLine(priceLine) };
    }
    case 'trendline':
      return primitiveDrawing(
        deps,
        base,
        new TrendlinePrimitive(deps.axis, {
          p1: command.p1,
          p2: command.p2,
          extend: command.extend ?? 'none',
          color: command.color ?? DRAWING_COLORS.trendline,
          style: command.style ?? 'solid',
          width: 2,
          label: command.label,
        }),
      );
    case 'zone':
      return primitiveDrawing(
        deps,
        base,
        new ZonePrimitive(deps.axis, {
          top: command.top,
          bottom: command.bottom,
          from: command.from,
          to: command.to,
          color: command.color ?? DRAWING_COLORS.zone,
          label: command.label,
        }),
      );
    case 'fib':
      return primitiveDrawing(
        deps,
        base,
        new FibPrimitive(deps.axis, { from: command.from, to: command.to, levels: command.levels ?? DEFAULT_FIB_LEVELS, label: command.label }),
      );
    case 'marker': {
      const color =
        command.color ??
        (command.shape === 'arrowUp' ? DRAWING_COLORS.markerUp : command.shape === 'arrowDown' ? DRAWING_COLORS.markerDown : DRAWING_COLORS.marker);
      const common = { id: command.id, time: command.time as UTCTimestamp, shape: command.shape, color, text: command.text ?? '' };
      const marker: SeriesMarker<Time> =
        command.position === 'price'
          ? { ...common, position: 'atPriceMiddle', price: command.price ?? 0 }
          : { ...common, position: command.position === 'above' ? 'aboveBar' : command.position === 'below' ? 'belowBar' : 'inBar' };
      deps.markers.set(command.id, marker);
      return { ...base, remove: () => deps.markers.delete(command.id) };
    }
    case 'indicator': {
      const plot = new IndicatorPlot(deps.chart, { indicator: command.indicator, ...command.params });
      plot.recompute(deps.bars.bars);
      return { ...base, plot, refresh: () => plot.recompute(deps.bars.bars), remove: () => plot.remove() };
    }
  }
}

function primitiveDrawing(deps: DrawingDeps, base: Pick<Drawing, 'id' | 'command' | 'source'>, primitive: DrawingPrimitive): Drawing {
  deps.series.attachPrimitive(primitive);
  return { ...base, primitive, remove: () => deps.series.detachPrimitive(primitive) };
}

/** How a drawing appears in `drawings` and in the chart context. */
export function describeDrawing(d: Drawing, bars: SeriesBars): DrawingInfo | IndicatorInfo {
  const c = d.command;
  const common = { id: d.id, source: d.source, command: c };
  switch (c.type) {
    case 'price_line':
      return { ...common, kind: c.type, label: c.label, price: c.price };
    case 'trendline':
      return { ...common, kind: c.type, label: c.label, p1: c.p1, p2: c.p2 };
    case 'fib':
      return { ...common, kind: c.type, label: c.label, p1: c.from, p2: c.to };
    case 'zone': {
      // Without times the band spans the whole chart: report it over the data's time range.
      const times = bars.times;
      const from = c.from ?? times[0];
      const to = c.to ?? times[times.length - 1];
      return from === undefined || to === undefined
        ? { ...common, kind: c.type, label: c.label, price: c.top }
        : { ...common, kind: c.type, label: c.label, p1: { time: from, price: c.top }, p2: { time: to, price: c.bottom } };
    }
    case 'marker': {
      const price = c.price ?? barAt(bars, c.time)?.close;
      return { ...common, kind: c.type, label: c.text, ...(price === undefined ? {} : { p1: { time: c.time, price } }) };
    }
    case 'indicator':
      return { ...common, indicator: c.indicator, params: d.plot!.params, paneIndex: d.plot!.paneIndex };
  }
}

function barAt(bars: SeriesBars, time: number) {
  return bars.bars.find((b) => b.time === time);
}
