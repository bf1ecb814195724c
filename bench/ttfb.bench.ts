/**
 * Time to first streamed text through our server vs the fake upstream directly. Both clocks
 * stop at the first text delta (the first byte of the answer a user sees): directly, the
 * upstream's first `response.output_text.delta` frame; through /api/chatkit (OpenAI responder,
 * a 500-bar chart context, real sockets), the first `text_delta` event. The upstream answers
 * at once, so the difference is our own overhead: request validation, store, context block,
 * SDK call and re-framing. p50 over N runs.
 */
import { createApp } from '../server/app.js';
import { barsFromPath } from '../server/analysis/synthetic.js';
import { OpenAIResponder } from '../server/responders/openai/openai-responder.js';
import { chartContext } from '../server/test-support/responder-assertions.js';
import { createThread } from '../server/test-support/chatkit-client.js';
import { startFakeOpenAI, turn } from '../server/test-support/fake-openai.js';
import { listen } from '../server/test-support/listen.js';
import { percentile } from './stats.js';

const RUNS = 40;
const WARMUP = 5;

/** Milliseconds from sending the request until `marker` appears in the response body. */
async function timeToMarker(url: string, body: unknown, marker: string): Promise<number> {
  const start = performance.now();
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer sk-bench' }, body: JSON.stringify(body) });
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  let elapsed = NaN;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    text += decoder.decode(value, { stream: true });
    if (Number.isNaN(elapsed) && text.includes(marker)) elapsed = performance.now() - start;
  }
  if (Number.isNaN(elapsed)) throw new Error(`no ${marker} in ${text.slice(0, 300)}`);
  return elapsed;
}

export default async function ttfbBench(): Promise<Record<string, string | number>> {
  const upstream = await startFakeOpenAI();
  const responder = new OpenAIResponder({ apiKey: 'sk-bench', baseURL: upstream.baseURL, maxRetries: 0 });
  const server = await listen(createApp({ responder }));
  const context = chartContext(barsFromPath(500, (i) => 100 + 10 * Math.sin(i / 9), { seed: 1, noise: 0.5, wick: 0.5 }));
  const direct: number[] = [];
  const through: number[] = [];
  try {
    for (let i = 0; i < WARMUP + RUNS; i++) {
      upstream.enqueue(turn.text('Hello ', 'there.'));
      const d = await timeToMarker(`${upstream.baseURL}/responses`, { model: 'gpt-4.1-mini', input: 'hi', stream: true }, 'response.output_text.delta');
      upstream.enqueue(turn.text('Hello ', 'there.'));
      const t = await timeToMarker(`${server.url}/api/chatkit`, createThread('hi', { chart_context: context }), 'content_part.text_delta');
      if (i >= WARMUP) {
        direct.push(d);
        through.push(t);
      }
    }
  } finally {
    await server.close();
    await upstream.close();
  }
  const d50 = percentile(direct, 50);
  const t50 = percentile(through, 50);
  return {
    runs: RUNS,
    'upstream directly: p50 ms to first text': d50,
    'through /api/chatkit: p50 ms to first text': t50,
    'ratio (through / direct), p50': t50 / d50,
    'added ms, p50': t50 - d50,
    'added ms, p90': percentile(through, 90) - percentile(direct, 90),
  };
}
