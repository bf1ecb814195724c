/**
 * Send less (docs/protocol.md §6): the bytes of a turn whose chart did not change, sent as the
 * element sends it (the hash the server acknowledged in place of the bars), against the same turn
 * with the bars uploaded, for the demo's 300 daily bars and for a context at the 500-bar cap. The
 * whole app on a real socket with the echo responder; each hash turn is checked to have reached
 * the responder with every bar. Also the median time of such a turn, upload vs hash.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { BARS_HEADER, MAX_CONTEXT_BARS, type Bar } from '../sdk/contract/index.js';
import { createApp } from '../server/app.js';
import { EchoResponder } from '../server/responders/echo.js';
import { addMessage, createThread, createdThreadId } from '../server/test-support/chatkit-client.js';
import { listen } from '../server/test-support/listen.js';
import { parseSse } from '../server/test-support/sse.js';
import type { BenchResult } from './run.js';

const USER = { 'content-type': 'application/json', 'x-chart-chat-client': 'bench-send-less-0123456789abcdef0123' };
const TURNS = 30;

const demo = (JSON.parse(readFileSync(new URL('../demo/data/TSLA-1D.json', import.meta.url), 'utf8')) as { bars: Bar[] }).bars;
/** The newest `n` bars, continued with synthetic days past the demo's end when it has fewer. */
function barsOf(n: number): Bar[] {
  const bars = demo.slice(-n);
  for (let last = bars.at(-1)!; bars.length < n; ) bars.push((last = { ...last, time: last.time + 86_400 }));
  return bars;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export default async function sendLess(): Promise<BenchResult> {
  const listening = await listen(createApp({ responder: new EchoResponder(), log: () => {} }));
  const result: BenchResult = {};
  try {
    for (const count of [300, MAX_CONTEXT_BARS]) {
      const context = { symbol: 'TSLA', timeframe: '1D', lastPrice: 250, bars: barsOf(count) };
      const client = { chart_client: { apply: 'auto', allow: ['read', 'draw', 'navigate'], ui: 'lite' } };
      const post = async (body: unknown) => {
        const text = JSON.stringify(body);
        const started = performance.now();
        const res = await fetch(`${listening.url}/api/chatkit`, { method: 'POST', headers: USER, body: text });
        const raw = await res.text();
        assert.equal(res.status, 200, raw);
        return { bytes: Buffer.byteLength(text), ms: performance.now() - started, raw, ack: res.headers.get(BARS_HEADER) };
      };
      const created = await post(createThread('hello', { chart_context: context, ...client }));
      const threadId = createdThreadId({ status: 200, contentType: '', raw: created.raw, events: parseSse(created.raw) });
      const hash = created.ack!.split(' ')[0]!;
      const full = { bytes: 0, ms: [] as number[] };
      const hashed = { bytes: 0, ms: [] as number[] };
      for (let i = 0; i < TURNS; i++) {
        const upload = await post(addMessage(threadId, 'what is the trend?', { chart_context: context, ...client }));
        const small = await post(addMessage(threadId, 'what is the trend?', { chart_context: { ...context, bars: hash }, ...client }));
        assert.ok(small.raw.includes(`${count} bars]`), 'the responder saw every bar');
        [full.bytes, hashed.bytes] = [upload.bytes, small.bytes];
        full.ms.push(upload.ms);
        hashed.ms.push(small.ms);
      }
      result[`${count} bars: request bytes, bars uploaded`] = full.bytes;
      result[`${count} bars: request bytes, hash instead`] = hashed.bytes;
      result[`${count} bars: upload / hash (bytes)`] = `${(full.bytes / hashed.bytes).toFixed(1)}x`;
      result[`${count} bars: turn ms, bars uploaded (median of ${TURNS})`] = median(full.ms);
      result[`${count} bars: turn ms, hash instead (median of ${TURNS})`] = median(hashed.ms);
    }
  } finally {
    await listening.close();
  }
  return result;
}
