// The flow chart-chat exists for, end to end: the real `npm start` server (offline analyst), the
// built demo page in Debian's Chromium, a user typing into <chart-chat>, the AI drawing on the chart.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import type { ChartCommand } from '../../sdk/contract/index.js';
import { ask, recordChat } from './chat-page.js';
import './demo-window.js';
import { demoUnderTest, ROOT, SCREENSHOTS } from './harness.js';

const HOST_LINE = 'host-prev-close';

type PriceLineCommand = Extract<ChartCommand, { type: 'price_line' }>;
const priceLines = (commands: ChartCommand[]) => commands.filter((c): c is PriceLineCommand => c.type === 'price_line');

const demo = demoUnderTest();

/** What the chart itself shows: the adapter's state and the candle series' price lines. */
function chartState(page: Page) {
  return page.evaluate(() => {
    const { handle, candles } = window.demo!;
    const data = candles.data();
    return {
      market: handle.market,
      drawings: handle.drawings.map(({ id, kind, source, price }) => ({ id, kind, source, price })),
      lines: candles.priceLines().map((l) => ({ id: l.options().id, price: l.options().price, title: l.options().title })),
      lastClose: data[data.length - 1]?.close,
      bars: data.length,
      picker: [document.querySelector<HTMLSelectElement>('#symbol')!.value, document.querySelector<HTMLSelectElement>('#timeframe')!.value],
      context: (() => {
        const c = window.demo!.chat.chartContext!;
        return { symbol: c.symbol, timeframe: c.timeframe, lastPrice: c.lastPrice, bars: c.bars?.length, drawings: c.drawings?.map((d) => d.id) };
      })(),
    };
  });
}

function sampleBars(symbol: string, timeframe: string): { close: number; low: number; high: number }[] {
  return JSON.parse(readFileSync(join(ROOT, `demo/data/${symbol}-${timeframe}.json`), 'utf8')).bars;
}

describe('demo: the chart-chat flow in a real browser', () => {
  it('answers about the chart, draws computed levels, switches market, clears only its own drawings, and stays on its origin', async () => {
    const page = await demo.browser.newPage({ viewport: { width: 1280, height: 800 } });
    const requests: string[] = [];
    const problems: string[] = [];
    const chatAuth: (string | undefined)[] = [];
    page.on('request', (r) => {
      requests.push(r.url());
      if (r.url().endsWith('/api/chatkit')) chatAuth.push(r.headers()['authorization']);
    });
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    page.on('console', (m) => m.type() === 'error' && problems.push(`console: ${m.text()}`));
    await recordChat(page);
    try {
      await page.goto(demo.server.url);
      await page.waitForFunction(() => document.documentElement.dataset.ready === 'true');
      await page.locator('chart-chat textarea').waitFor();

      // 1. TSLA on 1D, "what chart is loaded?"
      const tsla = sampleBars('TSLA', '1D');
      let state = await chartState(page);
      assert.deepEqual(state.picker, ['TSLA', '1D']);
      assert.equal(state.lastClose, tsla.at(-1)!.close);
      assert.deepEqual(state.lines.map((l) => [l.id, l.price]), [[HOST_LINE, tsla.at(-2)!.close]], 'only the host line at first');
      const what = await ask(page, 'what chart is loaded?');
      assert.match(what.text, /TSLA/);
      assert.match(what.text, /\b1D\b/);

      // 2. "draw support and resistance": the lines on the chart are the ones the analysis streamed.
      const drawn = await ask(page, 'draw support and resistance');
      const levels = priceLines(drawn.commands);
      assert.ok(levels.length >= 2, `price lines streamed: ${JSON.stringify(drawn.commands)}`);
      assert.ok(levels.some((l) => l.role === 'support') && levels.some((l) => l.role === 'resistance'), 'both roles');
      const last = tsla.at(-1)!.close;
      for (const l of levels) {
        assert.ok(l.price >= Math.min(...tsla.map((b) => b.low)) && l.price <= Math.max(...tsla.map((b) => b.high)), `${l.price} inside the data`);
        assert.ok(l.role === 'support' ? l.price <= last : l.role === 'resistance' ? l.price >= last : true, `${l.role} ${l.price} vs last ${last}`);
      }
      state = await chartState(page);
      assert.deepEqual(
        state.drawings.filter((d) => d.source === 'ai').map((d) => [d.id, d.kind, d.price]),
        levels.map((l) => [l.id, 'price_line', l.price]),
      );
      assert.deepEqual(
        state.lines.filter((l) => l.id !== HOST_LINE).map((l) => [l.id, l.price]),
        levels.map((l) => [l.id, l.price]),
      );
      assert.ok(state.lines.some((l) => l.id === HOST_LINE));
      assert.deepEqual(state.context.drawings, [HOST_LINE, ...levels.map((l) => l.id)], 'the context knows what is drawn');
      assert.match(drawn.text, /support|resistance/i);
      await page.screenshot({ path: join(SCREENSHOTS, 'flow-support-resistance.png') });

      // 3. "switch to AAPL on 1h": the picker and the chart follow; the next answer names AAPL.
      const switched = await ask(page, 'switch to AAPL on 1h');
      assert.deepEqual(
        switched.commands.map((c) => c.type),
        ['set_symbol', 'set_timeframe'].filter((t) => switched.commands.some((c) => c.type === t)),
      );
      await page.waitForFunction(() => window.demo!.chat.chartContext?.symbol === 'AAPL' && window.demo!.chat.chartContext.timeframe === '1h');
      const aapl = sampleBars('AAPL', '1h');
      state = await chartState(page);
      assert.deepEqual(state.picker, ['AAPL', '1h']);
      assert.deepEqual(state.market, { symbol: 'AAPL', timeframe: '1h' });
      assert.equal(state.lastClose, aapl.at(-1)!.close);
      assert.equal(state.bars, aapl.length);
      assert.equal(state.context.lastPrice, aapl.at(-1)!.close);
      assert.deepEqual(state.drawings.map((d) => d.id), [HOST_LINE], "TSLA's AI levels went with TSLA");
      const next = await ask(page, 'what chart is loaded?');
      assert.match(next.text, /AAPL/);
      assert.match(next.text, /\b1h\b/);

      // 4. Draw on AAPL, then "clear the drawings": the AI's lines go, the host's line stays.
      const aaplLevels = priceLines((await ask(page, 'draw support and resistance')).commands);
      assert.ok(aaplLevels.length >= 2);
      state = await chartState(page);
      assert.equal(state.lines.length, aaplLevels.length + 1);
      const cleared = await ask(page, 'clear the drawings');
      assert.ok(cleared.commands.some((c) => c.type === 'clear'), JSON.stringify(cleared.commands));
      state = await chartState(page);
      assert.deepEqual(state.lines.map((l) => [l.id, l.price, l.title]), [[HOST_LINE, aapl.at(-2)!.close, 'Prev close']]);
      assert.deepEqual(state.drawings, [{ id: HOST_LINE, kind: 'price_line', source: 'host', price: aapl.at(-2)!.close }]);
      await page.screenshot({ path: join(SCREENSHOTS, 'flow-cleared.png') });

      // The command log shows what arrived, as text.
      const log = await page.locator('#command-log li').allInnerTexts();
      assert.ok(log.some((l) => l.startsWith('clear')), log.join('\n'));
      assert.ok(log.some((l) => l.startsWith('set_symbol AAPL')), log.join('\n'));

      // 5. Network: every request went to the page's own origin.
      const origin = new URL(demo.server.url).origin;
      const foreign = requests.filter((u) => !u.startsWith(`${origin}/`) && !u.startsWith('data:') && !u.startsWith('blob:'));
      assert.deepEqual(foreign, []);
      assert.ok(requests.some((u) => u.endsWith('/api/chatkit')), 'the chat went through our server');
      // Sessions: the element minted a signed token and sent it with every chat request.
      assert.ok(requests.some((u) => u.endsWith('/api/session')), 'the element asked for a session token');
      assert.ok(chatAuth.length > 0 && chatAuth.every((a) => /^Bearer cc1\.[\w-]+\.[\w-]+$/.test(a ?? '')), chatAuth.join(', '));
      assert.deepEqual(problems, []);
    } finally {
      await page.close();
    }
  });

  it('the README embed snippet works as written (demo/embed.html)', async () => {
    const page = await demo.browser.newPage({ viewport: { width: 1000, height: 600 } });
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    await recordChat(page);
    try {
      await page.goto(`${demo.server.url}/demo/embed.html`);
      await page.waitForFunction(() => (document.querySelector('chart-chat') as { chartContext?: { bars?: unknown[] } } | null)?.chartContext?.bars?.length === 300);
      await page.locator('chart-chat textarea').waitFor();
      const answer = await ask(page, 'draw support and resistance');
      const levels = priceLines(answer.commands);
      assert.ok(levels.length >= 2);
      const drawn = await page.evaluate(() => (document.querySelector('chart-chat') as unknown as { chartContext: { drawings: { id: string; price?: number; source?: string }[] } }).chartContext.drawings);
      assert.deepEqual(drawn.map((d) => [d.id, d.price, d.source]), levels.map((l) => [l.id, l.price, 'ai']));
      await page.screenshot({ path: join(SCREENSHOTS, 'embed.png') });
      assert.deepEqual(problems, []);
    } finally {
      await page.close();
    }
  });

  it('renders every drawing kind on the demo chart (trendline, zone, fib, marker, indicators)', async () => {
    const page = await demo.browser.newPage({ viewport: { width: 1280, height: 800 } });
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    try {
      await page.goto(`${demo.server.url}/?symbol=BTCUSD&timeframe=1D`);
      await page.waitForFunction(() => document.documentElement.dataset.ready === 'true');
      const result = await page.evaluate(() => {
        const { handle, candles, chart } = window.demo!;
        const bars = candles.data() as unknown as readonly { time: number; low: number; high: number; close: number }[];
        const day = 86_400;
        const results = [
          { type: 'trendline', id: 't', p1: { time: bars.at(-121)!.time, price: bars.at(-121)!.low }, p2: { time: bars.at(-41)!.time, price: bars.at(-41)!.low }, extend: 'right', label: 'Rising lows' },
          { type: 'zone', id: 'z', top: bars.at(-1)!.close * 1.04, bottom: bars.at(-1)!.close * 1.02, from: bars.at(-31)!.time, to: bars.at(-1)!.time + 6 * day, label: 'Supply' },
          { type: 'fib', id: 'f', from: { time: bars.at(-91)!.time, price: bars.at(-91)!.low * 0.97 }, to: { time: bars.at(-21)!.time, price: bars.at(-21)!.high } },
          { type: 'marker', id: 'm', time: bars.at(-11)!.time, position: 'above', shape: 'arrowDown', text: 'Top' },
          { type: 'indicator', id: 'sma', indicator: 'sma', params: { period: 20 } },
          { type: 'indicator', id: 'rsi', indicator: 'rsi', params: { period: 14 } },
        ].map((c) => handle.apply(c).ok);
        return { results, drawings: handle.drawings.map((d) => d.kind), indicators: handle.indicators.map((i) => i.indicator), panes: chart.panes().length };
      });
      assert.deepEqual(result, {
        results: [true, true, true, true, true, true],
        drawings: ['price_line', 'trendline', 'zone', 'fib', 'marker'],
        indicators: ['sma', 'rsi'],
        panes: 2,
      });
      await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
      await page.screenshot({ path: join(SCREENSHOTS, 'drawings.png') });
      assert.deepEqual(problems, []);
    } finally {
      await page.close();
    }
  });

  it('lays out chart left and chat right, stacks them on a narrow screen, and switches to dark', async () => {
    const page = await demo.browser.newPage({ viewport: { width: 1280, height: 800 } });
    try {
      await page.goto(demo.server.url);
      await page.waitForFunction(() => document.documentElement.dataset.ready === 'true');
      const wide = { chart: (await page.locator('#chart').boundingBox())!, chat: (await page.locator('chart-chat').boundingBox())! };
      assert.ok(wide.chat.x >= wide.chart.x + wide.chart.width, 'chat right of the chart');
      await page.setViewportSize({ width: 600, height: 900 });
      const narrow = { chart: (await page.locator('#chart').boundingBox())!, chat: (await page.locator('chart-chat').boundingBox())! };
      assert.ok(narrow.chat.y >= narrow.chart.y + narrow.chart.height, 'chat below the chart');
      await page.locator('#theme').click();
      const dark = await page.evaluate(() => ({
        page: document.documentElement.dataset.theme,
        chat: window.demo!.chat.theme,
        chart: (window.demo!.chart.options().layout.background as { color: string }).color,
      }));
      assert.deepEqual(dark, { page: 'dark', chat: 'dark', chart: '#11151c' });
      await page.screenshot({ path: join(SCREENSHOTS, 'narrow-dark.png'), fullPage: true });
    } finally {
      await page.close();
    }
  });
});

describe('npm start serves the page', () => {
  it('GET /healthz answers 200 and / serves the demo page, its bundle and its data', async () => {
    const health = await fetch(`${demo.server.url}/healthz`);
    assert.equal(health.status, 200);
    const page = await fetch(`${demo.server.url}/`);
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type') ?? '', /text\/html/);
    const html = await page.text();
    assert.match(html, /<chart-chat\b/);
    assert.match(html, /src="\/dist\/demo\/main\.js"/);
    const script = await fetch(`${demo.server.url}/dist/demo/main.js`);
    assert.equal(script.status, 200);
    assert.match(script.headers.get('content-type') ?? '', /javascript/);
    const data = await fetch(`${demo.server.url}/demo/data/TSLA-1D.json`);
    assert.equal(data.status, 200);
    assert.equal(((await data.json()) as { bars: unknown[] }).bars.length, 400);
  });
});
