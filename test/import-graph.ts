/**
 * The repository's import graph, read with TypeScript's own pre-processor (static imports,
 * re-exports, `import type` and dynamic `import()`), and the two checks the layering rests on:
 * no import cycle, and no import across a forbidden layer boundary.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, posix, relative, sep } from 'node:path';
import ts from 'typescript';

/** File (repo-relative, `/`-separated) → the repo files it imports. */
export type ImportGraph = Map<string, string[]>;

/** Every `.ts` file under `roots` (skipping `node_modules`, `dist` and dot folders), with its imports of other repo files. */
export function readImportGraph(repo: string, roots: readonly string[]): ImportGraph {
  const graph: ImportGraph = new Map();
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (name === 'node_modules' || name === 'dist' || name.startsWith('.')) continue;
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) {
        const file = toPosix(relative(repo, path));
        graph.set(file, importsOf(repo, file, readFileSync(path, 'utf8')));
      }
    }
  };
  for (const root of roots) if (existsSync(join(repo, root))) walk(join(repo, root));
  return graph;
}

/** The repo files `source` (at `file`) imports: relative specifiers only, `.js` read as `.ts`. */
export function importsOf(repo: string, file: string, source: string): string[] {
  const { importedFiles } = ts.preProcessFile(source, true, true);
  const targets = new Set<string>();
  for (const { fileName } of importedFiles) {
    if (!fileName.startsWith('.')) continue;
    const target = posix.normalize(posix.join(posix.dirname(file), fileName)).replace(/\.js$/, '.ts');
    const candidates = [target, `${target}.ts`, `${target}/index.ts`];
    const found = candidates.find((c) => c.endsWith('.ts') && existsSync(join(repo, c)));
    if (found) targets.add(found);
  }
  return [...targets];
}

/** Every import cycle, each as the files of one strongly connected component (Tarjan). */
export function findCycles(graph: ImportGraph): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      const selfLoop = graph.get(v)?.includes(v) ?? false;
      if (component.length > 1 || selfLoop) cycles.push(component.sort());
    }
  };
  for (const v of [...graph.keys()].sort()) if (!index.has(v)) visit(v);
  return cycles;
}

/** Files under `from` must not import files under any of `to` (folder or file prefixes). */
export interface LayerRule {
  readonly from: string;
  readonly to: readonly string[];
  readonly why: string;
  /** Files the rule does not apply to (tests may reach across layers to set things up). */
  readonly except?: (file: string) => boolean;
}

/** `from → to: why` for every import that breaks a rule. */
export function findViolations(graph: ImportGraph, rules: readonly LayerRule[]): string[] {
  const violations: string[] = [];
  for (const [file, imports] of graph) {
    for (const rule of rules) {
      if (!file.startsWith(rule.from) || rule.except?.(file)) continue;
      for (const target of imports) {
        if (rule.to.some((prefix) => target.startsWith(prefix)) && !target.startsWith(rule.from)) {
          violations.push(`${file} → ${target}: ${rule.why}`);
        }
      }
    }
  }
  return violations.sort();
}

function toPosix(path: string): string {
  return sep === '/' ? path : path.split(sep).join('/');
}

export const repoRoot = dirname(dirname(new URL(import.meta.url).pathname));
