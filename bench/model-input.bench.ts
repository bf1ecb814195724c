/**
 * Upstream request size per turn (issue 14.3): a 20-turn conversation with a chart context at
 * every cap, through the whole app on a real socket, against the local OpenAI-format stand-in
 * (server/test-support/fake-openai.ts). Each turn the model calls one analysis tool and then
 * answers in ~2,400 characters (a detailed analysis), so every turn makes two upstream requests. Reported: the bytes the
 * stand-in received for the turn's first request (context + history) and its tool-round request,
 * with the estimated tokens (bytes / 4: the bodies are ASCII JSON). Bounded: once the history fills the input budget
 * (DEFAULT_INPUT_TOKEN_BUDGET) every later turn costs the same, however long the thread grows.
 */
import { createApp } from '../server/app.js';
import { DEFAULT_INPUT_TOKEN_BUDGET, OpenAIResponder } from '../server/responders/openai/openai-responder.js';
import { charsToTokens } from '../server/responders/openai/token-estimate.js';
import { addMessage, createdThreadId, createThread, post } from '../server/test-support/chatkit-client.js';
import { startFakeOpenAI, turn } from '../server/test-support/fake-openai.js';
import { listen } from '../server/test-support/listen.js';
import { maxChartContext } from '../server/test-support/max-chart-context.js';
import { MemoryStore } from '../server/store/memory-store.js';

const TURNS = 20;
const ANSWER = 'Support holds near the recent swing low and resistance sits at the last swing high; '.repeat(28);

export default async function modelInputBench(): Promise<Record<string, string | number>> {
  const upstream = await startFakeOpenAI();
  const responder = new OpenAIResponder({ apiKey: 'sk-bench', baseURL: upstream.baseURL, maxRetries: 0 });
  const server = await listen(createApp({ responder, store: new MemoryStore(), log: () => {}, rateLimit: { perIp: false, perUser: false } }));
  const context = maxChartContext();
  const first: number[] = [];
  const round: number[] = [];
  try {
    let threadId = '';
    for (let t = 1; t <= TURNS; t++) {
      upstream.enqueue(turn.call('find_levels', {}, { callId: `call_${t}` }), turn.text(ANSWER));
      const before = upstream.requests.length;
      const text = `Turn ${t}: where are support and resistance now, and what changed since the last answer?`;
      const answer = await post(server.url, t === 1 ? createThread(text, { chart_context: context }) : addMessage(threadId, text, { chart_context: context }));
      if (answer.status !== 200 || answer.events?.some((e) => e.type === 'error')) throw new Error(`turn ${t} failed: ${answer.raw.slice(-300)}`);
      if (t === 1) threadId = createdThreadId(answer);
      const requests = upstream.requests.slice(before);
      if (requests.length !== 2) throw new Error(`turn ${t}: expected 2 upstream requests, got ${requests.length}`);
      first.push(requests[0]!.bytes);
      round.push(requests[1]!.bytes);
    }
  } finally {
    await server.close();
    await upstream.close();
  }
  const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB (~${charsToTokens(bytes).toLocaleString('en-US')} tokens)`;
  const result: Record<string, string | number> = {};
  for (const t of [1, 5, 10, 15, 20]) {
    result[`turn ${t}: first request`] = kb(first[t - 1]!);
    result[`turn ${t}: tool-round request`] = kb(round[t - 1]!);
  }
  result['largest request of the 20 turns'] = kb(Math.max(...first, ...round));
  result['input budget (estimated tokens)'] = DEFAULT_INPUT_TOKEN_BUDGET.toLocaleString('en-US');
  result['turn 20 / turn 15 (first request)'] = `${(first[TURNS - 1]! / first[14]!).toFixed(2)}×`;
  result['first request per turn, KB'] = first.map((b) => (b / 1024).toFixed(0)).join(' ');
  result['all 40 requests'] = `${((first.reduce((a, b) => a + b, 0) + round.reduce((a, b) => a + b, 0)) / 1024 / 1024).toFixed(2)} MB`;
  return result;
}
