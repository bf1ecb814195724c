/**
 * Server memory per idle thread: the whole app with the default in-memory store, N users each
 * creating a thread with one exchange (a question and the streamed answer), then nothing open.
 * Heap measured after forced GCs before and after; the difference divided by N. Twice: without
 * a chart context, and with a 300-bar context on every request (it is validated and handed to
 * the responder, so it should not stay in memory once the turn is over).
 */
import { runInNewContext } from 'node:vm';
import { setFlagsFromString } from 'node:v8';
import { createApp } from '../server/app.js';
import { barsFromPath } from '../server/analysis/synthetic.js';
import { EchoResponder } from '../server/responders/echo.js';
import { createThread, post } from '../server/test-support/chatkit-client.js';

const THREADS = 2_000;

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

async function settledHeap(): Promise<number> {
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((r) => setImmediate(r));
  }
  return process.memoryUsage().heapUsed;
}

async function bytesPerThread(context: unknown): Promise<number> {
  const app = createApp({ responder: new EchoResponder(), log: () => {} });
  const metadata = context === undefined ? undefined : { chart_context: context };
  // One warm-up thread so lazily created structures are not counted.
  const warm = await post(app, createThread('warm up', metadata), { 'x-chart-chat-client': 'bench-memory-warmup-0123456789abcdef01234' });
  if (metadata && !warm.raw.includes('[chart: TSLA 1D, 300 bars]')) throw new Error('the chart context did not reach the responder');
  const before = await settledHeap();
  for (let i = 0; i < THREADS; i++) {
    const answer = await post(app, createThread(`what chart is loaded? (${i})`, metadata), { 'x-chart-chat-client': `bench-memory-${String(i).padStart(6, '0')}-0123456789abcdef01234` });
    if (answer.status !== 200) throw new Error(`HTTP ${answer.status}: ${answer.raw.slice(0, 200)}`);
  }
  const after = await settledHeap();
  // Use the app (and its store) after the measurement, so neither is collected before it.
  const list = await post(app, { type: 'threads.list', params: { limit: 1 } }, { 'x-chart-chat-client': 'bench-memory-000000-0123456789abcdef01234' });
  if (list.status !== 200) throw new Error(`threads.list failed: ${list.raw.slice(0, 200)}`);
  return (after - before) / THREADS;
}

export default async function memoryBench(): Promise<Record<string, string | number>> {
  const bars = barsFromPath(300, (i) => 100 + Math.sin(i / 9) * 10 + i / 20);
  const context = { symbol: 'TSLA', timeframe: '1D', bars, lastPrice: bars.at(-1)!.close };
  const plain = await bytesPerThread(undefined);
  const withContext = await bytesPerThread(context);
  return {
    'threads (one user each, one question + one streamed answer)': THREADS,
    'heap per idle thread (bytes)': Math.round(plain),
    'heap per idle thread, requests carried a 300-bar context (bytes)': Math.round(withContext),
    'idle threads per 100 MB of heap': Math.round((100 * 1024 * 1024) / Math.max(plain, 1)),
  };
}
