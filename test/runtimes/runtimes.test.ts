/**
 * Every runtime the README names, from the packed package (`npm pack`, needs `npm run build`):
 * Node, Bun, Deno and Cloudflare's workerd each serve test/runtimes/entries/ in the README's form,
 * and pass the protocol suite over real HTTP. Bun, Deno and workerd are a few hundred MB, so they
 * are not dev dependencies: `.ci/run` installs them outside the project and points
 * `CHART_CHAT_RUNTIMES_BIN` at their binaries (or put `bun`, `deno`, `workerd` on PATH). A
 * runtime that is not installed is skipped, and the skip says so.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { runProtocolSuite, type SuiteOptions } from './protocol-suite.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const ENTRIES = join(dirname(fileURLToPath(import.meta.url)), 'entries');
/** Workers' compatibility date: the API behaviour the worker is written against. */
const COMPATIBILITY_DATE = '2026-11-01';

interface Runtime {
  readonly name: string;
  /** The binary, or undefined when this machine lacks it. */
  readonly bin: string | undefined;
  readonly suite: SuiteOptions;
  /** Prepares what the runtime loads (in `dir`) and returns the command that serves on `port`. */
  command(bin: string, dir: string, port: number): Promise<string[]>;
}

const RUNTIMES: Runtime[] = [
  { name: 'node', bin: process.execPath, suite: { expectAddress: 'loopback' }, command: async (bin) => [bin, 'node.mjs'] },
  { name: 'bun', bin: findBinary('bun'), suite: { expectAddress: 'loopback' }, command: async (bin) => [bin, 'run', 'bun.mjs'] },
  {
    name: 'deno',
    bin: findBinary('deno'),
    suite: { expectAddress: 'loopback' },
    // Outside a package folder (no package.json) Deno uses node_modules only with this flag.
    command: async (bin) => [bin, 'run', '-A', '--node-modules-dir=manual', 'deno.mjs'],
  },
  {
    name: 'workerd',
    bin: findBinary('workerd'),
    // Bare workerd: no Cloudflare edge in front to set CF-Connecting-IP.
    suite: { expectAddress: null },
    command: async (bin, dir, port) => {
      await bundleWorker(dir);
      writeFileSync(join(dir, 'config.capnp'), workerdConfig(port));
      return [bin, 'serve', 'config.capnp'];
    },
  },
];

/** `CHART_CHAT_RUNTIMES_BIN`, then PATH. */
function findBinary(name: string): string | undefined {
  const dirs = [process.env.CHART_CHAT_RUNTIMES_BIN, ...(process.env.PATH ?? '').split(delimiter)].filter((d): d is string => !!d);
  return dirs.map((dir) => join(dir, name)).find((candidate) => existsSync(candidate));
}

let project = '';

before(() => {
  project = mkdtempSync(join(tmpdir(), 'chart-chat-runtimes-'));
  installPackedPackage(project);
  cpSync(ENTRIES, project, { recursive: true });
});

after(() => {
  if (project) rmSync(project, { recursive: true, force: true });
});

describe('runtimes, from the packed package', () => {
  for (const runtime of RUNTIMES) {
    const skip = runtime.bin ? false : `${runtime.name} is not installed: skipped (.ci/run installs it; or set CHART_CHAT_RUNTIMES_BIN)`;
    it(`${runtime.name} serves the protocol suite`, { skip, timeout: 120_000 }, async () => {
      const port = await freePort();
      const argv = await runtime.command(runtime.bin!, project, port);
      const server = start(argv, project, port);
      try {
        await untilHealthy(`http://127.0.0.1:${port}`, server);
        // A failed check carries the server's log: a runtime's own errors are only there.
        const passed = await runProtocolSuite(`http://127.0.0.1:${port}`, runtime.suite).catch((error: unknown) => {
          throw new Error(`${error instanceof Error ? error.message : String(error)}\n--- ${runtime.name} log ---\n${server.output()}`, { cause: error });
        });
        assert.ok(passed.length >= 9, passed.join(', '));
        const output = server.output();
        assert.doesNotMatch(output, /Disallowed operation|Uncaught|unhandled error/i, output);
        if (runtime.suite.expectAddress === null) {
          // It said once that it could not know the address, instead of sharing one bucket silently.
          assert.equal(output.match(/per-IP rate limits skip such requests/g)?.length, 1, output);
        } else {
          assert.doesNotMatch(output, /per-IP rate limits/, output);
        }
      } finally {
        await server.stop();
      }
    });
  }
});

/** `npm pack` (the build is already there), unpacked as `node_modules/chart-chat` with its dependencies beside it. */
function installPackedPackage(dir: string): void {
  const packed = spawnSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(packed.status, 0, packed.stderr);
  const tarball = join(dir, (JSON.parse(packed.stdout) as [{ filename: string }])[0].filename);
  const target = join(dir, 'node_modules', 'chart-chat');
  mkdirSync(target, { recursive: true });
  const untar = spawnSync('tar', ['-xzf', tarball, '-C', target, '--strip-components=1'], { encoding: 'utf8' });
  assert.equal(untar.status, 0, untar.stderr);
  assert.ok(existsSync(join(target, 'dist/server/index.js')), 'the package has dist/server: run `npm run build` first');
  // Its declared dependencies and theirs, linked from this checkout (no registry needed).
  const seen = new Set<string>();
  const queue = Object.keys(readJson(join(target, 'package.json')).dependencies ?? {});
  while (queue.length > 0) {
    const name = queue.shift()!;
    if (seen.has(name)) continue;
    seen.add(name);
    const source = join(ROOT, 'node_modules', name);
    if (!existsSync(source)) continue; // an optional dependency this platform lacks
    mkdirSync(dirname(join(dir, 'node_modules', name)), { recursive: true });
    symlinkSync(source, join(dir, 'node_modules', name), 'dir');
    queue.push(...Object.keys(readJson(join(source, 'package.json')).dependencies ?? {}));
  }
}

/** workerd runs one module: the entry and the package bundled as Workers' bundlers do (esbuild, worker conditions). */
async function bundleWorker(dir: string): Promise<void> {
  const { build } = await import('esbuild');
  await build({
    entryPoints: [join(dir, 'worker.mjs')],
    outfile: join(dir, 'worker.js'),
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    conditions: ['workerd', 'worker', 'browser'],
    mainFields: ['module', 'main'],
    logLevel: 'error',
  });
}

function workerdConfig(port: number): string {
  return `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [(name = "main", worker = .chartChat)],
  sockets = [(name = "http", address = "127.0.0.1:${port}", http = (), service = "main")],
);
const chartChat :Workerd.Worker = (
  modules = [(name = "worker.js", esModule = embed "worker.js")],
  compatibilityDate = "${COMPATIBILITY_DATE}",
);
`;
}

interface Started {
  output(): string;
  stop(): Promise<void>;
  readonly exited: Promise<number | null>;
}

function start(argv: string[], cwd: string, port: number): Started {
  const child: ChildProcess = spawn(argv[0]!, argv.slice(1), { cwd, env: { ...process.env, PORT: String(port), NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  return {
    output: () => output,
    exited,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}

async function untilHealthy(base: string, server: Started): Promise<void> {
  const deadline = Date.now() + 60_000;
  let exitCode: number | null | undefined;
  void server.exited.then((code) => (exitCode = code));
  while (Date.now() < deadline) {
    if (exitCode !== undefined) throw new Error(`the server exited (${exitCode}) before it was ready:\n${server.output()}`);
    const ok = await fetch(`${base}/healthz`).then((r) => r.ok, () => false);
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the server was not ready within 60 s:\n${server.output()}`);
}

/** A port nobody listens on right now (the runtime binds it a moment later). */
function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const probe = createServer();
    probe.once('error', fail);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => done(port));
    });
  });
}

function readJson(file: string): { dependencies?: Record<string, string> } {
  return JSON.parse(readFileSync(file, 'utf8')) as { dependencies?: Record<string, string> };
}
