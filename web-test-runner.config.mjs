// web-test-runner.config.mjs — runs sdk/**/*.test.ts headless in Debian's /usr/bin/chromium.
//
// Element tests talk to the REAL chart-chat server: the TypeScript app is loaded with tsx,
// served on a random local port with the EchoResponder, and `/api/*` is proxied to it
// same-origin (response bodies are streamed through, never buffered, so SSE stays incremental).
import { Readable } from 'node:stream';
import { defaultReporter } from '@web/test-runner';
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { chromeLauncher } from '@web/test-runner-chrome';
import { register } from 'tsx/esm/api';


register({ tsconfig: './tsconfig.server.json' });
const { serve } = await import('@hono/node-server');
const { createApp } = await import('./server/app.ts');
const { EchoResponder } = await import('./server/responders/echo.ts');
// The same Chromium and flags as the end-to-end tests and the benchmarks.
const { CHROMIUM, CHROMIUM_ARGS } = await import('./server/test-support/chromium.ts');
const { AnalystResponder } = await import('./server/responders/analyst/analyst.ts');
const { OpenAIResponder } = await import('./server/responders/openai/openai-responder.ts');
const { startFakeOpenAI } = await import('./server/test-support/fake-openai.ts');

// A local fake OpenAI upstream (a real HTTP server speaking the Responses stream) behind the real
// OpenAI responder: browser tests script it and read what it received through `/__test/openai/*`.
const fakeOpenAI = await startFakeOpenAI();
process.once('exit', () => void fakeOpenAI.close());

/** Starts an app on 127.0.0.1:<random>; the server is closed when the runner exits. */
async function startServer(options = {}) {
  const app = createApp({ responder: new EchoResponder(), log: () => {}, ...options });
  return new Promise((resolve) => {
    const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => {
      process.once('exit', () => server.close());
      resolve(`http://127.0.0.1:${info.port}`);
    });
  });
}
const secret = () => crypto.getRandomValues(new Uint8Array(32));
/** URL prefix -> server origin. `/api/*` is the plain app (anonymous client ids); the two
 * `/secure-*` apps require session tokens, with different secrets (a token of one is a 401 at the other);
 * `/analyst` answers with the offline analyst. */
const upstreams = [
  ['/secure-a', await startServer({ session: { secret: secret(), ttlSeconds: 2, requireSession: true } })],
  ['/secure-b', await startServer({ session: { secret: secret(), requireSession: true } })],
  // The built-in analyst, slowed down so its progress line is visible while it streams.
  ['/analyst', await startServer({ responder: new AnalystResponder({ chunkDelayMs: 30 }) })],
  ['/openai', await startServer({ responder: new OpenAIResponder({ apiKey: 'sk-test', baseURL: fakeOpenAI.baseURL, maxRetries: 0 }) })],
  ['', await startServer()],
];

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length', 'content-encoding', 'host']);

/**
 * What the browser sent through the proxy (method, path, headers, body), so tests can check
 * what really went over the wire: `GET /__test/requests` returns and clears the list.
 */
let seen = [];

/** Koa middleware: forwards `/api/*` to the real server and streams the answer back. */
async function apiProxy(ctx, next) {
  // POST a JSON array of scripted turns (fake-openai's `ScriptedTurn`s) to queue them; GET returns and clears
  // the request bodies the fake upstream received.
  if (ctx.path === '/__test/openai') {
    if (ctx.method === 'POST') {
      const chunks = [];
      for await (const chunk of ctx.req) chunks.push(chunk);
      fakeOpenAI.reset();
      fakeOpenAI.enqueue(...JSON.parse(Buffer.concat(chunks).toString('utf8')));
      ctx.body = { queued: fakeOpenAI.pending };
    } else {
      ctx.body = fakeOpenAI.requests.map((r) => r.body);
    }
    return;
  }
  if (ctx.path === '/__test/requests') {
    ctx.body = seen;
    seen = [];
    return;
  }
  const [prefix, origin] = upstreams.find(([prefix]) => ctx.path.startsWith(`${prefix}/api/`)) ?? [];
  if (origin === undefined) return next();
  const chunks = [];
  for await (const chunk of ctx.req) chunks.push(chunk);
  const raw = Buffer.concat(chunks);
  seen.push({ method: ctx.method, path: ctx.path, headers: ctx.headers, body: raw.length < 65536 ? raw.toString('utf8') : `<${raw.length} bytes>` });
  if (seen.length > 100) seen.shift();
  const headers = new Headers();
  for (const [name, value] of Object.entries(ctx.headers)) {
    if (!HOP_BY_HOP.has(name) && typeof value === 'string') headers.set(name, value);
  }
  const controller = new AbortController();
  // The browser went away mid-answer (Stop): cancel the upstream request too.
  ctx.res.once('close', () => ctx.res.writableFinished || controller.abort());
  const res = await fetch(origin + ctx.url.slice(prefix.length), {
    method: ctx.method,
    headers,
    body: ['GET', 'HEAD'].includes(ctx.method) ? undefined : raw,
    signal: controller.signal,
  }).catch((error) => ({ error }));
  if ('error' in res) {
    ctx.status = 502;
    ctx.body = { error: { code: 'proxy_error', message: String(res.error) } };
    return;
  }
  ctx.status = res.status;
  res.headers.forEach((value, name) => {
    if (!HOP_BY_HOP.has(name)) ctx.set(name, value);
  });
  ctx.body = res.body ? Readable.fromWeb(res.body) : '';
}

/**
 * Prints one plain closing line that CI can read, e.g. "wtr: 4 passed, 1 failed, 0 skipped".
 * A test file that fails to load (syntax error, 404 import, uncaught error) has session errors
 * but no tests; it is counted as one failure so the line never reads "0 failed" on a broken run.
 */
function summaryLineReporter() {
  return {
    stop({ sessions }) {
      let passed = 0, failed = 0, skipped = 0;
      const walk = (suite) => {
        for (const t of suite.tests) {
          if (t.skipped) skipped++;
          else if (t.passed) passed++;
          else failed++;
        }
        suite.suites.forEach(walk);
      };
      for (const s of sessions) {
        if (s.testResults) walk(s.testResults);
        if (s.errors?.length || (s.passed === false && !s.testResults)) failed += Math.max(1, s.errors?.length ?? 0);
      }
      // The dynamic terminal owns stdout until the runner stops, so print on process exit.
      process.once('exit', () => {
        process.stdout.write(`\nwtr: ${passed} passed, ${failed} failed, ${skipped} skipped\n`);
      });
    },
  };
}

export default {
  files: ['sdk/**/*.test.ts'],
  nodeResolve: true,
  middleware: [apiProxy],
  // target: 'auto' (the default) hands Chromium 'esnext'; pin an explicit target.
  plugins: [esbuildPlugin({ ts: true, tsconfig: './tsconfig.json', target: 'es2022' })],
  browsers: [
    chromeLauncher({
      launchOptions: {
        executablePath: CHROMIUM,
        headless: true,
        // no userDataDir: puppeteer-core makes a fresh TMPDIR/puppeteer_dev_chrome_profile-* and deletes it on exit
        args: CHROMIUM_ARGS,
      },
    }),
  ],
  concurrency: 1,
  testFramework: { config: { timeout: 10000 } },
  // Keep Lit's dev build in tests (it catches class-field shadowing etc.) but drop its banner.
  filterBrowserLogs: ({ args }) => !String(args[0]).includes('Lit is in dev mode'),
  reporters: [defaultReporter(), summaryLineReporter()],
};
