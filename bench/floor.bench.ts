/**
 * chart-chat against a floor, side by side in one run. Three paths answer the same
 * conversations from the same fake upstream (40 numbered words in 4 model messages, 2 ms apart;
 * the request carries a 300-bar chart context, the adapter's default):
 *   - direct: the client asks the fake upstream itself (no server in between);
 *   - floor: a bare `node:http` proxy (bench/floor-server.ts) — read and parse the request, one
 *     more hop, re-frame the SSE as ChatKit events;
 *   - chart-chat: the whole app in its production configuration, key guard and request
 *     logging on (bench/load-server.ts).
 * Both servers and the fake upstream (bench/upstream-server.ts) run in their own processes, so
 * each server's CPU is its own and the client's event loop is not also the upstream's. Added
 * time to first text
 * = the path's p50 first-text time minus direct's, in the same round; CPU per conversation from
 * each server process. Figures are ratios chart-chat / floor, median and range over rounds
 * (the machine is shared, so absolute milliseconds drift between runs; ratios much less).
 * Every stream of both servers is checked word by word.
 */
import { barsFromPath } from '../server/analysis/synthetic.js';
import { inParallel, streamConversation } from '../server/reliability/conversation.js';
import { conversationMessage, expectedAnswer } from '../server/reliability/load-stack.js';
import { startServerProcess, type ServerProcess } from './meter.js';
import { percentile } from './stats.js';

let floorRef: ServerProcess | undefined;
const KEY = 'sk-test-LEAKCHECK-bench-0123456789';
/** Targets from issue 15: chart-chat's added first-text time and CPU per conversation, as multiples of the floor's. */
const TARGET_TTFT = 1.5;
const TARGET_CPU = 2.5;
const LEVELS = [
  { n: 1, conversations: 40, rounds: 5 },
  { n: 200, conversations: 200, rounds: 3 },
].filter((level) => !process.env['FLOOR_LEVEL'] || String(level.n) === process.env['FLOOR_LEVEL']);

const bars = barsFromPath(300, (i) => 100 + 10 * Math.sin(i / 9), { seed: 1, noise: 0.5, wick: 0.5 });
const metadata = { chart_context: { symbol: 'TSLA', timeframe: '1D', bars, lastPrice: bars.at(-1)!.close } };

/** First-text ms of one conversation straight from the fake upstream, parsed frame by frame like a real client. */
async function direct(baseURL: string, i: number): Promise<number> {
  const started = performance.now();
  const response = await fetch(`${baseURL}/responses`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` },
    body: JSON.stringify({ model: 'gpt-4.1-mini', stream: true, input: [{ type: 'message', role: 'developer', content: JSON.stringify(metadata.chart_context) }, { type: 'message', role: 'user', content: conversationMessage(i) }] }),
  });
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  let first = -1;
  let completed = false;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const data = buffer.slice(0, end).split('\n').find((line) => line.startsWith('data: '));
      buffer = buffer.slice(end + 2);
      const event = data ? (JSON.parse(data.slice(6)) as { type: string }) : undefined;
      if (first < 0 && event?.type === 'response.output_text.delta') first = performance.now() - started;
      if (event?.type === 'response.completed') completed = true;
    }
  }
  if (!completed || first < 0) throw new Error('direct stream incomplete');
  return first;
}

/** First-text ms of one checked conversation through a server. */
async function through(server: ServerProcess, i: number): Promise<number> {
  const result = await streamConversation(server.url, conversationMessage(i), expectedAnswer(i), { 'x-chart-chat-client': `bench-client-${String(i).padStart(5, '0')}-0123456789abcdef01234` }, metadata);
  if (result.problems.length > 0) throw new Error(`${server === floorRef ? "floor" : "chart-chat"} ${server.url}: conversation ${i}: ${result.problems[0]}`);
  return result.firstDeltaMs;
}

interface Round {
  floorAdded: number;
  chartChatAdded: number;
  floorCpu: number;
  chartChatCpu: number;
}

async function round(n: number, conversations: number, upstreamURL: string, floor: ServerProcess, chartChat: ServerProcess): Promise<Round> {
  const times = { direct: [] as number[], floor: [] as number[], chartChat: [] as number[] };
  await Promise.all([floor.mark(), chartChat.mark()]);
  // Each batch of n runs one path at a time, the paths interleaved batch by batch.
  for (let done = 0; done < conversations; done += n) {
    const batch = Math.min(n, conversations - done);
    times.direct.push(...(await inParallel(batch, batch, (i) => direct(upstreamURL, done + i))));
    times.floor.push(...(await inParallel(batch, batch, (i) => through(floor, done + i))));
    times.chartChat.push(...(await inParallel(batch, batch, (i) => through(chartChat, done + i))));
  }
  const [floorReport, chartChatReport] = await Promise.all([floor.report(), chartChat.report()]);
  const directP50 = percentile(times.direct, 50);
  return {
    floorAdded: percentile(times.floor, 50) - directP50,
    chartChatAdded: percentile(times.chartChat, 50) - directP50,
    floorCpu: floorReport.cpuMs / conversations,
    chartChatCpu: chartChatReport.cpuMs / conversations,
  };
}

const median = (values: number[]) => percentile(values, 50);
const fixed = (x: number, digits = 2) => x.toFixed(digits);
const range = (values: number[], digits = 2) => `${fixed(Math.min(...values), digits)}–${fixed(Math.max(...values), digits)}`;

export default async function floorBench(): Promise<Record<string, string | number>> {
  const upstream = await startServerProcess(new URL('./upstream-server.ts', import.meta.url), {});
  const env = { UPSTREAM_URL: upstream.url, UPSTREAM_KEY: KEY };
  const profile = process.env['FLOOR_PROFILE'] ? ['--cpu-prof', `--cpu-prof-dir=${process.env['FLOOR_PROFILE']}`] : [];
  const [floor, chartChat] = await Promise.all([
    startServerProcess(new URL('./floor-server.ts', import.meta.url), env),
    startServerProcess(new URL('./load-server.ts', import.meta.url), env, profile),
  ]);
  floorRef = floor;
  const out: Record<string, string | number> = {};
  try {
    // Warm-up: JIT, sockets, pools.
    await round(50, 100, upstream.url, floor, chartChat);
    for (const { n, conversations, rounds } of LEVELS) {
      const results: Round[] = [];
      for (let r = 0; r < rounds; r++) results.push(await round(n, conversations, upstream.url, floor, chartChat));
      const ttft = results.map((r) => r.chartChatAdded / r.floorAdded);
      const cpu = results.map((r) => r.chartChatCpu / r.floorCpu);
      const label = `${n} concurrent`;
      out[`${label}: added ms to first text, floor (range)`] = range(results.map((r) => r.floorAdded));
      out[`${label}: added ms to first text, chart-chat (range)`] = range(results.map((r) => r.chartChatAdded));
      out[`${label}: added first-text ratio chart-chat/floor, median (range)`] = `${fixed(median(ttft))}× (${range(ttft)}); target ≤ ${TARGET_TTFT}×`;
      out[`${label}: CPU ms per conversation, floor (range)`] = range(results.map((r) => r.floorCpu));
      out[`${label}: CPU ms per conversation, chart-chat (range)`] = range(results.map((r) => r.chartChatCpu));
      out[`${label}: CPU ratio chart-chat/floor, median (range)`] = `${fixed(median(cpu))}× (${range(cpu)}); target ≤ ${TARGET_CPU}×`;
    }
  } finally {
    await Promise.all([floor.stop(), chartChat.stop()]);
    await upstream.stop();
  }
  return out;
}
