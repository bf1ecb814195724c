/**
 * Time -> x for drawings. lightweight-charts only maps times that are exactly a bar
 * (`timeToCoordinate` is null between bars, before the data and in the future, #855), so
 * drawings keep their anchors as (time, price) and go through the logical index: exact bar,
 * interpolated between two bars, or extrapolated by the typical bar spacing beyond the data.
 */
import type { Coordinate, IChartApi, Logical, Time } from 'lightweight-charts';
import type { SeriesBars } from './series-bars.js';

/** Maps times to pixels through the main series' bars. */
export class TimeAxis {
  constructor(
    private readonly chart: IChartApi,
    private readonly bars: SeriesBars,
  ) {}

  /** The (fractional) logical index of a time, or null when the series has no data. */
  logical(time: number): number | null {
    const times = this.bars.times;
    const spacing = this.bars.spacing;
    const n = times.length;
    if (n === 0) return null;
    const i = lowerBound(times, time);
    if (i < n && times[i] === time) return i;
    if (i === 0) return spacing > 0 ? (time - times[0]!) / spacing : 0;
    if (i === n) return spacing > 0 ? n - 1 + (time - times[n - 1]!) / spacing : n - 1;
    const before = times[i - 1]!;
    return i - 1 + (time - before) / (times[i]! - before);
  }

  /** Media-pixel x of a time (may be off screen), or null when the chart has no data. */
  x(time: number): Coordinate | null {
    const ts = this.chart.timeScale();
    const exact = ts.timeToCoordinate(time as Time);
    if (exact !== null) return exact;
    const logical = this.logical(time);
    if (logical === null) return null;
    // logicalToCoordinate answers 0 for fractional indices (5.2.1), so interpolate between whole ones.
    const base = Math.floor(logical);
    const x0 = ts.logicalToCoordinate(base as Logical);
    if (x0 === null || logical === base) return x0;
    const x1 = ts.logicalToCoordinate((base + 1) as Logical);
    return x1 === null ? x0 : ((x0 + (x1 - x0) * (logical - base)) as Coordinate);
  }
}

function lowerBound(sorted: readonly number[], value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
