/**
 * Bundle sizes in `npm run bench` (the same figures bench/budgets.test.ts enforces), with the
 * ratios to the reference points. Needs `npm run build`.
 */
import { measureBundles } from './bundle-sizes.js';

const KB = 1024;
const kb = (bytes: number) => Number((bytes / KB).toFixed(2));

export default async function sizesBench(): Promise<Record<string, string | number>> {
  const r = measureBundles();
  return {
    '<chart-chat> + Lit, without renderer chunks (KB gz)': kb(r.element.gz),
    '<chart-chat> + Lit, with ChatKit renderer chunk (KB gz)': kb(r.elementWithChatKit.gz),
    '<chart-chat> + Lit, with lite renderer (KB gz)': kb(r.elementWithLite.gz),
    'lite renderer chunk (KB gz)': kb(r.lite.gz),
    'IIFE, all inlined (KB gz)': kb(r.iife.gz),
    'lightweight-charts adapter, its own file (KB gz)': r.adapter ? kb(r.adapter.gz) : 'not built',
    'with lite vs deep-chat script bundle (111 KB gz)': `${((r.elementWithLite.gz / (111 * KB)) * 100).toFixed(0)}%`,
    'with lite vs Vercel AI SDK useChat (58 KB gz)': `${((r.elementWithLite.gz / (58 * KB)) * 100).toFixed(0)}%`,
  };
}
