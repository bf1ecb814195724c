// <chart-chat> on a real-looking site: the page is served as http://chartchat.test:<port> (Chromium
// maps that name to the real `npm start` server with --host-resolver-rules), where ChatKit's domain
// check applies. ChatKit itself is a stand-in (sdk/test-support/stand-in-chatkit.ts, compiled and
// served as chatkit-src) that records the options it gets and becomes ready, never ready, or
// refuses the domain the way ChatKit does. With and without a domain key, the element never hands
// ChatKit a placeholder key and always ends with a working chat (or, for renderer="chatkit" without
// a key, a clear error instead of a blank box).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { transform } from 'esbuild';
import { chromium, type Browser, type Page } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS } from '../../server/test-support/chromium.js';
import type {} from '../../sdk/chart-chat.js'; // document.querySelector('chart-chat') is typed
import { ensureBuilt, ROOT, startServer, type RunningServer } from './harness.js';

const HOST = 'chartchat.test';
const REAL_KEY = `domain_pk_${'0123456789abcdef'.repeat(3)}`;

let server: RunningServer;
let browser: Browser;
let origin: string;
let standIn: string;

before(async () => {
  ensureBuilt();
  const source = readFileSync(join(ROOT, 'sdk/test-support/stand-in-chatkit.ts'), 'utf8');
  // A classic script, as ChatKit's own is (the element adds it with a plain <script src>).
  standIn = (await transform(source, { loader: 'ts', format: 'iife', target: 'es2022' })).code;
  [server, browser] = await Promise.all([
    // A real site names its host (the DNS-rebinding guard refuses any other name).
    startServer({ ALLOWED_HOSTS: HOST }),
    chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: [
        ...CHROMIUM_ARGS,
        `--host-resolver-rules=MAP ${HOST} 127.0.0.1`,
        // The routed page counts as public; its requests go to an address that is really loopback.
        // On a real site both are public: switch off Chromium's private-network guard for that.
        '--disable-features=BlockInsecurePrivateNetworkRequests,PrivateNetworkAccessSendPreflights,LocalNetworkAccessChecks',
      ],
    }),
  ]);
  origin = server.url.replace('127.0.0.1', HOST);
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

interface Setup {
  renderer?: 'auto' | 'chatkit';
  domainKey?: string;
  /** The stand-in's behaviour (see stand-in-chatkit.ts). */
  chatkit: 'ready' | 'never' | 'refuse';
}

interface Seen {
  events: { type: string; code?: string; message?: string; renderer?: string }[];
  /** Every domain key the page's ChatKit was handed. */
  keys: string[];
  active: string | null;
}

/** Opens the off-localhost page; the page itself and the stand-in script are the only routed URLs. */
async function open(setup: Setup): Promise<{ page: Page; standInLoads: () => number }> {
  const page = await browser.newPage();
  let loads = 0;
  await page.route(`${origin}/offsite/stand-in-chatkit.js`, (route) => {
    loads++;
    return route.fulfill({ contentType: 'text/javascript', body: standIn });
  });
  await page.route(`${origin}/offsite/page.html`, (route) =>
    route.fulfill({
      contentType: 'text/html',
      body: `<!doctype html><html lang="en" data-chatkit="${setup.chatkit}"><head><meta charset="utf-8">
<script>
  window.__events = [];
  for (const type of ['chart-chat-error', 'chart-chat-ready']) {
    document.addEventListener(type, (e) => window.__events.push({ type, ...e.detail, error: undefined }));
  }
</script>
<script type="module" src="/dist/chart-chat.bundle.js"></script></head>
<body><chart-chat style="height:400px" session-url="/api/session" chatkit-src="/offsite/stand-in-chatkit.js" chatkit-timeout="1500"
  renderer="${setup.renderer ?? 'auto'}" ${setup.domainKey ? `domain-key="${setup.domainKey}"` : ''}></chart-chat>
<script type="module">
  const t = 1_700_000_000, bars = Array.from({ length: 60 }, (_, i) => ({ time: t + i * 86400, open: 100 + i, high: 102 + i, low: 99 + i, close: 101 + i }));
  document.querySelector('chart-chat').chartContext = { symbol: 'TSLA', timeframe: '1D', bars, lastPrice: 160 };
</script></body></html>`,
    }),
  );
  page.on('pageerror', (e) => console.log('# page error:', e.message));
  page.on('console', (m) => m.type() === 'error' && console.log('# console:', m.text()));
  page.on('requestfailed', (r) => console.log('# failed:', r.url(), r.failure()?.errorText));
  await page.goto(`${origin}/offsite/page.html`);
  assert.equal(await page.evaluate(() => location.hostname), HOST);
  return { page, standInLoads: () => loads };
}

async function settled(page: Page, renderer: 'lite' | 'chatkit' | null): Promise<Seen> {
  if (renderer) {
    await page.waitForFunction((r) => document.querySelector('chart-chat')?.activeRenderer === r, renderer, { timeout: 10_000 });
  } else {
    await page.waitForFunction(() => (window as unknown as { __events: { type: string }[] }).__events.some((e) => e.type === 'chart-chat-error'));
  }
  return page.evaluate(() => ({
    events: (window as unknown as { __events: Seen['events'] }).__events.map(({ type, code, message, renderer }) => ({ type, code, message, renderer })),
    keys: ((window as unknown as { chatkitOptions?: { api: { domainKey: string } }[] }).chatkitOptions ?? []).map((o) => o.api.domainKey),
    active: document.querySelector('chart-chat')!.activeRenderer ?? null,
  }));
}

/** The lite UI answers a real question through the real server (the offline analyst). */
async function liteAnswers(page: Page): Promise<string> {
  return page.evaluate(async () => {
    const el = document.querySelector('chart-chat')!;
    await el.sendMessage('what chart is loaded?');
    const answers = el.shadowRoot!.querySelectorAll('[part~="assistant-message"]');
    return answers[answers.length - 1]?.textContent?.trim() ?? '';
  });
}

/** ChatKit (the stand-in) answers through the element's api.fetch against the real server. */
async function chatkitAnswers(page: Page): Promise<string> {
  return page.evaluate(async () => {
    const chatkit = document.querySelector('chart-chat')!.shadowRoot!.querySelector('openai-chatkit') as unknown as {
      converse(text: string): Promise<{ type: string; item?: { type: string; content: { text: string }[] } }[]>;
    };
    const events = await chatkit.converse('what chart is loaded?');
    const done = events.filter((e) => e.type === 'thread.item.done' && e.item?.type === 'assistant_message');
    return done.at(-1)?.item?.content[0]?.text ?? '';
  });
}

describe('off localhost (http://chartchat.test), ChatKit as a recording stand-in', () => {
  it('auto without a domain key: straight to the lite UI, says why, never loads or configures ChatKit', async () => {
    const { page, standInLoads } = await open({ chatkit: 'ready' });
    const seen = await settled(page, 'lite');
    assert.deepEqual(seen.keys, []);
    assert.equal(standInLoads(), 0);
    const why = seen.events.find((e) => e.type === 'chart-chat-error');
    assert.equal(why?.code, 'domain_key_required');
    assert.match(why!.message!, /domain-key .* chartchat\.test/);
    assert.deepEqual(seen.events.filter((e) => e.type === 'chart-chat-ready').map((e) => e.renderer), ['lite']);
    assert.match(await liteAnswers(page), /TSLA/);
    await page.close();
  });

  it('auto with a placeholder key: treated as no key (a placeholder never reaches ChatKit off localhost)', async () => {
    const { page } = await open({ chatkit: 'ready', domainKey: 'local-dev' });
    const seen = await settled(page, 'lite');
    assert.deepEqual(seen.keys, []);
    assert.equal(seen.events[0]?.code, 'domain_key_required');
    assert.match(await liteAnswers(page), /TSLA/);
    await page.close();
  });

  it('auto with a real key and a ChatKit that becomes ready: ChatKit runs with that key and answers', async () => {
    const { page, standInLoads } = await open({ chatkit: 'ready', domainKey: REAL_KEY });
    const seen = await settled(page, 'chatkit');
    assert.equal(standInLoads(), 1);
    assert.ok(seen.keys.length >= 1);
    assert.ok(seen.keys.every((k) => k === REAL_KEY), seen.keys.join());
    assert.deepEqual(seen.events, [{ type: 'chart-chat-ready', renderer: 'chatkit', code: undefined, message: undefined }]);
    assert.match(await chatkitAnswers(page), /TSLA/);
    await page.close();
  });

  it('auto with a real key and a ChatKit that is never ready: lite after chatkit-timeout (chatkit_unavailable)', async () => {
    const { page } = await open({ chatkit: 'never', domainKey: REAL_KEY });
    const seen = await settled(page, 'lite');
    assert.ok(seen.keys.every((k) => k === REAL_KEY));
    const error = seen.events.find((e) => e.type === 'chart-chat-error');
    assert.equal(error?.code, 'chatkit_unavailable');
    assert.match(error!.message!, /not ready within 1500 ms/);
    assert.equal(await page.evaluate(() => document.querySelector('chart-chat')!.shadowRoot!.querySelector('openai-chatkit')), null);
    assert.match(await liteAnswers(page), /TSLA/);
    await page.close();
  });

  it('auto with a key ChatKit refuses (ready, DomainVerificationRequestError, frame gone): lite, with the reason', async () => {
    const { page } = await open({ chatkit: 'refuse', domainKey: REAL_KEY });
    const seen = await settled(page, 'lite');
    assert.ok(seen.keys.every((k) => k === REAL_KEY));
    const unavailable = seen.events.find((e) => e.code === 'chatkit_unavailable');
    assert.match(unavailable?.message ?? '', /Domain verification request failed/);
    assert.deepEqual(seen.events.filter((e) => e.type === 'chart-chat-ready').map((e) => e.renderer), ['lite']);
    assert.match(await liteAnswers(page), /TSLA/);
    await page.close();
  });

  it('renderer="chatkit" without a key: a clear error and a visible reason, not a blank box', async () => {
    const { page, standInLoads } = await open({ chatkit: 'ready', renderer: 'chatkit' });
    const seen = await settled(page, null);
    assert.deepEqual(seen.keys, []);
    assert.equal(standInLoads(), 0);
    assert.equal(seen.events[0]?.code, 'domain_key_required');
    assert.equal(seen.active, null);
    const status = await page.locator('chart-chat [part=status]').innerText();
    assert.match(status, /could not be loaded/);
    await page.close();
  });
});
