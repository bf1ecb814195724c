/**
 * `npm start`'s entry (server/main.ts) as a real process: PORT=0, one ready line, the API,
 * the static demo and SDK routes, and a clean exit on SIGTERM.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { it } from 'node:test';
import { createdThreadId, createThread, post } from './test-support/chatkit-client.js';

const root = fileURLToPath(new URL('..', import.meta.url));

it('npm start: prints one ready line, serves API + demo + dist, exits on SIGTERM', async () => {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], { cwd: root, env: { ...process.env, PORT: '0', HOST: '127.0.0.1', STORE: 'memory' } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  try {
    const deadline = Date.now() + 20_000;
    while (!/chart-chat listening on .*\n/.test(stdout)) {
      if (Date.now() > deadline) throw new Error(`no ready line: ${stdout} ${stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    // Exactly one human line; anything else on stdout is the structured (JSON) request/config log.
    const lines = stdout.split('\n').filter(Boolean);
    const plain = lines.filter((line) => !line.startsWith('{'));
    assert.equal(plain.length, 1, `exactly one ready line, got ${JSON.stringify(stdout)}`);
    const match = /^chart-chat listening on http:\/\/localhost:(\d+)$/.exec(plain[0]!);
    assert.ok(match, plain[0]);
    const base = `http://127.0.0.1:${match[1]}`;

    assert.deepEqual(await (await fetch(`${base}/healthz`)).json(), { ok: true });
    const created = await post(base, createThread('hello'), { 'X-Chart-Chat-Client': 'main-test-client-0123456789abcdef01234' });
    assert.equal(created.status, 200);
    assert.ok(createdThreadId(created));

    for (const [path, file] of [['/', 'demo/index.html'], ['/dist/chart-chat.iife.js', 'dist/chart-chat.iife.js']] as const) {
      const response = await fetch(`${base}${path}`);
      if (existsSync(`${root}${file}`)) {
        assert.equal(response.status, 200, path);
        assert.equal(await response.text(), readFileSync(`${root}${file}`, 'utf8'), path);
      } else {
        assert.equal(response.status, 404, `${path} (not built yet)`);
        await response.body?.cancel();
      }
    }
    // Safe pages: CSP with frame-ancestors, nosniff and a referrer policy on pages, demo files and 404s.
    for (const path of ['/', '/demo/embed.html', '/demo/styles.css', '/demo/data/TSLA-1D.json', '/no-such-page']) {
      const response = await fetch(`${base}${path}`);
      await response.body?.cancel();
      assert.match(response.headers.get('content-security-policy') ?? '', /frame-ancestors 'self'/, path);
      assert.match(response.headers.get('content-security-policy') ?? '', /script-src 'self'/, path);
      assert.equal(response.headers.get('x-content-type-options'), 'nosniff', path);
      assert.equal(response.headers.get('referrer-policy'), 'strict-origin-when-cross-origin', path);
    }
    const embed = await fetch(`${base}/demo/embed.html`);
    const html = await embed.text();
    assert.equal(embed.status, 200);
    const csp = embed.headers.get('content-security-policy') ?? '';
    assert.equal((csp.match(/'sha256-/g) ?? []).length, (html.match(/<script(?![^>]*\bsrc=)[^>]*>/g) ?? []).length, 'each inline script is allowed by its hash');
    // The demo serves what pages need, not sources or tests.
    for (const path of ['/demo/main.ts', '/demo/e2e/flow.test.ts', '/demo/data/generate.ts', '/demo/vendor/lightweight-charts.ts']) {
      const response = await fetch(`${base}${path}`);
      await response.body?.cancel();
      assert.equal(response.status, 404, path);
    }
    const traversal = await fetch(`${base}/demo/..%2fpackage.json`);
    assert.notEqual(traversal.status, 200, 'no path traversal out of demo/');
    await traversal.body?.cancel();
  } finally {
    child.kill('SIGTERM');
  }
  assert.equal(await exited, 0);
});
