/**
 * End-to-end harness: the real `npm start` server (spawned as `node --import tsx server/main.ts`,
 * PORT=0, no OpenAI key so the offline analyst answers) and Debian's Chromium via playwright-core.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../../server/test-support/chromium.js';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** Where the tests leave their screenshots. */
export const SCREENSHOTS = join(ROOT, 'demo/e2e/out');

/**
 * The demo as a user gets it, for the calling test file: built, then `npm start`'s server and
 * Chromium started before its tests and both stopped after them. Read the fields inside tests.
 */
export function demoUnderTest(): { readonly server: RunningServer; readonly browser: Browser } {
  const running = {} as { server: RunningServer; browser: Browser };
  before(async () => {
    ensureBuilt();
    mkdirSync(SCREENSHOTS, { recursive: true });
    [running.server, running.browser] = await Promise.all([startServer(), launchBrowser()]);
  });
  after(async () => {
    await running.browser?.close();
    await running.server?.stop();
  });
  return running;
}

/** What the pages load from dist/; built with rollup when missing (`npm test` builds before it runs us). */
const BUILT = ['dist/demo/main.js', 'dist/demo/lightweight-charts.js', 'dist/chart-chat.bundle.js', 'dist/chart-chat.lightweight-charts.js'];

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'e2e' && entry.name !== 'node_modules') newest = Math.max(newest, newestSource(path));
    } else if (/\.ts$/.test(entry.name) && !entry.name.endsWith('.test.ts')) {
      newest = Math.max(newest, statSync(join(ROOT, path)).mtimeMs);
    }
  }
  return newest;
}

export function ensureBuilt(): void {
  if (BUILT.some((f) => !existsSync(join(ROOT, f)))) {
    // CHART_CHAT_BUILD=pages: only the builds the pages load, when rollup.config.mjs supports it.
    execFileSync(join(ROOT, 'node_modules/.bin/rollup'), ['-c'], { cwd: ROOT, stdio: 'inherit', env: { ...process.env, CHART_CHAT_BUILD: 'pages' } });
    return;
  }
  const sources = Math.max(newestSource('sdk'), newestSource('demo'));
  const stale = BUILT.filter((f) => statSync(join(ROOT, f)).mtimeMs < sources);
  if (stale.length) console.warn(`# note: ${stale.join(', ')} older than sdk/ or demo/ sources; run \`npm run build\` to test the current code`);
}

export interface RunningServer {
  url: string;
  process: ChildProcess;
  output: () => string;
  stop(): Promise<void>;
}

/** Starts `npm start`'s entry on a free port and resolves with the URL it prints; `extraEnv` adds configuration. */
export function startServer(extraEnv: NodeJS.ProcessEnv = {}): Promise<RunningServer> {
  // Memory store: the page flows, not persistence (server/store/persistence.test.ts restarts the default PGlite).
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: '0', HOST: '127.0.0.1', STORE: process.env.STORE ?? 'memory', ...extraEnv };
  delete env.OPENAI_API_KEY; // the offline analyst, whatever the developer's shell has
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error(`the server did not start within 30 s:\n${output}`));
    }, 30_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /chart-chat listening on (http:\/\/\S+)/.exec(output);
      if (!match) return;
      clearTimeout(timer);
      resolve({
        url: match[1]!.replace('//localhost:', '//127.0.0.1:'),
        process: child,
        output: () => output,
        stop: () =>
          new Promise<void>((done) => {
            if (child.exitCode !== null) return done();
            child.once('exit', () => done());
            child.kill('SIGTERM');
          }),
      });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the server exited (${code}) before listening:\n${output}`));
    });
  });
}

export function launchBrowser(): Promise<Browser> {
  return launchChromium();
}
