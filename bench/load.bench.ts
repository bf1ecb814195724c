/**
 * Load: N concurrent streaming conversations (threads.create → OpenAI responder → fake upstream
 * on loopback → SSE back), every answer checked word by word (none lost, none out of order).
 * The server runs in its own process (bench/load-server.ts); clients and the fake upstream run
 * here. "Added latency" compares the same N concurrent answers fetched straight from the fake
 * upstream by the same clients: the difference per percentile is what the server adds
 * (validation, store, SDK, re-framing, logging, key guard) under that concurrency. Each level
 * runs ROUNDS times; figures are the median round. Memory is the server process's peak.
 * All N requests arrive at once, so on one server thread the added latency is mostly queueing:
 * roughly N × (server CPU per conversation) spread over the run.
 */
import { inParallel, streamConversation } from '../server/reliability/conversation.js';
import { conversationMessage, expectedAnswer } from '../server/reliability/load-stack.js';
import { startFakeOpenAI, step, turn, type RecordedRequest, type ScriptStep } from '../server/test-support/fake-openai.js';
import { numberedChunks } from '../server/reliability/conversation.js';
import { startServerProcess } from './meter.js';
import { percentile } from './stats.js';

/** LOAD_PROFILE=1 runs one level and writes a CPU profile of the server to /tmp/load-profile. */
const CONCURRENCY = process.env['LOAD_PROFILE'] ? [200] : [20, 200, 500];
const ROUNDS = 3;
const WORDS = 40;
const KEY = 'sk-test-LEAKCHECK-bench-0123456789';

interface Timing {
  firstDeltaMs: number;
  totalMs: number;
}

/** The same answers straight from the fake upstream, parsed frame by frame like a real client. */
async function direct(baseURL: string, n: number): Promise<Timing[]> {
  return inParallel(n, n, async (i) => {
    const started = performance.now();
    const response = await fetch(`${baseURL}/responses`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` },
      body: JSON.stringify({ model: 'gpt-4.1-mini', stream: true, input: [{ type: 'message', role: 'user', content: conversationMessage(i) }] }),
    });
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    let firstDeltaMs = -1;
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
        if (firstDeltaMs < 0 && event?.type === 'response.output_text.delta') firstDeltaMs = performance.now() - started;
        if (event?.type === 'response.completed') completed = true;
      }
    }
    if (!completed) throw new Error('direct stream incomplete');
    return { firstDeltaMs, totalMs: performance.now() - started };
  });
}

/** The fake's answer for "conv-NNNN": 4 messages of 10 numbered words, 2 ms apart. */
function answer(request: RecordedRequest) {
  const input = request.body?.input as { role?: string; content?: unknown }[] | undefined;
  const text = String(input?.filter((m) => m.role === 'user').at(-1)?.content ?? '');
  const id = Number(/^conv-(\d+)$/.exec(text.trim())?.[1] ?? Number.NaN);
  if (!Number.isInteger(id)) return turn.status(400);
  const words = numberedChunks(WORDS, `c${id}w`);
  const steps: ScriptStep[] = [];
  for (let i = 0; i < words.length; i += 10) {
    if (i > 0) steps.push(step.delay(2));
    steps.push(step.text(...words.slice(i, i + 10)));
  }
  return turn.steps(...steps);
}

const median = (values: number[]) => percentile(values, 50);
const r1 = (x: number) => Math.round(x * 10) / 10;
const mb = (bytes: number) => r1(bytes / 2 ** 20);

export default async function loadBench(): Promise<Record<string, string | number>> {
  const upstream = await startFakeOpenAI();
  upstream.setDefault(answer);
  const server = await startServerProcess(new URL('./load-server.ts', import.meta.url), { UPSTREAM_URL: upstream.baseURL, UPSTREAM_KEY: KEY }, process.env['LOAD_PROFILE'] ? ['--cpu-prof', '--cpu-prof-dir=/tmp/load-profile'] : []);
  const url = server.url;
  const out: Record<string, string | number> = {};
  try {
    const converse = (n: number) =>
      inParallel(n, n, (i) => streamConversation(url, conversationMessage(i), expectedAnswer(i, { words: WORDS }), { 'x-chart-chat-client': `bench-client-${String(i).padStart(5, '0')}-0123456789abcdef01234` }));
    await converse(50); // warm-up: JIT, sockets, pools
    await direct(upstream.baseURL, 50);

    for (const n of CONCURRENCY) {
      const rounds: Record<string, number>[] = [];
      let events = 0;
      let peakRss = 0;
      let peakHeap = 0;
      let idleHeap = 0;
      const cpuPerConversation: number[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        const straight = await direct(upstream.baseURL, n);
        await server.mark();
        const started = performance.now();
        const results = await converse(n);
        const wall = performance.now() - started;
        const memory = await server.report();
        cpuPerConversation.push(memory.cpuMs / n);
        const broken = results.filter((r) => r.problems.length > 0);
        if (broken.length > 0) throw new Error(`${broken.length} of ${n} conversations lost or reordered events: ${broken[0]!.problems[0]}`);
        events = results.reduce((sum, r) => sum + r.events, 0);
        peakRss = Math.max(peakRss, memory.peak.rss);
        peakHeap = Math.max(peakHeap, memory.peak.heapUsed);
        idleHeap = memory.idle.heapUsed;
        const through = { first: results.map((r) => r.firstDeltaMs), total: results.map((r) => r.totalMs) };
        const base = { first: straight.map((r) => r.firstDeltaMs), total: straight.map((r) => r.totalMs) };
        rounds.push({
          wall,
          firstP50: percentile(through.first, 50),
          firstP99: percentile(through.first, 99),
          directFirstP50: percentile(base.first, 50),
          directFirstP99: percentile(base.first, 99),
          totalP50: percentile(through.total, 50),
          totalP99: percentile(through.total, 99),
          directTotalP50: percentile(base.total, 50),
          directTotalP99: percentile(base.total, 99),
        });
      }
      const m = (key: string) => median(rounds.map((r) => r[key]!));
      out[`n=${n}: conversations checked`] = `${n * ROUNDS}/${n * ROUNDS} complete, in order`;
      out[`n=${n}: events per round`] = events;
      out[`n=${n}: events/s`] = Math.round(events / (m('wall') / 1000));
      out[`n=${n}: first text ms p50 / p99`] = `${r1(m('firstP50'))} / ${r1(m('firstP99'))}`;
      out[`n=${n}: direct first text ms p50 / p99`] = `${r1(m('directFirstP50'))} / ${r1(m('directFirstP99'))}`;
      out[`n=${n}: added first-text ms p50`] = r1(median(rounds.map((r) => r['firstP50']! - r['directFirstP50']!)));
      out[`n=${n}: added first-text ms p99`] = r1(median(rounds.map((r) => r['firstP99']! - r['directFirstP99']!)));
      out[`n=${n}: whole answer ms p50 / p99`] = `${r1(m('totalP50'))} / ${r1(m('totalP99'))}`;
      out[`n=${n}: added whole-answer ms p50`] = r1(median(rounds.map((r) => r['totalP50']! - r['directTotalP50']!)));
      out[`n=${n}: added whole-answer ms p99`] = r1(median(rounds.map((r) => r['totalP99']! - r['directTotalP99']!)));
      out[`n=${n}: server CPU ms per conversation`] = r1(median(cpuPerConversation));
      out[`n=${n}: server peak rss MB`] = mb(peakRss);
      out[`n=${n}: server peak heap MB (idle)`] = `${mb(peakHeap)} (${mb(idleHeap)})`;
    }
  } finally {
    await server.stop();
    await upstream.close();
  }
  return out;
}
