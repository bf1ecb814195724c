// rollup.config.mjs — every build of chart-chat.
//
//   dist/npm/          npm ESM, one file per source module; lit, valibot, lightweight-charts stay
//                      external (dependencies), so consumers never get two copies of Lit.
//   dist/chart-chat.bundle.js (+ chart-chat.<chunk>.js)
//                      standalone ESM for a <script type="module"> tag: Lit + valibot inlined,
//                      minified, registers <chart-chat>; the lite renderer is its own lazy chunk.
//   dist/chart-chat.lightweight-charts.js
//                      the adapter for script-tag pages (imports `lightweight-charts` by name).
//   dist/chart-chat.iife.js
//                      the same as a classic script (global `ChartChat`), everything inlined.
//   dist/server/       the Hono server (`chart-chat/server`) for Node 20, dependencies external.
//   dist/demo/         the demo page (element + adapter + lightweight-charts).
//
//   dist/types/        `.d.ts` for every entry (tsc -p tsconfig.build.json; also `npm run build:types`)
//   dist/custom-elements.json
//                      the element's manifest from its JSDoc (cem analyze; also `npm run analyze`)
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
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
/** `module` lets terser mangle top-level names of ES modules; never for the IIFE (its global). */
const minify = (module) => terser({ ecma: 2020, module, compress: { passes: 2 }, format: { comments: /^!/ } });
/** One licence line instead of Lit's repeated `@license` comments (each costs bytes in every chunk). */
const banner = '/*! chart-chat | MIT | includes lit (BSD-3-Clause, (c) Google LLC) and valibot (MIT) */';

/** A bare import (`lit`, `valibot/x`, `node:fs`) rather than a file of this package. */
const isBare = (id) => !id.startsWith('.') && !id.startsWith('/') && !id.startsWith('\0') && !/^[A-Za-z]:[\\/]/.test(id);
const nodeBuiltins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);

/** Every warning is shown, except sourcemap hints about dependencies' own maps. */
const onwarn = (warning, warn) => {
  if (warning.code === 'SOURCEMAP_ERROR') return;
  warn(warning);
};

/**
 * The standalone entry registers `<chart-chat>` and exports a lean API: the element class, its
 * event classes and the two parse functions. The valibot schemas themselves are exported by the
 * npm build only: as named exports of a script they cannot be tree-shaken, and they cost ~0.6 KB gz.
 */
const STANDALONE_ID = '\0chart-chat-standalone';
function standaloneEntry() {
  const lines = [
    `import ${JSON.stringify(resolve(existsSync(DEFINE_ENTRY) ? DEFINE_ENTRY : SDK_ENTRY))};`,
    `export { ChartChat, ChartCommandEvent, ChartCommandErrorEvent, DEFAULT_CHATKIT_SRC, parseChartCommand, parseChartContext } from ${JSON.stringify(resolve(SDK_ENTRY))};`,
  ];
  return {
    name: 'chart-chat-standalone-entry',
    resolveId: (id) => (id === STANDALONE_ID ? id : null),
    load: (id) => (id === STANDALONE_ID ? lines.join('\n') : null),
  };
}

/**
 * What both renderers share (the command loop, the bridge to it, session tokens) is one chunk,
 * `chart-chat.command-loop.js`, rather than the loop plus a small shared chunk: each file costs
 * its banner, its imports and its own gzip dictionary, about 100 bytes gz for a small one.
 */
const RENDERERS_SHARE = /[\\/]sdk[\\/](bridge|renderer|loop[\\/]command-loop|protocol[\\/]session)\.ts$/;

/**
 * `manualChunks`: every module the standalone entry loads statically stays in its file
 * (`chart-chat.bundle.js`), instead of being split out because the adapter shares it; what the
 * renderers share goes with the command loop.
 */
function elementChunk(id, { getModuleInfo }) {
  const seen = new Set();
  const visit = (m) => {
    if (seen.has(m)) return;
    seen.add(m);
    for (const dep of getModuleInfo(m)?.importedIds ?? []) visit(dep);
  };
  visit(STANDALONE_ID); // a few hundred modules at most: cheap enough to redo per call (and watch-safe)
  return seen.has(id) ? 'chart-chat.bundle' : RENDERERS_SHARE.test(id) ? 'command-loop' : undefined;
}

/**
 * After the npm build is written: emit `.d.ts` files and the custom-elements manifest, so that
 * `rollup -c` alone leaves a complete package. A type error fails the build.
 */
function typesAndManifest() {
  const require = createRequire(import.meta.url);
  return {
    name: 'chart-chat-types-and-manifest',
    async closeBundle() {
      execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
      const { cli } = await import('@custom-elements-manifest/analyzer/cli.js');
      await cli({ argv: ['analyze', '--quiet'], cwd: process.cwd() });
    },
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
      plugins: [ts(), typesAndManifest()],
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
    // The adapter rides along as `chart-chat.lightweight-charts.js`; it imports what it shares
    // with the element (the contract, valibot) from the element's own file, so a page loads
    // each byte once and the element stays one request. It imports `lightweight-charts` by its
    // bare name (map it with an import map).
    {
      input: {
        'chart-chat.bundle': STANDALONE_ID,
        ...(existsSync(ADAPTER_ENTRY) ? { 'chart-chat.lightweight-charts': ADAPTER_ENTRY } : {}),
      },
      external: ['lightweight-charts'],
      // Let the entry chunk carry exports the lazy chunk needs, instead of a facade + shared chunk.
      preserveEntrySignatures: 'allow-extension',
      plugins: [standaloneEntry(), nodeResolve(), ts()],
      onwarn,
      output: {
        dir: 'dist',
        format: 'es',
        manualChunks: elementChunk,
        entryFileNames: '[name].js',
        chunkFileNames: 'chart-chat.[name].js',
        banner,
        sourcemap: true,
        plugins: [minify(true)],
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
        banner,
        sourcemap: true,
        plugins: [minify(false)],
      },
    },
  );
}

if (existsSync(SERVER_ENTRY)) {
  // chart-chat/server: ESM for Node 20; hono, openai, valibot... are dependencies.
  // chart-chat/server/node (node.js): the Node server of npm start, with its request limits.
  builds.push({
    input: { index: SERVER_ENTRY, node: 'server/node/node-server.ts' },
    external: (id) => isBare(id) || nodeBuiltins.has(id),
    plugins: [ts('./tsconfig.server.json')],
    onwarn,
    output: { dir: 'dist/server', format: 'es', entryFileNames: '[name].js', sourcemap: true },
  });
}

if (existsSync(DEMO_ENTRY)) {
  // The demo page: element + adapter + lightweight-charts. `dir` so lazy chunks have a home.
  builds.push({
    // `lightweight-charts`: the library as one same-origin module for demo/embed.html's import map.
    input: { main: DEMO_ENTRY, 'lightweight-charts': 'demo/vendor/lightweight-charts.ts' },
    plugins: [nodeResolve(), ts()],
    onwarn,
    output: {
      dir: 'dist/demo',
      format: 'es',
      entryFileNames: '[name].js',
      chunkFileNames: '[name]-[hash].js',
      sourcemap: true,
      plugins: [minify(true)],
    },
  });
}

// `npm start` needs only what the pages it serves load (CHART_CHAT_BUILD=pages): the standalone
// bundles and the demo, not the npm, server, types and manifest builds.
const pagesOnly = process.env.CHART_CHAT_BUILD === 'pages';
const isPageBuild = (build) => !['dist/npm', 'dist/server'].includes(build.output.dir);

export default pagesOnly ? builds.filter(isPageBuild) : builds;
