/**
 * Test-only: a chart context at every cap the contract allows (500 bars, 200 drawings with the
 * longest labels and rationales, 50 indicators with 16 parameters each, 4 KB of meta), the
 * largest context a page can make the server forward. Optional `inject` text is planted in every
 * host-controlled string (labels, kinds, meta keys and values, indicator parameters).
 */
import { MAX_CONTEXT_BARS, MAX_CONTEXT_DRAWINGS, MAX_CONTEXT_INDICATORS, MAX_META_BYTES, type ChartContextInput } from '../../sdk/contract/index.js';
import { randomWalk } from '../analysis/synthetic.js';

const fill = (text: string, length: number): string => text.repeat(Math.ceil(length / Math.max(1, text.length))).slice(0, length);

export function maxChartContext(inject = 'host text'): ChartContextInput {
  const bars = randomWalk(MAX_CONTEXT_BARS, 11, 250, 0.02);
  const last = bars.at(-1)!;
  const drawings = Array.from({ length: MAX_CONTEXT_DRAWINGS }, (_, i) => ({
    id: `d${String(i).padStart(3, '0')}-${'x'.repeat(59)}`,
    kind: fill(inject, 32),
    source: i % 2 ? ('ai' as const) : ('host' as const),
    label: fill(inject, 64),
    price: bars[i]!.close,
    p1: { time: bars[i]!.time, price: bars[i]!.low },
    p2: { time: bars[i + 100]!.time, price: bars[i + 100]!.high },
    turn: `turn-${String(i).padStart(3, '0')}-${'t'.repeat(55)}`,
    why: fill(inject, 240),
    proposed: i % 3 === 0,
  }));
  const indicators = Array.from({ length: MAX_CONTEXT_INDICATORS }, (_, i) => ({
    id: `ind-${i}`,
    indicator: fill(inject, 32),
    params: Object.fromEntries(Array.from({ length: 16 }, (_, k) => [`${fill(inject, 28)}${k}`.slice(-32), fill(inject, 32)])),
  }));
  // Meta up to its byte cap: as many keys as fit.
  const meta: Record<string, string> = {};
  for (let k = 0; ; k++) {
    const next = { ...meta, [`${fill(inject, 20)}-${k}`]: fill(inject, 100) };
    if (JSON.stringify(next).length > MAX_META_BYTES) break;
    Object.assign(meta, next);
  }
  return {
    symbol: `NASDAQ:${'X'.repeat(25)}`,
    timeframe: '1D',
    lastPrice: last.close,
    visibleRange: { from: bars[0]!.time, to: last.time },
    bars,
    drawings,
    indicators,
    meta,
  };
}
