/** Loads the demo's shipped sample bars (same origin) and validates them before they reach the chart. */
import * as v from 'valibot';
import { Bar } from '../sdk/contract/index.js';

export const SYMBOLS = ['TSLA', 'AAPL', 'BTCUSD'] as const;
export const TIMEFRAMES = ['1h', '1D'] as const;

export type DemoBar = v.InferOutput<typeof Bar> & { volume: number };

const SampleFile = v.object({
  symbol: v.string(),
  timeframe: v.string(),
  bars: v.pipe(v.array(v.intersect([Bar, v.object({ volume: v.number() })])), v.minLength(2)),
});

const cache = new Map<string, Promise<DemoBar[]>>();

export function hasSampleData(symbol: string, timeframe: string): boolean {
  return (SYMBOLS as readonly string[]).includes(symbol) && (TIMEFRAMES as readonly string[]).includes(timeframe);
}

/** The bars of one market; fetched once, from `<base>/<SYMBOL>-<TF>.json`. */
export function loadBars(base: string, symbol: string, timeframe: string): Promise<DemoBar[]> {
  if (!hasSampleData(symbol, timeframe)) return Promise.reject(new Error(`no sample data for ${symbol} on ${timeframe}`));
  const key = `${symbol}-${timeframe}`;
  let load = cache.get(key);
  if (!load) {
    load = fetch(new URL(`${key}.json`, base)).then(async (res) => {
      if (!res.ok) throw new Error(`${key}.json: HTTP ${res.status}`);
      const parsed = v.safeParse(SampleFile, await res.json());
      if (!parsed.success) throw new Error(`${key}.json is not valid sample data: ${parsed.issues[0]?.message}`);
      return parsed.output.bars;
    });
    load.catch(() => cache.delete(key));
    cache.set(key, load);
  }
  return load;
}
