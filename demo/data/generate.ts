/**
 * Writes the demo's sample data: `npx tsx demo/data/generate.ts` -> demo/data/<SYMBOL>-<TF>.json.
 * Deterministic (seeded), so running it again reproduces the committed files byte for byte.
 */
import { generateBars, MARKETS, TIMEFRAMES } from './sample-data.js';

/** Bars per file. */
const COUNT = 400;

// This file sits in the browser tsconfig (demo/**), which has no Node types: load fs by computed name.
const fs = (await import(`node:${'fs'}`)) as { writeFileSync(path: URL, data: string): void };

for (const market of MARKETS) {
  for (const timeframe of TIMEFRAMES) {
    const bars = generateBars(market, timeframe, COUNT);
    const file = new URL(`./${market.symbol}-${timeframe}.json`, import.meta.url);
    const rows = bars.map((b) => JSON.stringify(b)).join(',\n    ');
    fs.writeFileSync(file, `{\n  "symbol": "${market.symbol}",\n  "timeframe": "${timeframe}",\n  "bars": [\n    ${rows}\n  ]\n}\n`);
    const closes = bars.map((b) => b.close);
    console.log(`${market.symbol} ${timeframe}: ${bars.length} bars, ${Math.min(...closes)} .. ${Math.max(...closes)}, last ${closes.at(-1)}`);
  }
}
