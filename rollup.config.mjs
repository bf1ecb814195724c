// rollup.config.mjs — the browser builds. Lit's production build is resolved by node-resolve.
import { nodeResolve } from '@rollup/plugin-node-resolve';
import esbuild from 'rollup-plugin-esbuild';
import terser from '@rollup/plugin-terser';

const ts = () => esbuild({ target: 'es2022', tsconfig: './tsconfig.json' });

export default [
  // Standalone script-tag bundle: Lit included, registers <chart-chat>.
  {
    input: 'sdk/index.ts',
    plugins: [nodeResolve(), ts()],
    output: [
      { file: 'dist/chart-chat.bundle.js', format: 'es', sourcemap: true, plugins: [terser()] },
      { file: 'dist/chart-chat.iife.js', format: 'iife', name: 'ChartChat', sourcemap: true, plugins: [terser()] },
    ],
  },
  // The demo page: element + adapter + lightweight-charts in one module.
  {
    input: 'demo/main.ts',
    plugins: [nodeResolve(), ts()],
    output: { file: 'dist/demo/main.js', format: 'es', sourcemap: true, plugins: [terser()] },
  },
];
