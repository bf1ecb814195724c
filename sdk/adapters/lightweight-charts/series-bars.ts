/**
 * The main series' data as OHLC bars with UTC-second times, read once per data change.
 * `series.data()` builds a fresh array on every call, so the adapter reads it through this cache.
 */
import type { ISeriesApi, SeriesType, Time } from 'lightweight-charts';
import { timeToSeconds } from './utc-seconds.js';

export interface OhlcBar {
  /** UTC seconds. */
  time: number;
  /** The time as the host gave it (what other series must use). */
  original: Time;
  open: number;
  high: number;
  low: number;
  close: number;
  volume?: number;
}

export class SeriesBars {
  #bars: OhlcBar[] | null = null;
  #times: number[] = [];
  #spacing = 0;

  constructor(private readonly series: ISeriesApi<SeriesType>) {}

  /** Call when the series' data changed. */
  invalidate(): void {
    this.#bars = null;
  }

  /** OHLC bars, oldest first. Line-like series (`value`) give open = high = low = close. */
  get bars(): readonly OhlcBar[] {
    if (!this.#bars) {
      this.#bars = [];
      for (const item of this.series.data()) {
        const bar = toBar(item as unknown as Record<string, unknown> & { time: Time });
        if (bar) this.#bars.push(bar);
      }
      this.#times = this.#bars.map((b) => b.time);
      this.#spacing = typicalSpacing(this.#times);
    }
    return this.#bars;
  }

  get times(): readonly number[] {
    void this.bars;
    return this.#times;
  }

  /** Seconds per bar: the median of the latest gaps, so weekends and holidays do not skew it. */
  get spacing(): number {
    void this.bars;
    return this.#spacing;
  }
}

function toBar(item: Record<string, unknown> & { time: Time }): OhlcBar | null {
  const time = timeToSeconds(item.time);
  if (time === null) return null;
  const { open, high, low, close, value } = item;
  const bar =
    typeof close === 'number' && typeof open === 'number' && typeof high === 'number' && typeof low === 'number'
      ? { time, original: item.time, open, high, low, close }
      : typeof value === 'number'
        ? { time, original: item.time, open: value, high: value, low: value, close: value }
        : null; // whitespace
  if (!bar) return null;
  // Volume rides along in `customValues.volume` (lightweight-charts keeps customValues on its data).
  const custom = item.customValues as Record<string, unknown> | undefined;
  const volume = custom?.volume;
  return typeof volume === 'number' && Number.isFinite(volume) && volume >= 0 ? { ...bar, volume } : bar;
}

function typicalSpacing(times: readonly number[]): number {
  const gaps: number[] = [];
  for (let i = Math.max(1, times.length - 64); i < times.length; i++) gaps.push(times[i]! - times[i - 1]!);
  if (gaps.length === 0) return 0;
  gaps.sort((a, b) => a - b);
  return gaps[gaps.length >> 1]!;
}
