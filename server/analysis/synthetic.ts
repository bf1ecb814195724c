/**
 * Deterministic synthetic OHLC series for tests and benchmarks: a seeded PRNG and a
 * generator that walks a given "ideal" close path with bounded noise, so tests can plant
 * levels and lines and know where they are.
 */
import type { OhlcBar } from './types.js';

/** mulberry32: a tiny, fast, seeded PRNG returning floats in [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface PathOptions {
  seed?: number;
  /** Max random offset of each close from the path. Default 0. */
  noise?: number;
  /** Wick size: highs/lows extend up to this beyond open/close. Default 0. */
  wick?: number;
  /** First bar time (UTC seconds) and bar spacing. Defaults: 2024-01-01, 1 day. */
  start?: number;
  step?: number;
}

/**
 * Bars whose closes follow `path(i)` (plus noise), each opening at the previous close.
 * `floor(i)`/`ceiling(i)`, when given, clamp the wicks: the planted level or line is then the
 * exact extreme where the path touches it.
 */
export function barsFromPath(
  count: number,
  path: (i: number) => number,
  options: PathOptions & { floor?: (i: number) => number; ceiling?: (i: number) => number } = {},
): OhlcBar[] {
  const random = seededRandom(options.seed ?? 1);
  const noise = options.noise ?? 0;
  const wick = options.wick ?? 0;
  const start = options.start ?? 1_704_067_200;
  const step = options.step ?? 86_400;
  const bars: OhlcBar[] = [];
  let prev = path(0);
  for (let i = 0; i < count; i++) {
    let close = path(i) + (random() * 2 - 1) * noise;
    const open = prev;
    let high = Math.max(open, close) + random() * wick;
    let low = Math.min(open, close) - random() * wick;
    if (options.floor) {
      const f = options.floor(i);
      low = Math.max(low, f);
      close = Math.max(close, f);
    }
    if (options.ceiling) {
      const c = options.ceiling(i);
      high = Math.min(high, c);
      close = Math.min(close, c);
    }
    high = Math.max(high, open, close);
    low = Math.min(low, open, close);
    bars.push({ time: start + i * step, open, high, low, close, volume: 1000 + Math.floor(random() * 1000) });
    prev = close;
  }
  return bars;
}

/** A long random walk (for benchmarks): geometric steps of up to `volatility` per bar. */
export function randomWalk(count: number, seed = 7, startPrice = 100, volatility = 0.01): OhlcBar[] {
  const random = seededRandom(seed);
  let price = startPrice;
  const closes: number[] = [];
  for (let i = 0; i < count; i++) {
    price *= 1 + (random() * 2 - 1) * volatility;
    closes.push(price);
  }
  return barsFromPath(count, (i) => closes[i]!, { seed, wick: startPrice * volatility * 0.5 });
}
