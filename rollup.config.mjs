// rollup.config.mjs — every build of chart-chat.
//
//   dist/npm/          npm ESM, one file per source module; lit, valibot, lightweight-charts stay
//                      external (dependencies), so consumers never get two copies of Lit.
//   dist/chart-chat.bundle.js (+ chart-chat.<chunk>.js)
//                      standalone ESM for a <script type="module"> tag: Lit + valibot inlined,
//                      minified, registers <chart-chat>; the lite renderer is its own lazy chunk.
//   dist/chart-chat.iife.js
//                      the same as a classic script (global `ChartChat`), everything inlined.
//   dist/server/       the Hono server (`chart-chat/server`) for Node 20, dependencies external.
//   dist/demo/         the demo page (element + adapter + lightweight-charts).
//
// `.d.ts` files come from `tsc -p tsconfig.build.json` and custom-elements.json from `cem analyze`
// (package.json scripts `build:types` and `analyze`).
import { existsSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { resolve } from 'node:path';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import esbuild from 'rollup-plugin-esbuild';
import terser from '@rollup/plugin-terser';

const SDK_ENTRY = 'sdk/index.ts';
const DEFINE_ENTRY = 'sdk/define.ts';
const ADAPTER_ENTRY = 'sdk/adapters/lightweight-charts.ts';
const SERVER_ENTRY = 'server/index.ts';
const DEMO_ENTRY = 'demo/main.ts';

const ts = (tsconfig = './tsconfig.json') => esbuild({ target: 'es2022', tsconfig });
const minify = () =>
  terser({ ecma: 2020, compress: { passes: 2 }, format: { comments: /@license|@preserve|^!/ } });

/** A bare import (`lit`, `valibot/x`, `node:fs`) rather than a file of this package. */
const isBare = (id) => !id.startsWith('.') && !id.startsWith('/') && !id.startsWith('\0') && !/^[A-Za-z]:[\\/]/.test(id);
const nodeBuiltins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);

/** Rollup warns about nothing we accept silently, except a sourcemap hint from valibot. */
const onwarn = (warning, warn) => {
  if (warning.code === 'SOURCEMAP_ERROR') return;
  warn(warning);
};

/**
 * The standalone entry: everything `sdk/index.ts` exports, plus the registration of the tag when
 * it lives in its own side-effect module (`sdk/define.ts`), so the script tag always defines it.
 */
const STANDALONE_ID = '\0chart-chat-standalone';
function standaloneEntry() {
  const lines = [`export * from ${JSON.stringify(resolve(SDK_ENTRY))};`];
  if (existsSync(DEFINE_ENTRY)) lines.push(`import ${JSON.stringify(resolve(DEFINE_ENTRY))};`);
  return {
    name: 'chart-chat-standalone-entry',
    resolveId: (id) => (id === STANDALONE_ID ? id : null),
    load: (id) => (id === STANDALONE_ID ? lines.join('\n') : null),
  };
}

const builds = [];

if (existsSync(SDK_ENTRY)) {
  const npmInput = { index: SDK_ENTRY };
  if (existsSync(DEFINE_ENTRY)) npmInput.define = DEFINE_ENTRY;
  if (existsSync(ADAPTER_ENTRY)) npmInput['adapters/lightweight-charts'] = ADAPTER_ENTRY;

  builds.push(
    // npm: readable ESM (consumers minify), module structure kept so bundlers tree-shake and
    // the lite renderer stays a lazy import.
    {
      input: npmInput,
      external: isBare,
      plugins: [ts()],
      onwarn,
      output: {
        dir: 'dist/npm',
        format: 'es',
        preserveModules: true,
        preserveModulesRoot: 'sdk',
        entryFileNames: '[name].js',
        sourcemap: true,
      },
    },
    // Standalone ESM for a module script tag. The lite renderer's dynamic import becomes its own
    // chunk, fetched only when that renderer is used.
    {
      input: { 'chart-chat.bundle': STANDALONE_ID },
      plugins: [standaloneEntry(), nodeResolve(), ts()],
      onwarn,
      output: {
        dir: 'dist',
        format: 'es',
        entryFileNames: '[name].js',
        chunkFileNames: 'chart-chat.[name].js',
        sourcemap: true,
        plugins: [minify()],
      },
    },
    // Classic script tag: one file, global `ChartChat`.
    {
      input: STANDALONE_ID,
      plugins: [standaloneEntry(), nodeResolve(), ts()],
      onwarn,
      output: {
        file: 'dist/chart-chat.iife.js',
        format: 'iife',
        name: 'ChartChat',
        inlineDynamicImports: true,
        sourcemap: true,
        plugins: [minify()],
      },
    },
  );
}

if (existsSync(SERVER_ENTRY)) {
  // chart-chat/server: one ESM file for Node 20; hono, openai, valibot... are dependencies.
  builds.push({
    input: { index: SERVER_ENTRY },
    external: (id) => isBare(id) || nodeBuiltins.has(id),
    plugins: [ts('./tsconfig.server.json')],
    onwarn,
    output: { dir: 'dist/server', format: 'es', entryFileNames: '[name].js', sourcemap: true },
  });
}

if (existsSync(DEMO_ENTRY)) {
  // The demo page: element + adapter + lightweight-charts. `dir` so lazy chunks have a home.
  builds.push({
    input: { main: DEMO_ENTRY },
    plugins: [nodeResolve(), ts()],
    onwarn,
    output: {
      dir: 'dist/demo',
      format: 'es',
      entryFileNames: '[name].js',
      chunkFileNames: '[name]-[hash].js',
      sourcemap: true,
      plugins: [minify()],
    },
  });
}

export default builds;
