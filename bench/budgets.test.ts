/**
 * Size budgets for the script-tag bundles (issue "Packaging"): fails when a budget is exceeded and
 * prints the figures next to reference points. Needs `npm run build` first (npm test builds).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { rollup } from 'rollup';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import terserPlugin from '@rollup/plugin-terser';
import esbuild from 'rollup-plugin-esbuild';
import { resolve } from 'node:path';
import { gzipSize, kb, measureBundles, type GroupSize } from './bundle-sizes.js';

// Its types describe a CommonJS module (under NodeNext); at run time the ESM default is the function.
const terser = terserPlugin as unknown as typeof terserPlugin.default;

const KB = 1024;
const BUDGET = {
  element: 12 * KB, // <chart-chat> + Lit, without either renderer's lazy chunk
  elementWithLite: 25 * KB, // ... with the lite renderer
  // ... with the ChatKit renderer's glue (ChatKit itself comes from OpenAI's CDN, hundreds of KB)
  // and the command loop (outcomes, proposals, undo: 1.9 KB, loaded on the first command).
  elementWithChatKit: 16.5 * KB,
  iife: 25 * KB, // the classic script: everything inlined
  // The lightweight-charts adapter, without lightweight-charts itself. Measured as its own file
  // (what it adds next to the element, whose contract + valibot it reuses). Ghosts and provenance
  // hover took it from 5.7 to 6.9 KB.
  adapter: 8 * KB,
};

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

function row(name: string, size: GroupSize | null, budget?: number): string {
  if (!size) return `  ${name.padEnd(44)} (not built)`;
  const verdict = budget === undefined ? '' : `  budget ${kb(budget)}  ${size.gz <= budget ? 'ok' : 'OVER'}`;
  return `  ${name.padEnd(44)} ${kb(size.gz).padStart(9)} gz  ${kb(size.raw).padStart(10)} min${verdict}`;
}

const report = measureBundles();

test('prints the sizes next to the reference points', async () => {
  const r = report;
  const lit = await bundledGz("export { LitElement, html, css, nothing } from 'lit';");
  // The adapter on a page without the element: its code plus the contract and valibot.
  const adapterAlone = await bundledGz(`export * from ${JSON.stringify(resolve('sdk/adapters/lightweight-charts.ts'))};`, ['lightweight-charts']);
  const lines = [
    'bundle sizes (minified, gzip -6 per file):',
    row('<chart-chat> without renderer chunks', r.element, BUDGET.element),
    row('<chart-chat> with lite renderer (ESM + chunk)', r.elementWithLite, BUDGET.elementWithLite),
    row('  of which the lazy lite chunk(s)', r.lite),
    row('<chart-chat> with ChatKit renderer', r.elementWithChatKit, BUDGET.elementWithChatKit),
    row('  of which the lazy ChatKit chunk(s)', r.chatkit),
    row('<chart-chat> IIFE (all inlined)', r.iife, BUDGET.iife),
    row('lightweight-charts adapter (next to element)', r.adapter, BUDGET.adapter),
    `  ${'  the adapter alone, with contract + valibot'.padEnd(44)} ${kb(adapterAlone).padStart(9)} gz`,
    'files:',
    ...[...r.elementWithLite.files, ...r.chatkit.files, ...(r.adapter?.files ?? [])]
      .filter((f, i, all) => all.findIndex((g) => g.file === f.file) === i)
      .map((f) => `  ${f.file.padEnd(44)} ${kb(f.gz).padStart(9)} gz  ${kb(f.raw).padStart(10)} min`),
    'reference points (gz):',
    `  Lit alone (measured here)                    ${kb(lit).padStart(9)}   -> <chart-chat> is ${(r.element.gz / lit).toFixed(2)}x Lit`,
    `  deep-chat script-tag bundle (issue)          ${kb(111 * KB).padStart(9)}   -> <chart-chat> with lite is ${((r.elementWithLite.gz / (111 * KB)) * 100).toFixed(0)}% of it`,
    `  Vercel AI SDK useChat (issue)                ${kb(58 * KB).padStart(9)}   -> ${((r.elementWithLite.gz / (58 * KB)) * 100).toFixed(0)}%`,
  ];
  console.log(lines.join('\n'));
  assert.ok(lit > 3 * KB, 'the Lit reference bundle looks empty');
});

test('the lite renderer is a separate, lazily loaded chunk', () => {
  assert.ok(report.lite.files.length > 0, 'no lazily loaded lite chunk in the standalone ESM build');
});

test(`<chart-chat> with Lit, without the renderers' lazy chunks: <= ${BUDGET.element / KB} KB gz`, () => {
  assert.ok(report.element.gz <= BUDGET.element, `<chart-chat> without renderer chunks is ${kb(report.element.gz)} gz, budget ${kb(BUDGET.element)}`);
});

test('the ChatKit renderer is a separate, lazily loaded chunk', () => {
  assert.ok(report.chatkit.files.length > 0, 'no lazily loaded ChatKit chunk in the standalone ESM build');
});

test(`<chart-chat> with the ChatKit renderer's chunk: <= ${BUDGET.elementWithChatKit / KB} KB gz`, () => {
  assert.ok(report.elementWithChatKit.gz <= BUDGET.elementWithChatKit, `<chart-chat> with ChatKit is ${kb(report.elementWithChatKit.gz)} gz, budget ${kb(BUDGET.elementWithChatKit)}`);
});

test(`<chart-chat> with the lite renderer (ESM + chunk, and the IIFE): <= ${BUDGET.elementWithLite / KB} KB gz`, () => {
  assert.ok(report.elementWithLite.gz <= BUDGET.elementWithLite, `<chart-chat> with lite is ${kb(report.elementWithLite.gz)} gz, budget ${kb(BUDGET.elementWithLite)}`);
  assert.ok(report.iife.gz <= BUDGET.iife, `the IIFE is ${kb(report.iife.gz)} gz, budget ${kb(BUDGET.iife)}`);
});

test(`the lightweight-charts adapter without lightweight-charts: <= ${BUDGET.adapter / KB} KB gz`, () => {
  assert.ok(report.adapter, 'dist/chart-chat.lightweight-charts.js was not built');
  assert.ok(report.adapter.gz <= BUDGET.adapter, `the adapter is ${kb(report.adapter.gz)} gz, budget ${kb(BUDGET.adapter)}`);
});

test('the standalone bundles inline Lit and import nothing by bare name but lightweight-charts', () => {
  const r = report;
  for (const f of [...r.elementWithLite.files, ...r.iife.files, ...(r.adapter?.files ?? [])]) {
    const code = readFileSync(f.file, 'utf8');
    const bare = [...code.matchAll(/(?:\bfrom|\bimport)\s*\(?\s*["']([^"'./][^"']*)["']/g)].map((m) => m[1]);
    assert.deepEqual(bare.filter((b) => b !== 'lightweight-charts'), [], `${f.file} imports ${bare.join(', ')}`);
  }
});
