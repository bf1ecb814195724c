/**
 * The package as consumers get it (needs `npm run build`): the exports map resolves to built
 * files, `npm pack` ships them and nothing else, `chart-chat/server` works from plain Node, the
 * custom-elements manifest documents the element, and the script-tag bundles register
 * `<chart-chat>` safely even when loaded twice.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { apiTables, END, START } from '../docs/readme-api.js';
import type { Browser } from 'playwright-core';
import { EchoResponder } from '../server/responders/echo.js';
import type { Listening } from '../server/test-support/listen.js';
import { launchChromium, serveSite, watchErrors } from '../server/test-support/browser.js';

const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as {
  exports: Record<string, string | Record<string, string>>;
  main: string;
  module: string;
  types: string;
  customElements: string;
  sideEffects: string[];
};

/** Every concrete file path the exports map points at (wildcards skipped). */
function exportTargets(): string[] {
  return Object.values(pkg.exports)
    .flatMap((t) => (typeof t === 'string' ? [t] : Object.values(t)))
    .filter((t) => !t.includes('*'));
}

describe('package.json', () => {
  test('every export, main/module/types and customElements points at a built file', () => {
    const targets = [...exportTargets(), pkg.main, pkg.module, pkg.types, pkg.customElements];
    const missing = targets.filter((t) => !existsSync(t));
    assert.deepEqual(missing, [], `missing after npm run build: ${missing.join(', ')}`);
  });

  test('npm pack ships the built entries, types and manifest, and no demo, tests or sources', () => {
    const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    const files = (JSON.parse(out) as [{ files: { path: string }[] }])[0].files.map((f) => f.path);
    for (const target of [...exportTargets(), 'README.md', 'LICENSE', 'package.json']) {
      assert.ok(files.includes(target.replace(/^\.\//, '')), `npm pack lacks ${target}`);
    }
    const shipped = /^(README\.md|LICENSE|package\.json|dist\/(npm|server|types)\/.+|dist\/chart-chat\.[\w.-]+|dist\/custom-elements\.json)$/;
    const unwanted = files.filter((f) => !shipped.test(f) || /\.test\./.test(f));
    assert.deepEqual(unwanted, [], 'npm pack would ship files outside the package surface');
  });

  test('the npm and server builds import only declared dependencies (and node: builtins on the server)', () => {
    const deps = new Set(Object.keys((pkg as unknown as { dependencies: Record<string, string> }).dependencies));
    const packageOf = (spec: string) => (spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!);
    const bareImports = (file: string) =>
      [...readFileSync(file, 'utf8').matchAll(/(?:^|[\s;])(?:import|export)\b[^'"]*?from\s*['"]([^'"./][^'"]*)['"]|import\(\s*['"]([^'"./][^'"]*)['"]\s*\)|^import\s*['"]([^'"./][^'"]*)['"]/gm)]
        .map((m) => m[1] ?? m[2] ?? m[3]!);
    const browser = [...walk('dist/npm')].filter((f) => f.endsWith('.js')).flatMap(bareImports);
    const server = [...walk('dist/server')].filter((f) => f.endsWith('.js')).flatMap(bareImports);
    assert.ok(browser.includes('lit') && browser.includes('valibot'), 'lit and valibot stay external in dist/npm');
    assert.deepEqual([...new Set(browser.map(packageOf))].filter((p) => !['lit', 'valibot', 'lightweight-charts'].includes(p)), [], 'dist/npm imports a server or undeclared package');
    assert.deepEqual([...new Set(server.map(packageOf))].filter((p) => !p.startsWith('node:') && !deps.has(p)), [], 'dist/server imports an undeclared package');
  });

  test('sideEffects lists exactly the modules (sources and builds) that register the element', () => {
    // Sources count too: rollup's node-resolve applies this field to sdk/*.ts when bundling.
    const sources = [...walk('sdk')].filter((f) => f.endsWith('.ts') && !/\.test\.ts$|\/testing\//.test(f));
    const registering = [...sources, ...walk('dist/npm'), 'dist/chart-chat.bundle.js', 'dist/chart-chat.iife.js']
      .filter((f) => /\.(js|ts)$/.test(f))
      .filter((f) => /customElements\.define\(\s*["']chart-chat|import\s*["']\.\/define\.js["']/.test(readFileSync(f, 'utf8')));
    assert.deepEqual(
      [...pkg.sideEffects].sort(),
      registering.map((f) => `./${f}`).sort(),
    );
  });

  test('the types of every entry resolve through the exports map and type-check a consumer', () => {
    // A consumer inside the package directory, so `chart-chat/...` resolves to this package.
    const dir = join('dist', '.types-check');
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, 'consumer.ts'),
      [
        "import { ChartChat, ChartCommandEvent, parseChartCommand, type ChartCommand, type ChartContextInput } from 'chart-chat';",
        "import { connectLightweightCharts, type LightweightChartsConnection } from 'chart-chat/lightweight-charts';",
        "import { createApp, MemoryStore, type Responder, type Store } from 'chart-chat/server';",
        "const el = document.createElement('chart-chat');",
        'const typed: ChartChat = el; // HTMLElementTagNameMap knows the tag',
        "const context: ChartContextInput = { symbol: 'TSLA', timeframe: '1D', bars: [] };",
        'typed.chartContext = context;',
        "el.addEventListener('chart-command', (e: ChartCommandEvent) => { const c: ChartCommand = e.detail; void c.type; });",
        "const parsed = parseChartCommand({ type: 'remove', id: 'x' });",
        'if (parsed.success) { const t: string = parsed.output.type; void t; }',
        'declare const connection: LightweightChartsConnection;',
        'void connection.disconnect; void connectLightweightCharts;',
        'declare const responder: Responder;',
        'const store: Store = new MemoryStore();',
        'void createApp({ responder, store }).fetch;',
      ].join('\n'),
    );
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', lib: ['ES2022', 'DOM'], types: ['node'], strict: true, noEmit: true, skipLibCheck: true },
        files: ['consumer.ts'],
      }),
    );
    try {
      execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', join(dir, 'tsconfig.json')], { encoding: 'utf8', stdio: 'pipe' });
    } catch (error) {
      assert.fail(`the consumer does not type-check against dist/types:\n${(error as { stdout?: string }).stdout ?? error}`);
    }
  });

  test('chart-chat/server resolves through the exports map and serves requests', async () => {
    const server = (await import('chart-chat/server' as string)) as typeof import('../server/index.js');
    assert.equal(typeof server.createApp, 'function');
    const app = server.createApp({ responder: new server.EchoResponder() });
    const health = await app.request('/healthz');
    assert.equal(health.status, 200);
    const bad = await app.request('/api/chatkit', { method: 'POST', headers: { 'content-type': 'application/json', 'x-chart-chat-client': 'package-test-client-0123456789abcdef' }, body: '{"type":"nope"}' });
    assert.equal(bad.status, 400);
    assert.ok(((await bad.json()) as { error?: { code?: string } }).error?.code);
  });
});

function* walk(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(path);
    else yield path;
  }
}

describe('custom-elements.json', () => {
  type Decl = {
    tagName?: string;
    attributes?: { name: string }[];
    events?: { name: string }[];
    cssParts?: { name: string }[];
    cssProperties?: { name: string }[];
    members?: { name: string; kind: string }[];
  };
  let element: Decl;
  let fresh: unknown;

  before(async () => {
    const { cli } = (await import('@custom-elements-manifest/analyzer/cli.js' as string)) as { cli: (o: object) => Promise<unknown> };
    fresh = await cli({ argv: ['analyze', '--quiet'], cwd: process.cwd(), noWrite: true });
    const decls = (fresh as { modules: { declarations?: Decl[] }[] }).modules.flatMap((m) => m.declarations ?? []);
    const found = decls.find((d) => d.tagName === 'chart-chat');
    assert.ok(found, 'the manifest has no <chart-chat>');
    element = found;
  });

  test('the built manifest is current (same as analysing the sources now)', () => {
    assert.deepEqual(JSON.parse(readFileSync(pkg.customElements, 'utf8')), fresh);
  });

  test('lists the attributes, properties, methods and events of the element', () => {
    const attrs = element.attributes!.map((a) => a.name);
    for (const a of ['api-url', 'session-url', 'domain-key', 'renderer', 'chatkit-src', 'theme', 'placeholder', 'greeting', 'locale']) {
      assert.ok(attrs.includes(a), `attribute ${a} missing from ${attrs.join(', ')}`);
    }
    assert.ok(attrs.every((a) => !a.startsWith('_')), `internal state leaked: ${attrs.join(', ')}`);
    const members = element.members!.map((m) => `${m.kind}:${m.name}`);
    for (const m of ['field:chartContext', 'field:prompts', 'method:sendMessage', 'method:newThread', 'method:focusComposer']) {
      assert.ok(members.includes(m), `${m} missing from ${members.join(', ')}`);
    }
    const events = element.events!.map((e) => e.name);
    for (const e of ['chart-command', 'chart-command-error', 'chart-chat-error', 'chart-chat-ready']) {
      assert.ok(events.includes(e), `event ${e} missing from ${events.join(', ')}`);
    }
  });

  test('documents every part and custom property the element and the lite renderer use', () => {
    const sources = [...walk('sdk')].filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && !f.includes('/adapters/'));
    const code = sources.map((f) => readFileSync(f, 'utf8')).join('\n');
    const usedParts = new Set([...code.matchAll(/\bpart="([^"$]+)"/g)].flatMap((m) => m[1]!.split(/\s+/)));
    const usedProps = new Set([...code.matchAll(/var\((--chart-chat-[\w-]+)/g)].map((m) => m[1]!));
    assert.ok(usedParts.size > 5 && usedProps.size > 3, 'expected the lite renderer to expose parts and custom properties');
    const parts = new Set(element.cssParts!.map((p) => p.name));
    const props = new Set(element.cssProperties!.map((p) => p.name));
    assert.deepEqual([...usedParts].filter((p) => !parts.has(p)), [], 'parts used but not documented with @csspart');
    assert.deepEqual([...usedProps].filter((p) => !props.has(p)), [], 'custom properties used but not documented with @cssprop');
  });
});

describe('script-tag bundles in Chromium', () => {
  let browser: Browser;
  let site: Listening;
  const importMap = JSON.stringify({
    imports: {
      lit: '/node_modules/lit/index.js',
      'lit/': '/node_modules/lit/',
      'lit-html': '/node_modules/lit-html/lit-html.js',
      'lit-html/': '/node_modules/lit-html/',
      'lit-element/': '/node_modules/lit-element/',
      '@lit/reactive-element': '/node_modules/@lit/reactive-element/reactive-element.js',
      '@lit/reactive-element/': '/node_modules/@lit/reactive-element/',
      valibot: '/node_modules/valibot/dist/index.mjs',
    },
  });
  const body = '<chart-chat renderer="lite" style="height:400px"></chart-chat>';

  before(async () => {
    site = await serveSite(new EchoResponder(), {
      '/iife-twice.html': `<!doctype html><script src="/dist/chart-chat.iife.js"></script><script src="/dist/chart-chat.iife.js"></script>${body}`,
      '/esm.html': `<!doctype html><script type="module" src="/dist/chart-chat.bundle.js"></script>${body}`,
      '/all-three.html': `<!doctype html><script type="importmap">${importMap}</script>
        <script src="/dist/chart-chat.iife.js"></script>
        <script type="module" src="/dist/chart-chat.bundle.js"></script>
        <script type="module">import { ChartChat } from '/dist/npm/index.js'; window.npmChartChat = ChartChat;</script>${body}`,
      '/npm.html': `<!doctype html><script type="importmap">${importMap}</script>
        <script type="module">import { ChartChat } from '/dist/npm/index.js'; window.npmChartChat = ChartChat;</script>${body}`,
    });
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await site?.close();
  });

  /** Loads a page, then chats once through the lite renderer: proves the bundle and its chunks work. */
  async function chatOnce(path: string) {
    const page = await browser.newPage();
    const errors = watchErrors(page);
    try {
      await page.goto(site.url + path);
      const input = page.locator('chart-chat [part~="input"]');
      await input.waitFor({ timeout: 10_000 });
      await input.fill('hello bundle');
      await input.press('Enter');
      await page.locator('chart-chat [part~="assistant-message"]', { hasText: 'You said: hello bundle' }).waitFor({ timeout: 10_000 });
      const defined = await page.evaluate(() => {
        const el = document.querySelector('chart-chat')!;
        return { upgraded: el instanceof customElements.get('chart-chat')!, npm: (window as { npmChartChat?: unknown }).npmChartChat === customElements.get('chart-chat') };
      });
      return { errors, defined };
    } finally {
      await page.close();
    }
  }

  test('the IIFE loaded twice defines <chart-chat> once and works', async () => {
    const { errors, defined } = await chatOnce('/iife-twice.html');
    assert.deepEqual(errors, []);
    assert.equal(defined.upgraded, true);
  });

  test('the ESM bundle loads the lite renderer chunk on demand and works', async () => {
    const { errors } = await chatOnce('/esm.html');
    assert.deepEqual(errors, []);
  });

  test('IIFE + ESM bundle + npm build on one page: the first definition wins, nothing throws', async () => {
    const { errors, defined } = await chatOnce('/all-three.html');
    assert.deepEqual(errors, []);
    assert.equal(defined.upgraded, true);
    assert.equal(defined.npm, false, 'the IIFE defined the tag first; the npm build must not redefine it');
  });

  test('the npm build runs in a browser with lit and valibot as external imports', async () => {
    const { errors, defined } = await chatOnce('/npm.html');
    assert.deepEqual(errors, []);
    assert.equal(defined.npm, true);
  });
});

describe('README.md', () => {
  const readme = readFileSync('README.md', 'utf8');

  /** The fenced block of `lang` whose text includes `marker`. */
  function block(lang: string, marker: string): string {
    const found = [...readme.matchAll(new RegExp('```' + lang + '\\n([\\s\\S]*?)```', 'g'))].map((m) => m[1]!).find((b) => b.includes(marker));
    assert.ok(found, `README has no \`\`\`${lang} block with ${marker}`);
    return found;
  }

  test('the element API tables are the manifest (docs/readme-api.ts)', () => {
    const manifest = JSON.parse(readFileSync(pkg.customElements, 'utf8'));
    const generated = readme.slice(readme.indexOf(START) + START.length, readme.indexOf(END)).trim();
    assert.equal(generated, apiTables(manifest).trim(), 'run: npm run build && node --import tsx docs/readme-api.ts');
  });

  test('the embed snippet is demo/embed.html (run by the e2e tests) but for the lightweight-charts URL', () => {
    const snippet = block('html', 'connectLightweightCharts');
    const page = readFileSync('demo/embed.html', 'utf8');
    const tested = page.slice(page.indexOf('<!-- ▼ snippet -->') + 18, page.indexOf('<!-- ▲ snippet -->'));
    const normalize = (html: string) =>
      html
        .replace(/"lightweight-charts":\s*"[^"]+"/, '"lightweight-charts": "<url>"')
        .split('\n')
        .map((l) => l.trim())
        .filter(Boolean)
        .join('\n');
    assert.equal(normalize(snippet), normalize(tested));
    assert.match(snippet, /"lightweight-charts": "https:\/\/cdn\.jsdelivr\.net\/npm\/lightweight-charts@5\.2\.1\/dist\/lightweight-charts\.standalone\.production\.mjs"/);
    assert.ok(existsSync('node_modules/lightweight-charts/dist/lightweight-charts.standalone.production.mjs'), 'the CDN path names a file the package has');
  });

  test('the Node deployment snippet runs as written against chart-chat/server', async () => {
    // Inside the package directory, so `chart-chat/server` resolves through the exports map.
    const dir = join('dist', '.readme-check');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, 'server.mjs');
    writeFileSync(file, block('js', "from 'chart-chat/server'"));
    const child = spawn(process.execPath, [file], { env: { PATH: process.env.PATH, PORT: '0', LOG_LEVEL: 'silent' }, stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const port = await new Promise<number>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (d: Buffer) => {
          out += d;
          const m = /listening on (\d+)/.exec(out);
          if (m) resolve(Number(m[1]));
        });
        child.stderr.on('data', (d: Buffer) => (out += d));
        child.once('exit', (code) => reject(new Error(`server.mjs exited with ${code}: ${out}`)));
        setTimeout(() => reject(new Error(`server.mjs did not start: ${out}`)), 15_000).unref();
      });
      const health = await fetch(`http://127.0.0.1:${port}/healthz`);
      assert.deepEqual(await health.json(), { ok: true });
      const body = JSON.stringify({ type: 'threads.create', params: { input: { content: [{ type: 'input_text', text: 'what chart is loaded?' }], attachments: [], inference_options: {} } } });
      const headers = { 'content-type': 'application/json', 'x-chart-chat-client': 'readme-check-0001-0123456789abcdef01234' }; // the element's anonymous id
      const chat = await fetch(`http://127.0.0.1:${port}/api/chatkit`, { method: 'POST', headers, body });
      assert.equal(chat.status, 200);
      assert.match(chat.headers.get('content-type') ?? '', /^text\/event-stream/);
      assert.match(await chat.text(), /"type":"thread\.created"/);
    } finally {
      child.kill();
    }
  });
});
