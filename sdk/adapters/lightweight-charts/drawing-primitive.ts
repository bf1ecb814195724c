/**
 * Base of the adapter's canvas drawings (trendline, zone, fib): a series primitive that keeps
 * its anchors as (time, price) and converts them to pixels on every redraw, so drawings stay
 * put across `setData` reloads, zoom and timeframe switches.
 */
import type {
  IChartApi,
  IPrimitivePaneRenderer,
  IPrimitivePaneView,
  ISeriesApi,
  ISeriesPrimitive,
  PrimitivePaneViewZOrder,
  SeriesAttachedParameter,
  SeriesType,
  Time,
} from 'lightweight-charts';
import type { TimeAxis } from './time-axis.js';

/** What a renderer gets: the bitmap context, its size and the pixel ratios. */
export interface BitmapScope {
  ctx: CanvasRenderingContext2D;
  width: number;
  height: number;
  hr: number;
  vr: number;
}

export abstract class DrawingPrimitive implements ISeriesPrimitive<Time> {
  protected chart: IChartApi | null = null;
  protected series: ISeriesApi<SeriesType> | null = null;
  #requestUpdate: (() => void) | null = null;
  readonly #views: readonly IPrimitivePaneView[];

  constructor(protected readonly axis: TimeAxis) {
    const renderer: IPrimitivePaneRenderer = {
      draw: (target: Parameters<IPrimitivePaneRenderer['draw']>[0]) =>
        target.useBitmapCoordinateSpace(({ context, bitmapSize, horizontalPixelRatio, verticalPixelRatio }) =>
          this.draw({ ctx: context, width: bitmapSize.width, height: bitmapSize.height, hr: horizontalPixelRatio, vr: verticalPixelRatio }),
        ),
    };
    const zOrder = this.zOrder();
    this.#views = [{ renderer: () => renderer, zOrder: () => zOrder }];
  }

  /** True between `attachPrimitive` and `detachPrimitive`. */
  get attachedToSeries(): boolean {
    return this.series !== null;
  }

  attached({ chart, series, requestUpdate }: SeriesAttachedParameter<Time>): void {
    this.chart = chart as IChartApi;
    this.series = series;
    this.#requestUpdate = requestUpdate;
  }

  detached(): void {
    this.chart = this.series = this.#requestUpdate = null;
  }

  /** Asks the chart to redraw (after the anchors changed). */
  requestUpdate(): void {
    this.#requestUpdate?.();
  }

  paneViews(): readonly IPrimitivePaneView[] {
    return this.#views;
  }

  /** Recomputes pixel positions from the anchors; the chart calls it before each draw. */
  abstract updateAllViews(): void;

  protected abstract draw(scope: BitmapScope): void;

  protected zOrder(): PrimitivePaneViewZOrder {
    return 'normal';
  }

  protected x(time: number): number | null {
    return this.chart ? this.axis.x(time) : null;
  }

  protected y(price: number): number | null {
    return this.series?.priceToCoordinate(price) ?? null;
  }

  /** The chart's text colour, so labels read on light and dark themes. */
  protected textColor(): string {
    return this.chart?.options().layout.textColor ?? '#787b86';
  }

  protected formatPrice(price: number): string {
    return this.series?.priceFormatter().format(price) ?? String(price);
  }
}
