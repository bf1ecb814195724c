/**
 * Test fixtures for the adapter's browser tests: a real lightweight-charts chart with
 * deterministic daily candles, a recording `chartContext` target, and canvas pixel probes.
 */
import { CandlestickSeries, ColorType, createChart, type CandlestickData, type IChartApi, type ISeriesApi, type UTCTimestamp } from 'lightweight-charts';
import type { ChartContextInput } from '../contract/index.js';

export const DAY = 86_400;
/** 2023-11-14 00:00 UTC. */
export const T0 = 1_699_920_000;

/** Deterministic daily candles: a gentle uptrend with a wave, every bar valid for the contract. */
export function makeBars(count: number, start = T0, base = 100): CandlestickData<UTCTimestamp>[] {
  const bars: CandlestickData<UTCTimestamp>[] = [];
  let prev = base;
  for (let i = 0; i < count; i++) {
    const close = base + 10 * Math.sin(i / 8) + i * 0.1;
    const open = prev;
    bars.push({ time: (start + i * DAY) as UTCTimestamp, open, high: Math.max(open, close) + 1, low: Math.min(open, close) - 1, close });
    prev = close;
  }
  return bars;
}

/** Stands in for `<chart-chat>`: an event target that records every `chartContext` assignment. */
export class ContextRecorder extends EventTarget {
  readonly assigned: ChartContextInput[] = [];
  get chartContext(): ChartContextInput | undefined {
    return this.assigned[this.assigned.length - 1];
  }
  set chartContext(value: ChartContextInput | undefined) {
    if (value) this.assigned.push(value);
  }
}

export interface ChartFixture {
  chart: IChartApi;
  series: ISeriesApi<'Candlestick'>;
  bars: CandlestickData<UTCTimestamp>[];
  container: HTMLElement;
  dispose(): void;
}

/** A 800x400 chart on a white background with 120 daily bars and room on the right for future times. */
export function chartFixture(barCount = 120): ChartFixture {
  const container = document.createElement('div');
  container.style.cssText = 'width:800px;height:400px;position:fixed;left:0;top:0';
  document.body.append(container);
  const chart = createChart(container, {
    width: 800,
    height: 400,
    layout: { background: { type: ColorType.Solid, color: '#ffffff' }, textColor: '#333333', attributionLogo: false },
    grid: { vertLines: { visible: false }, horzLines: { visible: false } },
    timeScale: { rightOffset: 20 },
  });
  const series = chart.addSeries(CandlestickSeries, { upColor: '#26a69a', downColor: '#ef5350', wickVisible: true, borderVisible: false });
  const bars = makeBars(barCount);
  series.setData(bars);
  return {
    chart,
    series,
    bars,
    container,
    dispose() {
      chart.remove();
      container.remove();
    },
  };
}

export const nextFrame = () => new Promise<void>((resolve) => requestAnimationFrame(() => resolve()));

/** Waits until the chart has painted whatever changed (it paints on animation frames). */
export async function painted(): Promise<void> {
  await nextFrame();
  await nextFrame();
}

type Rgb = [number, number, number];

export function hexToRgb(hex: string): Rgb {
  const n = parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

/**
 * True when a pixel close to `color` is within `radius` media pixels of (x, y) in the chart's
 * own rendering (`takeScreenshot`: panes and axes composed, bitmap resolution).
 */
export function hasColorNear(chart: IChartApi, x: number, y: number, color: string, radius = 3, tolerance = 60): boolean {
  const shot = chart.takeScreenshot();
  const ratio = shot.width / chart.options().width;
  const ctx = shot.getContext('2d')!;
  const [r, g, b] = hexToRgb(color);
  const size = Math.ceil((2 * radius + 1) * ratio);
  const data = ctx.getImageData(Math.round((x - radius) * ratio), Math.round((y - radius) * ratio), size, size).data;
  for (let i = 0; i < data.length; i += 4) {
    if (Math.abs(data[i]! - r) + Math.abs(data[i + 1]! - g) + Math.abs(data[i + 2]! - b) <= tolerance) return true;
  }
  return false;
}

/** The colour of one pixel of the chart's rendering. */
export function pixelAt(chart: IChartApi, x: number, y: number): Rgb {
  const shot = chart.takeScreenshot();
  const ratio = shot.width / chart.options().width;
  const d = shot.getContext('2d')!.getImageData(Math.round(x * ratio), Math.round(y * ratio), 1, 1).data;
  return [d[0]!, d[1]!, d[2]!];
}
