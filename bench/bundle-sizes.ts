/**
 * Measures the built script-tag bundles (minified + gzipped) the way a browser downloads them:
 * the element's core, and the lazy chunk(s) of each renderer (lite, ChatKit) it adds. Shared by bench/budgets.test.ts and bench/sizes.bench.ts.
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';

export const DIST = 'dist';
export const BUNDLE_ENTRY = join(DIST, 'chart-chat.bundle.js');
export const IIFE = join(DIST, 'chart-chat.iife.js');
export const ADAPTER_ENTRY = join(DIST, 'chart-chat.lightweight-charts.js');

/** Bytes after `gzip -6` (the `gzip -c` default, what CDNs usually serve). */
export const gzipSize = (code: string | Uint8Array): number => gzipSync(code, { level: 6 }).length;

const STATIC_IMPORT = /(?:\bfrom|\bimport)\s*["'](\.{1,2}\/[^"']+)["']/g;
const DYNAMIC_IMPORT = /\bimport\(\s*["'](\.{1,2}\/[^"']+)["']\s*\)/g;

function importsOf(file: string, pattern: RegExp): string[] {
  const code = readFileSync(file, 'utf8');
  return [...code.matchAll(pattern)].map((m) => join(dirname(file), m[1]!));
}

/** The files loaded when `entry` is imported: itself and its static imports, transitively. */
export function staticClosure(entry: string, seen = new Set<string>()): Set<string> {
  if (seen.has(entry)) return seen;
  seen.add(entry);
  for (const dep of importsOf(entry, STATIC_IMPORT)) staticClosure(dep, seen);
  return seen;
}

/** Every file `entry` can load: static imports plus `import()` targets, transitively. */
function everything(entry: string): Set<string> {
  const all = new Set<string>();
  const todo = [entry];
  for (let file = todo.pop(); file !== undefined; file = todo.pop()) {
    if (all.has(file)) continue;
    all.add(file);
    todo.push(...importsOf(file, STATIC_IMPORT), ...importsOf(file, DYNAMIC_IMPORT));
  }
  return all;
}

/**
 * Splits what `entry` can load into the element's core (the entry, its static imports and any
 * lazy chunk that is not a renderer), the lite renderer's lazy chunk(s) and the ChatKit renderer's
 * (an `import()` target named `*lite*` / `*chatkit*`, with what it alone needs). A page loads the
 * core plus one renderer; code both renderers share is counted in each.
 */
export function splitRenderers(entry: string): { element: Set<string>; lite: Set<string>; chatkit: Set<string> } {
  const all = everything(entry);
  const dynTargets = new Set<string>();
  for (const file of all) for (const dyn of importsOf(file, DYNAMIC_IMPORT)) dynTargets.add(dyn);
  // The command loop (outcomes, proposals, undo) loads with a renderer that receives commands: counted in both.
  const renderer = (target: string) => /lite|chatkit|command-loop/.test(basename(target));
  const element = staticClosure(entry);
  for (const target of dynTargets) if (!renderer(target)) staticClosure(target, element);
  const chunksOf = (name: RegExp) => {
    const files = new Set<string>();
    for (const target of dynTargets) if (name.test(basename(target))) staticClosure(target, files);
    return new Set([...files].filter((f) => !element.has(f)));
  };
  const loop = chunksOf(/command-loop/);
  return { element, lite: new Set([...chunksOf(/lite/), ...loop]), chatkit: new Set([...chunksOf(/chatkit/), ...loop]) };
}

export interface FileSize { file: string; raw: number; gz: number }
export interface GroupSize { files: FileSize[]; raw: number; gz: number }

/** Sizes of a set of files; `gz` is the sum of each file gzipped on its own (one request each). */
export function sizeOf(files: Iterable<string>): GroupSize {
  const list = [...files].sort().map((file) => {
    const code = readFileSync(file);
    return { file: relative('.', file), raw: code.length, gz: gzipSize(code) };
  });
  return {
    files: list,
    raw: list.reduce((n, f) => n + f.raw, 0),
    gz: list.reduce((n, f) => n + f.gz, 0),
  };
}

export interface BundleReport {
  /** `<chart-chat>` with Lit: everything but the lazily loaded renderers. */
  element: GroupSize;
  /** The chunks the lite renderer adds. */
  lite: GroupSize;
  /** The chunks the ChatKit renderer adds (without ChatKit's own script from OpenAI's CDN). */
  chatkit: GroupSize;
  /** element + lite: what a page using the lite renderer downloads. */
  elementWithLite: GroupSize;
  /** element + ChatKit renderer: what a page using ChatKit downloads from us. */
  elementWithChatKit: GroupSize;
  /** The classic script (everything inlined). */
  iife: GroupSize;
  /**
   * The lightweight-charts adapter's own file(s): what it adds to a page with the element (it
   * imports the contract and valibot from the element's file), without lightweight-charts.
   */
  adapter: GroupSize | null;
}

/** Throws (with the fix) when the bundles have not been built. */
export function measureBundles(): BundleReport {
  for (const f of [BUNDLE_ENTRY, IIFE]) {
    if (!existsSync(f)) throw new Error(`${f} is missing: run \`npm run build\` first`);
  }
  const { element: elementFiles, lite: liteFiles, chatkit: chatkitFiles } = splitRenderers(BUNDLE_ENTRY);
  const adapter = existsSync(ADAPTER_ENTRY) ? sizeOf([...staticClosure(ADAPTER_ENTRY)].filter((f) => !elementFiles.has(f))) : null;
  return {
    element: sizeOf(elementFiles),
    lite: sizeOf(liteFiles),
    chatkit: sizeOf(chatkitFiles),
    elementWithLite: sizeOf([...elementFiles, ...liteFiles]),
    elementWithChatKit: sizeOf([...elementFiles, ...chatkitFiles]),
    iife: sizeOf([IIFE]),
    adapter,
  };
}

export const kb = (bytes: number): string => `${(bytes / 1024).toFixed(2)} KB`;
