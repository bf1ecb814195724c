/**
 * Turns one drawing command into what lightweight-charts shows: a price line, a series
 * primitive (trendline, zone, fib), a series marker or indicator line series. Each drawing
 * knows how to take itself off the chart again and how to describe itself in the context.
 */
import type { IChartApi, ISeriesApi, ISeriesMarkersPluginApi, SeriesMarker, SeriesType, Time, UTCTimestamp } from 'lightweight-charts';
import type { ChartCommandOf } from '../../contract/index.js';
import { DEFAULT_FIB_LEVELS } from '../../contract/index.js';
import type { ChartPoint } from './drawing-primitive.js';
import { fibPrimitive } from './fib-primitive.js';
import { plotIndicator, type IndicatorKind, type IndicatorParams, type IndicatorPlot } from './indicator-plot.js';
import type { SeriesBars } from './series-bars.js';
import { DRAWING_COLORS, ROLE_COLORS, toLineStyle } from './styles.js';
import type { TimeAxis } from './time-axis.js';
import { trendlinePrimitive } from './trendline-primitive.js';
import { zonePrimitive } from './zone-primitive.js';

/** Who made a drawing: the AI (through `chart-command`) or the host page. */
export type DrawingSource = 'ai' | 'host';
export type DrawingCommand = ChartCommandOf<'price_line' | 'trendline' | 'zone' | 'fib' | 'marker' | 'indicator'>;
export type DrawingKind = DrawingCommand['type'];
export type { ChartPoint };

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
  /** The AI turn that drew it (provenance). */
  turn?: string;
  /** Why the AI drew it (the command's `why`). */
  why?: string;
  /** A proposal shown as a ghost, not applied yet. */
  proposed?: boolean;
}

export interface IndicatorInfo {
  id: string;
  indicator: IndicatorKind;
  source: DrawingSource;
  params: IndicatorParams;
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
  /** The AI turn that drew it. */
  readonly turn?: string;
  /** A ghost of a proposal. */
  readonly proposed?: boolean;
  /** The line series of an indicator. */
  readonly plot?: IndicatorPlot;
  /** Called after every data change. */
  refresh?(): void;
  remove(): void;
}

/** The series' markers: one plugin, created on first use; `setMarkers` replaces the list whole. */
export interface MarkerLayer {
  set(id: string, marker: SeriesMarker<Time>): void;
  delete(id: string): void;
  detach(): void;
}

export function markerLayer(create: () => ISeriesMarkersPluginApi<Time>): MarkerLayer {
  let api: ISeriesMarkersPluginApi<Time> | null = null;
  const markers = new Map<string, SeriesMarker<Time>>();
  const flush = () => {
    api ??= create();
    // The plugin wants markers in time order.
    api.setMarkers([...markers.values()].sort((a, b) => (a.time as number) - (b.time as number)));
  };
  return {
    set(id, marker) {
      markers.set(id, marker);
      flush();
    },
    delete(id) {
      if (markers.delete(id)) flush();
    },
    detach() {
      api?.detach();
      api = null;
      markers.clear();
    },
  };
}

const BAR_POSITIONS = { above: 'aboveBar', below: 'belowBar', in: 'inBar' } as const;

export function createDrawing(deps: DrawingDeps, command: DrawingCommand, source: DrawingSource): Drawing {
  const { series, axis } = deps;
  const drawing = { id: command.id, command, source };
  const attach = (primitive: Parameters<typeof series.attachPrimitive>[0]): Drawing => {
    series.attachPrimitive(primitive);
    return { ...drawing, remove: () => series.detachPrimitive(primitive) };
  };
  switch (command.type) {
    case 'price_line': {
      const { role } = command;
      const line = series.createPriceLine({
        id: command.id,
        price: command.price,
        color: command.color ?? ROLE_COLORS[role],
        lineWidth: 2,
        lineStyle: toLineStyle(command.style ?? (role === 'level' ? 'solid' : 'dashed')),
        axisLabelVisible: true,
        title: command.label ?? (role === 'level' ? '' : role === 'support' ? 'Support' : 'Resistance'),
      });
      return { ...drawing, remove: () => series.removePriceLine(line) };
    }
    case 'trendline':
      return attach(
        trendlinePrimitive(axis, {
          ...command,
          extend: command.extend ?? 'none',
          color: command.color ?? DRAWING_COLORS.trendline,
          style: command.style ?? 'solid',
          width: 2,
        }),
      );
    case 'zone':
      return attach(zonePrimitive(axis, { ...command, color: command.color ?? DRAWING_COLORS.zone }));
    case 'fib':
      return attach(fibPrimitive(axis, { ...command, levels: command.levels ?? DEFAULT_FIB_LEVELS }));
    case 'marker': {
      const { id, shape, position } = command;
      deps.markers.set(id, {
        id,
        time: command.time as UTCTimestamp,
        shape,
        color: command.color ?? (shape === 'arrowUp' ? DRAWING_COLORS.markerUp : shape === 'arrowDown' ? DRAWING_COLORS.markerDown : DRAWING_COLORS.marker),
        text: command.text ?? '',
        // The contract requires a price for position "price".
        ...(position === 'price' ? { position: 'atPriceMiddle', price: command.price ?? 0 } : { position: BAR_POSITIONS[position] }),
      });
      return { ...drawing, remove: () => deps.markers.delete(id) };
    }
    case 'indicator': {
      const plot = plotIndicator(deps.chart, command);
      const refresh = () => plot.recompute(deps.bars.bars);
      refresh();
      return { ...drawing, plot, refresh, remove: plot.remove };
    }
  }
}

/** How a drawing appears in `drawings` and in the chart context. */
export function describeDrawing({ id, source, command: c, plot, turn, proposed }: Drawing, bars: SeriesBars): DrawingInfo | IndicatorInfo {
  const common = { id, source, command: c, ...(turn ? { turn } : {}), ...(proposed ? { proposed } : {}) };
  if (c.type === 'indicator') return { ...common, indicator: c.indicator, params: plot!.params, paneIndex: plot!.paneIndex };
  let anchors: Pick<DrawingInfo, 'price' | 'p1' | 'p2'>;
  switch (c.type) {
    case 'price_line':
      anchors = { price: c.price };
      break;
    case 'trendline':
      anchors = { p1: c.p1, p2: c.p2 };
      break;
    case 'fib':
      anchors = { p1: c.from, p2: c.to };
      break;
    case 'zone': {
      // Without times the band spans the whole chart: report it over the data's time range.
      const from = c.from ?? bars.times[0];
      const to = c.to ?? bars.times.at(-1);
      anchors = from === undefined || to === undefined ? { price: c.top } : { p1: { time: from, price: c.top }, p2: { time: to, price: c.bottom } };
      break;
    }
    case 'marker': {
      const price = c.price ?? bars.bars.find((b) => b.time === c.time)?.close;
      anchors = price === undefined ? {} : { p1: { time: c.time, price } };
    }
  }
  const label = c.type === 'marker' ? c.text : c.label;
  return { ...common, kind: c.type, ...(label === undefined ? {} : { label }), ...(c.why ? { why: c.why } : {}), ...anchors };
}
