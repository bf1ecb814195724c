/**
 * Size budgets for the script-tag bundles (issue "Packaging"): fails when a budget is exceeded.
 * The figures and their ratios to reference points are printed by `npm run bench`
 * (bench/sizes.bench.ts). Needs `npm run build` first (npm test builds).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { kb, measureBundles } from './bundle-sizes.js';

const KB = 1024;
const BUDGET = {
  element: 12 * KB, // <chart-chat> + Lit, without either renderer's lazy chunk
  elementWithLite: 25 * KB, // ... with the lite renderer
  // ... with the ChatKit renderer's glue (ChatKit itself comes from OpenAI's CDN, hundreds of KB)
  // and the command loop (outcomes, proposals, undo, with what both renderers share: 2.5 KB).
  // One shared chunk instead of the loop plus a small one saved ~0.2 KB (a banner, imports and a
  // gzip dictionary per file), which paid for sending the bars once per thread (transport.ts).
  elementWithChatKit: 16.5 * KB,
  iife: 25 * KB, // the classic script: everything inlined
  // The lightweight-charts adapter, without lightweight-charts itself. Measured as its own file
  // (what it adds next to the element, whose contract + valibot it reuses). Ghosts and provenance
  // hover took it from 5.7 to 6.9 KB.
  adapter: 8 * KB,
};

const report = measureBundles();

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
