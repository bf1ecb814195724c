/**
 * Bundle sizes in `npm run bench` (the same figures bench/budgets.test.ts enforces), with the
 * ratios to the reference points. Needs `npm run build`.
 */
import { resolve } from 'node:path';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import terserPlugin from '@rollup/plugin-terser';
import { rollup } from 'rollup';
import esbuild from 'rollup-plugin-esbuild';
import { gzipSize, measureBundles } from './bundle-sizes.js';

// Its types describe a CommonJS module (under NodeNext); at run time the ESM default is the function.
const terser = terserPlugin as unknown as typeof terserPlugin.default;

const KB = 1024;
const kb = (bytes: number) => Number((bytes / KB).toFixed(2));

export default async function sizesBench(): Promise<Record<string, string | number>> {
  const r = measureBundles();
  const lit = await bundledGz("export { LitElement, html, css, nothing } from 'lit';");
  // The adapter on a page without the element: its code plus the contract and valibot.
  const adapterAlone = await bundledGz(`export * from ${JSON.stringify(resolve('sdk/adapters/lightweight-charts.ts'))};`, ['lightweight-charts']);
  return {
    'Lit alone, measured here (KB gz)': kb(lit),
    '<chart-chat> without renderer chunks vs Lit alone': `${(r.element.gz / lit).toFixed(2)}x`,
    'lightweight-charts adapter alone, with contract + valibot (KB gz)': kb(adapterAlone),
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

const minify = () => terser({ ecma: 2020, module: true, compress: { passes: 2 }, format: { comments: false } });

/** Bundles `code` (an ES module importing packages or repo files) in memory, minified; returns gz bytes. */
async function bundledGz(code: string, external: string[] = []): Promise<number> {
  const entry = '\0measure-entry';
  const bundle = await rollup({
    input: entry,
    external,
    onwarn: () => {},
    plugins: [
      { name: 'measure-entry', resolveId: (id) => (id === entry ? id : null), load: (id) => (id === entry ? code : null) },
      nodeResolve(),
      esbuild({ target: 'es2022', tsconfig: './tsconfig.json' }),
    ],
  });
  const { output } = await bundle.generate({ format: 'es', inlineDynamicImports: true, plugins: [minify()] });
  await bundle.close();
  return gzipSize(output[0].code);
}
