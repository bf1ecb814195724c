/**
 * Deterministic sample markets for the demo: a seeded random walk with mean reversion toward
 * a drifting anchor, so the series range and trend like real prices and leave swing levels
 * for the analyst to find. Pure (no DOM, no Node): `generate.ts` writes its output as JSON.
 */
import { seededRandom } from '../../server/analysis/synthetic.js';

export interface SampleBar {
  time: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

export interface MarketSpec {
  symbol: string;
  /** Last daily close the series ends near. */
  price: number;
  /** Daily volatility (fraction). */
  dailyVol: number;
  /** Typical daily volume. */
  volume: number;
  /** Trades around the clock (crypto) or on weekdays in US hours. */
  allDay: boolean;
  decimals: number;
  seed: number;
}

export const MARKETS: readonly MarketSpec[] = [
  { symbol: 'TSLA', price: 248, dailyVol: 0.032, volume: 95_000_000, allDay: false, decimals: 2, seed: 1 },
  { symbol: 'AAPL', price: 191, dailyVol: 0.014, volume: 55_000_000, allDay: false, decimals: 2, seed: 2 },
  { symbol: 'BTCUSD', price: 64_250, dailyVol: 0.028, volume: 28_000, allDay: true, decimals: 2, seed: 3 },
];

export const TIMEFRAMES = ['1h', '1D'] as const;
export type SampleTimeframe = (typeof TIMEFRAMES)[number];

const HOUR = 3600;
const DAY = 86_400;
/** The data ends on Friday 2026-11-20 (stocks) / Tuesday 2026-11-24 (crypto), UTC. */
const STOCK_END_DAY = Date.UTC(2026, 10, 20) / 1000;
const CRYPTO_END_DAY = Date.UTC(2026, 10, 24) / 1000;
/** US regular session in UTC (winter): 14:30 .. 21:00, seven hourly bars. */
const SESSION_BARS = [14.5, 15.5, 16.5, 17.5, 18.5, 19.5, 20.5].map((h) => h * HOUR);

function gaussian(random: () => number): number {
  const u = Math.max(random(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

/** Bar open times, oldest first, `count` of them, ending at the market's last session. */
export function barTimes(spec: MarketSpec, timeframe: SampleTimeframe, count: number): number[] {
  const times: number[] = [];
  let day = spec.allDay ? CRYPTO_END_DAY : STOCK_END_DAY;
  while (times.length < count) {
    const weekday = new Date(day * 1000).getUTCDay();
    if (spec.allDay || (weekday !== 0 && weekday !== 6)) {
      if (timeframe === '1D') times.push(day);
      else {
        const hours = spec.allDay ? Array.from({ length: 24 }, (_, h) => h * HOUR) : SESSION_BARS;
        for (let i = hours.length - 1; i >= 0 && times.length < count; i--) times.push(day + hours[i]!);
      }
    }
    day -= DAY;
  }
  return times.reverse();
}

/** One market on one timeframe: `count` bars whose last close is near `spec.price`. */
export function generateBars(spec: MarketSpec, timeframe: SampleTimeframe, count: number): SampleBar[] {
  const random = seededRandom(spec.seed * 100 + (timeframe === '1D' ? 1 : 2));
  const barsPerDay = timeframe === '1D' ? 1 : spec.allDay ? 24 : SESSION_BARS.length;
  const vol = spec.dailyVol / Math.sqrt(barsPerDay);
  // Log-price walk: noise + slow trend regimes + pull toward an anchor that itself wanders.
  const closes: number[] = [];
  let x = 0;
  let anchor = 0;
  let trend = 0;
  for (let i = 0; i < count; i++) {
    if (i % 60 === 0) trend = (random() - 0.5) * vol * 0.35;
    anchor += trend + gaussian(random) * vol * 0.25;
    x += gaussian(random) * vol + 0.06 * (anchor - x);
    closes.push(x);
  }
  // Scale so the series ends near the spec's price.
  const shift = Math.log(spec.price) - closes[count - 1]!;
  const times = barTimes(spec, timeframe, count);
  const round = (p: number, mode: 'up' | 'down' | 'near') => {
    const f = 10 ** spec.decimals;
    return (mode === 'up' ? Math.ceil(p * f) : mode === 'down' ? Math.floor(p * f) : Math.round(p * f)) / f;
  };
  const bars: SampleBar[] = [];
  let prevClose = Math.exp(closes[0]! + shift) * (1 + gaussian(random) * vol * 0.3);
  for (let i = 0; i < count; i++) {
    const close = round(Math.exp(closes[i]! + shift), 'near');
    const open = round(prevClose * (1 + gaussian(random) * vol * 0.15), 'near');
    const high = round(Math.max(open, close) * (1 + Math.abs(gaussian(random)) * vol * 0.45), 'up');
    const low = round(Math.min(open, close) * (1 - Math.abs(gaussian(random)) * vol * 0.45), 'down');
    const move = Math.abs(close - open) / open / vol;
    const volume = Math.round((spec.volume / barsPerDay) * (0.6 + 0.4 * Math.abs(gaussian(random)) + 0.35 * move));
    bars.push({ time: times[i]!, open, high, low, close, volume });
    prevClose = close;
  }
  return bars;
}
