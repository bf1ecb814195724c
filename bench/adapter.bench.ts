/**
 * Applying 1,000 chart commands through the lightweight-charts adapter in Chromium, with the
 * real lightweight-charts (500 daily bars) and the built script-tag files: once through
 * `connection.apply()` and once as `chart-command` events on `<chart-chat>` (the path the AI
 * takes). The mix cycles through every drawing kind and indicators; ids repeat, so drawings are
 * replaced rather than piling up past the adapter's limits. "Render" is the time to the second
 * animation frame after the last command, i.e. until the chart has painted the result.
 */
import { launchChromium, serveSite } from '../server/test-support/browser.js';
import { EchoResponder } from '../server/responders/echo.js';
import { measureBundles } from './bundle-sizes.js';

const COMMANDS = 1000;
const BARS = 500;

const PAGE = `<!doctype html>
<script type="importmap">{ "imports": { "lightweight-charts": "/node_modules/lightweight-charts/dist/lightweight-charts.standalone.production.mjs" } }</script>
<div id="chart" style="width:900px;height:500px"></div>
<chart-chat renderer="lite" style="height:200px"></chart-chat>
<script type="module">
  import { createChart, CandlestickSeries } from 'lightweight-charts';
  import { ChartCommandEvent } from '/dist/chart-chat.bundle.js';
  import { connectLightweightCharts } from '/dist/chart-chat.lightweight-charts.js';

  const DAY = 86400, START = 1704067200, N = ${BARS};
  let price = 100;
  const bars = Array.from({ length: N }, (_, i) => {
    const open = price; price = Math.max(5, price * (1 + Math.sin(i / 7) * 0.01 + ((i * 7919) % 13 - 6) / 600));
    return { time: START + i * DAY, open, high: Math.max(open, price) * 1.01, low: Math.min(open, price) * 0.99, close: price };
  });
  const chart = createChart(document.getElementById('chart'), { width: 900, height: 500 });
  const series = chart.addSeries(CandlestickSeries);
  series.setData(bars);
  const chat = document.querySelector('chart-chat');
  const connection = connectLightweightCharts(chat, { chart, series, symbol: 'BENCH', timeframe: '1D' });

  const t = (i) => START + ((i * 37) % (N - 20)) * DAY;
  const p = (i) => 60 + ((i * 53) % 80);
  const kinds = [
    (i) => ({ type: 'price_line', id: 'd' + (i % 40), price: p(i), role: i % 3 ? 'support' : 'resistance', label: 'L' + i }),
    (i) => ({ type: 'trendline', id: 'd' + (i % 40), p1: { time: t(i), price: p(i) }, p2: { time: t(i) + 15 * DAY, price: p(i + 1) }, extend: 'right' }),
    (i) => ({ type: 'zone', id: 'd' + (i % 40), top: p(i) + 5, bottom: p(i), from: t(i), to: t(i) + 30 * DAY, label: 'Z' }),
    (i) => ({ type: 'fib', id: 'd' + (i % 40), from: { time: t(i), price: p(i) }, to: { time: t(i) + 20 * DAY, price: p(i) + 20 } }),
    (i) => ({ type: 'marker', id: 'd' + (i % 40), time: t(i), position: 'above', shape: 'arrowDown', text: 'M' }),
    (i) => ({ type: 'indicator', id: 'ind' + (Math.floor(i / 6) % 6), indicator: ['sma', 'ema', 'bollinger', 'rsi'][i % 4], params: { period: 10 + (i % 40) } }),
  ];
  const commands = Array.from({ length: ${COMMANDS} }, (_, i) => kinds[i % kinds.length](i));
  let rejected = 0; // the adapter preventDefault()s a command it cannot apply; this listener runs after it
  chat.addEventListener('chart-command', (e) => { if (e.defaultPrevented) rejected++; });
  const frame = () => new Promise((r) => requestAnimationFrame(() => r()));

  window.run = async (via) => {
    connection.apply({ type: 'clear', scope: 'all', source: 'all' });
    await frame(); await frame();
    rejected = 0;
    const t0 = performance.now();
    for (const command of commands) {
      if (via === 'apply') { if (!connection.apply(command).ok) rejected++; }
      else chat.dispatchEvent(new ChartCommandEvent(command));
    }
    const t1 = performance.now();
    await frame(); await frame();
    const t2 = performance.now();
    return { apply: t1 - t0, render: t2 - t1, rejected, drawings: connection.drawings.length, indicators: connection.indicators.length };
  };
  window.ready = true;
</script>`;

interface Run { apply: number; render: number; rejected: number; drawings: number; indicators: number }

export default async function adapterBench(): Promise<Record<string, string | number>> {
  measureBundles(); // fails early with "run npm run build first"
  const site = await serveSite(new EchoResponder(), { '/adapter.html': PAGE });
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1000, height: 800 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${site.url}/adapter.html`);
    await page.waitForFunction(() => (window as { ready?: boolean }).ready === true);
    const run = (via: 'apply' | 'event') => page.evaluate((v) => (window as unknown as { run(v: string): Promise<Run> }).run(v), via);

    await run('apply'); // warm-up
    const direct = await run('apply');
    const events = await run('event');
    if (errors.length) throw new Error(`page errors: ${errors.join('; ')}`);
    for (const r of [direct, events]) {
      if (r.rejected > 0) throw new Error(`${r.rejected} commands were rejected`);
    }
    return {
      commands: COMMANDS,
      'bars on the chart': BARS,
      'apply(): total (ms)': direct.apply,
      'apply(): per command (µs)': (direct.apply / COMMANDS) * 1000,
      'apply(): then render (ms)': direct.render,
      'chart-command events: total (ms)': events.apply,
      'chart-command events: per command (µs)': (events.apply / COMMANDS) * 1000,
      'chart-command events: then render (ms)': events.render,
      'drawings / indicators left (ids repeat)': `${direct.drawings} / ${direct.indicators}`,
    };
  } finally {
    await browser.close();
    await site.close();
  }
}
