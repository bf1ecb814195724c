/**
 * The adapter's canvas drawings (trendline, zone, fib) as series primitives. A drawing keeps its
 * anchors as (time, price) and converts them to pixels on every redraw, so it stays put across
 * `setData` reloads, zoom and timeframe switches. Each kind supplies two functions: `layout`
 * (anchors -> media pixels, before each draw) and `paint` (pixels -> canvas).
 */
import type { IPrimitivePaneRenderer, ISeriesApi, ISeriesPrimitive, PrimitivePaneViewZOrder, SeriesType, Time } from 'lightweight-charts';
import type { TimeAxis } from './time-axis.js';

/** A drawing's anchor: a time (UTC seconds) and a price. */
export interface ChartPoint {
  time: number;
  price: number;
}

/** What a renderer gets: the bitmap context, its width and the pixel ratios. */
export interface BitmapScope {
  ctx: CanvasRenderingContext2D;
  width: number;
  /** Bitmap pixels per media pixel, horizontally and vertically. */
  hr: number;
  vr: number;
}

export interface Pixel {
  x: number;
  y: number;
}

/** Media-pixel converters, valid while the primitive is attached. Null: not on the chart's scales. */
export interface Scales {
  x(time: number): number | null;
  y(price: number): number | null;
  /** Both coordinates of an anchor, or null unless the chart can place it. */
  point(p: ChartPoint): Pixel | null;
  /** A price as the series' own price scale formats it. */
  format(price: number): string;
}

/**
 * A series primitive drawn with `paint` whenever `layout` placed it (returned non-null).
 * `zOrder` "bottom" draws under the candles.
 */
export function drawingPrimitive<Pixels>(
  axis: TimeAxis,
  layout: (scales: Scales) => Pixels | null,
  paint: (px: Pixels, scope: BitmapScope) => void,
  zOrder: PrimitivePaneViewZOrder = 'normal',
): ISeriesPrimitive<Time> {
  let series: ISeriesApi<SeriesType> | null = null;
  let px: Pixels | null = null;
  const scales: Scales = {
    x: (time) => axis.x(time),
    y: (price) => series!.priceToCoordinate(price),
    point: (p) => {
      const x = scales.x(p.time);
      const y = scales.y(p.price);
      return x === null || y === null ? null : { x, y };
    },
    format: (price) => series!.priceFormatter().format(price),
  };
  const renderer: IPrimitivePaneRenderer = {
    draw: (target) =>
      target.useBitmapCoordinateSpace(({ context, bitmapSize, horizontalPixelRatio, verticalPixelRatio }) => {
        if (px !== null) paint(px, { ctx: context, width: bitmapSize.width, hr: horizontalPixelRatio, vr: verticalPixelRatio });
      }),
  };
  const views = [{ renderer: () => renderer, zOrder: () => zOrder }];
  return {
    attached: (param) => {
      series = param.series;
    },
    detached: () => {
      series = px = null;
    },
    updateAllViews: () => {
      px = series && layout(scales);
    },
    paneViews: () => views,
  };
}
