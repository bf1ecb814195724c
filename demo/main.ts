/**
 * The chart-chat demo: a lightweight-charts candlestick chart with shipped sample data, a
 * symbol/timeframe picker, `<chart-chat>` beside it wired through the adapter, a log of the
 * commands the AI sent, and one host-drawn line ("Prev close") that the AI's "clear" leaves alone.
 */
import '../sdk/index.js';
import { CandlestickSeries, createChart, CrosshairMode, HistogramSeries, type UTCTimestamp } from 'lightweight-charts';
import { connectLightweightCharts, type LightweightChartsConnection } from '../sdk/adapters/lightweight-charts.js';
import type { ChartChat } from '../sdk/chart-chat.js';
import { describeCommand, logLine } from './command-log.js';
import { hasSampleData, loadBars, SYMBOLS, TIMEFRAMES, type DemoBar } from './market-data.js';
import { chartTheme, initialTheme, saveTheme, type Theme } from './theme.js';

const DATA_BASE = new URL('/demo/data/', location.href).href;
/** Bars in view after a market loads (the rest is a scroll away). */
const BARS_IN_VIEW = 160;
const HOST_LINE_ID = 'host-prev-close';

const $ = <T extends HTMLElement>(selector: string) => document.querySelector<T>(selector)!;
const chartEl = $('#chart');
const chat = $<ChartChat>('chart-chat');
const symbolSelect = $<HTMLSelectElement>('#symbol');
const timeframeSelect = $<HTMLSelectElement>('#timeframe');
const themeButton = $<HTMLButtonElement>('#theme');
const log = $('#command-log');
const status = $('#status');

// ?renderer=auto tries OpenAI's ChatKit first (a request to its CDN); the default stays offline.
const renderer = new URLSearchParams(location.search).get('renderer');
if (renderer === 'auto' || renderer === 'chatkit' || renderer === 'lite') chat.renderer = renderer;

for (const [select, values] of [[symbolSelect, SYMBOLS], [timeframeSelect, TIMEFRAMES]] as const) {
  select.replaceChildren(...values.map((value) => new Option(value, value)));
}

let theme: Theme = initialTheme();
const chart = createChart(chartEl, {
  autoSize: true,
  crosshair: { mode: CrosshairMode.Normal },
  timeScale: { rightOffset: 8, timeVisible: true, secondsVisible: false },
  ...chartTheme(theme),
});
const candles = chart.addSeries(CandlestickSeries, {
  upColor: '#26a69a',
  downColor: '#ef5350',
  borderVisible: false,
  wickUpColor: '#26a69a',
  wickDownColor: '#ef5350',
});
const volume = chart.addSeries(HistogramSeries, { priceScaleId: '', priceFormat: { type: 'volume' }, lastValueVisible: false, priceLineVisible: false });
volume.priceScale().applyOptions({ scaleMargins: { top: 0.82, bottom: 0 } });

let loads = 0;
/**
 * Shows one market: loads its bars, updates the picker, the chart and the adapter. A newer call
 * wins over one still loading (the AI may switch symbol and timeframe back to back).
 * @returns false when a newer call superseded this one
 */
async function showMarket(symbol: string, timeframe: string): Promise<boolean> {
  if (!hasSampleData(symbol, timeframe)) throw new Error(`the demo has no data for ${symbol} on ${timeframe}`);
  const load = ++loads;
  symbolSelect.value = symbol;
  timeframeSelect.value = timeframe;
  status.textContent = `Loading ${symbol} ${timeframe}…`;
  const bars = await loadBars(DATA_BASE, symbol, timeframe);
  if (load !== loads) return false;
  candles.setData(bars.map((b) => ({ time: b.time as UTCTimestamp, open: b.open, high: b.high, low: b.low, close: b.close, customValues: { volume: b.volume } })));
  volume.setData(bars.map((b) => ({ time: b.time as UTCTimestamp, value: b.volume, color: b.close >= b.open ? '#26a69a55' : '#ef535055' })));
  chart.timeScale().setVisibleLogicalRange({ from: bars.length - BARS_IN_VIEW, to: bars.length + 8 });
  handle?.setMarket({ symbol, timeframe });
  drawHostLine(bars);
  status.textContent = `${symbol} · ${timeframe} · ${bars.length} bars`;
  document.title = `${symbol} ${timeframe} · chart-chat demo`;
  return true;
}

/** The host's own drawing: the previous bar's close. Re-registered per market, same id. */
function drawHostLine(bars: readonly DemoBar[]) {
  const prev = bars[bars.length - 2];
  if (prev) handle?.addHostPriceLine({ id: HOST_LINE_ID, price: prev.close, label: 'Prev close', color: '#8a93a6', style: 'dotted' });
}

let handle: LightweightChartsConnection | undefined;

function applyTheme(next: Theme) {
  theme = next;
  document.documentElement.dataset.theme = theme;
  chart.applyOptions(chartTheme(theme));
  chat.theme = theme;
  themeButton.textContent = theme === 'dark' ? 'Light theme' : 'Dark theme';
  themeButton.setAttribute('aria-pressed', String(theme === 'dark'));
}

async function start() {
  applyTheme(theme);
  themeButton.addEventListener('click', () => {
    applyTheme(theme === 'dark' ? 'light' : 'dark');
    saveTheme(theme);
  });

  const params = new URLSearchParams(location.search);
  let symbol = params.get('symbol') ?? 'TSLA';
  let timeframe = params.get('timeframe') ?? '1D';
  if (!hasSampleData(symbol, timeframe)) [symbol, timeframe] = ['TSLA', '1D'];

  handle = connectLightweightCharts(chat, {
    chart,
    series: candles,
    symbol,
    timeframe,
    onSymbol: (s) => showMarket(s, timeframeSelect.value),
    onTimeframe: (tf) => showMarket(symbolSelect.value, tf),
    onError: (message, command) => logLine(log, 'error', (command as { type?: string } | null)?.type ?? 'command', message),
  });
  await showMarket(symbol, timeframe);

  // Confirm mode: the AI's drawings arrive as ghosts plus a card (Apply / Dismiss) in the chat.
  const confirmBox = $<HTMLInputElement>('#confirm');
  confirmBox.checked = params.get('apply') === 'confirm';
  const setApply = () => (chat.apply = confirmBox.checked ? 'confirm' : 'auto');
  setApply();
  confirmBox.addEventListener('change', setApply);
  const layerBox = $<HTMLInputElement>('#ai-layer');
  layerBox.addEventListener('change', () => handle?.setAiLayerVisible(layerBox.checked));

  for (const select of [symbolSelect, timeframeSelect]) {
    select.addEventListener('change', () => void showMarket(symbolSelect.value, timeframeSelect.value));
  }

  // Listen on the parent: the adapter (on the element) has run by then, so a rejection shows.
  chat.parentElement!.addEventListener('chart-command', (e) => {
    const origin = e.origin === 'ai' ? '' : ` (${e.origin})`;
    logLine(log, e.defaultPrevented ? 'rejected' : 'ok', e.detail.type, `${describeCommand(e.detail)}${origin}`);
  });
  chat.parentElement!.addEventListener('chart-command-error', (e) => logLine(log, 'error', 'invalid', e.detail.message));

  chat.prompts = [
    'What chart is loaded?',
    'Draw support and resistance',
    'Add a 20-period SMA',
    'What is the trend?',
    'Switch to AAPL on 1h',
    'Clear the drawings',
  ];
  window.demo = { chart, candles, volume, chat, handle, showMarket };
  document.documentElement.dataset.ready = 'true';
}

declare global {
  interface Window {
    /** The demo's parts, for the console and the end-to-end test. */
    demo?: {
      chart: typeof chart;
      candles: typeof candles;
      volume: typeof volume;
      chat: ChartChat;
      handle: LightweightChartsConnection;
      showMarket: typeof showMarket;
    };
  }
}

start().catch((error: unknown) => {
  status.textContent = `The demo could not start: ${error instanceof Error ? error.message : String(error)}`;
  console.error(error);
});
