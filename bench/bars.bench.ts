/**
 * Chart-context bars: what validating them costs, next to the floor any server pays for them —
 * `JSON.parse` of the same bars. The server's loop (server/chatkit/chart-context.ts) against
 * the contract's valibot schema (`v.array(Bar)`, what the element runs); and the CPU a
 * 100,000-bar request costs the whole app before it is refused, with and without a
 * Content-Length header (without one the body cap stops the read at 1 MiB).
 */
import * as v from 'valibot';
import { ChartContext } from '../sdk/contract/index.js';
import { createApp } from '../server/app.js';
import { barsFromPath } from '../server/analysis/synthetic.js';
import { parseChartContext } from '../server/chatkit/chart-context.js';
import { EchoResponder } from '../server/responders/echo.js';
import { createThread } from '../server/test-support/chatkit-client.js';
import { percentile, timeRuns } from './stats.js';

const cpuMs = async (fn: () => Promise<unknown>): Promise<number> => {
  const before = process.cpuUsage();
  await fn();
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1000;
};

export default async function barsBench(): Promise<Record<string, string | number>> {
  const out: Record<string, string | number> = {};
  for (const n of [500, 20_000]) {
    const bars = barsFromPath(n, (i) => 100 + 10 * Math.sin(i / 50) + i / 1000, { seed: 3, noise: 0.5, wick: 0.5 });
    const json = JSON.stringify({ symbol: 'TSLA', timeframe: '1D', bars });
    const runs = n > 1000 ? 15 : 200;
    const parse = percentile(await timeRuns(() => JSON.parse(json), runs, 3), 50);
    const context = JSON.parse(json) as unknown;
    const loop = percentile(await timeRuns(() => { if (!parseChartContext(context).success) throw new Error('refused'); }, runs, 3), 50);
    const schema = percentile(await timeRuns(() => { if (!v.safeParse(ChartContext, context).success) throw new Error('refused'); }, runs, 3), 50);
    const label = `${n.toLocaleString('en-US')} bars`;
    out[`${label}: JSON.parse (the floor), ms p50`] = parse;
    out[`${label}: server validation (one loop), ms p50 / ratio to the floor`] = `${loop.toFixed(3)} / ${(loop / parse).toFixed(2)}×`;
    out[`${label}: contract schema (valibot per bar), ms p50 / ratio to the floor`] = `${schema.toFixed(3)} / ${(schema / parse).toFixed(2)}×`;
  }
  const huge = barsFromPath(100_000, (i) => 100 + i / 1000, { seed: 4 });
  const hugeContext = { symbol: 'TSLA', timeframe: '1D', bars: huge };
  out['100,000 bars (parsed): server validation refuses in ms'] = percentile(await timeRuns(() => { if (parseChartContext(hugeContext).success) throw new Error('accepted'); }, 20, 2), 50);
  // The body as bytes, streamed in 64 KB chunks like a socket would deliver them (not counted).
  const body = new TextEncoder().encode(JSON.stringify(createThread('hi', { chart_context: hugeContext })));
  const chunks = (): ReadableStream<Uint8Array> => {
    let offset = 0;
    return new ReadableStream({
      pull(controller) {
        if (offset >= body.byteLength) return controller.close();
        controller.enqueue(body.subarray(offset, (offset += 65_536)));
      },
    });
  };
  const app = createApp({ responder: new EchoResponder(), log: () => {} });
  const send = (withLength: boolean) => async () => {
    const response = await app.request('/api/chatkit', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-chart-chat-client': 'bench-bars-0001-0123456789abcdef01234', ...(withLength ? { 'content-length': String(body.byteLength) } : {}) },
      body: chunks(),
      duplex: 'half',
    } as RequestInit);
    if (response.status !== 413) throw new Error(`expected 413, got ${response.status}`);
  };
  for (const withLength of [true, false]) {
    await send(withLength)();
    const samples: number[] = [];
    for (let i = 0; i < 10; i++) samples.push(await cpuMs(send(withLength)));
    out[`100,000-bar request (${(body.byteLength / 2 ** 20).toFixed(1)} MB) ${withLength ? 'with' : 'without'} Content-Length: CPU ms to the 413, p50`] = percentile(samples, 50);
  }
  return out;
}
