/**
 * `npm run bench`: runs every `bench/*.bench.ts` module in name order, one at a time. Each
 * module's default export is `() => Promise<Record<string, string | number>>`; the figures it
 * returns are printed as one table per module. `npm run bench -- <text>` runs only the modules
 * whose file name contains <text>. A module that throws is reported and makes the run exit 1.
 */
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export type BenchResult = Record<string, string | number>;
export type Bench = () => Promise<BenchResult>;

const here = dirname(fileURLToPath(import.meta.url));
const filter = process.argv[2];
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts') && (!filter || f.includes(filter)))
  .sort();

function format(value: string | number): string {
  if (typeof value === 'string') return value;
  if (!Number.isFinite(value)) return String(value);
  if (Number.isInteger(value)) return value.toLocaleString('en-US');
  return Math.abs(value) >= 100 ? value.toFixed(0) : Math.abs(value) >= 1 ? value.toFixed(2) : value.toPrecision(3);
}

function table(title: string, result: BenchResult): string {
  const rows = Object.entries(result).map(([k, v]) => [k, format(v)] as const);
  const width = Math.max(title.length, ...rows.map(([k]) => k.length));
  const valueWidth = Math.max(5, ...rows.map(([, v]) => v.length));
  const line = `${'─'.repeat(width + 2)}┼${'─'.repeat(valueWidth + 2)}`;
  return [`${title}`, line, ...rows.map(([k, v]) => ` ${k.padEnd(width)} │ ${v.padStart(valueWidth)}`), ''].join('\n');
}

let failed = 0;
if (files.length === 0) console.log(filter ? `no bench/*.bench.ts matches "${filter}"` : 'no bench/*.bench.ts files');
for (const file of files) {
  const started = performance.now();
  try {
    const module = (await import(pathToFileURL(join(here, file)).href)) as { default?: unknown };
    if (typeof module.default !== 'function') throw new Error('the default export must be a function returning Promise<Record<string, string | number>>');
    const result = await (module.default as Bench)();
    console.log(table(`${file} (${((performance.now() - started) / 1000).toFixed(1)} s)`, result));
  } catch (error) {
    failed++;
    console.log(`${file}: FAILED\n  ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  }
}
process.exitCode = failed > 0 ? 1 : 0;
