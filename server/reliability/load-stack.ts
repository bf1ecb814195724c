/**
 * The stack the load test and the load benchmark drive: the whole app (sessions off, logging
 * off unless given) with the real OpenAI responder, against the fake OpenAI server on loopback.
 * The fake answers each conversation with its own numbered words (read from the user's message),
 * so any lost, duplicated, reordered or crossed-over chunk shows up in the text.
 */
import { createApp, type AppOptions } from '../app.js';
import { OpenAIResponder } from '../responders/openai/openai-responder.js';
import { nodeFetch } from '../node/node-fetch.js';
import { startFakeOpenAI, step, turn, type FakeOpenAI, type RecordedRequest, type ScriptStep } from '../test-support/fake-openai.js';
import { listen, type Listening } from '../test-support/listen.js';
import { numberedChunks } from './conversation.js';

export const LOAD_KEY = 'sk-test-LEAKCHECK-load-0123456789abcdef';

export interface LoadStack {
  readonly upstream: FakeOpenAI;
  readonly server: Listening;
  close(): Promise<void>;
}

export interface LoadScript {
  /** Words per answer (default 40). */
  readonly words?: number;
  /** Pause every 10 words, in ms, so streams interleave like real ones (default 2). */
  readonly pauseMs?: number;
}

/** The user message that asks the fake for conversation `id`'s answer; `hold` makes it stall after one word. */
export const conversationMessage = (id: number, hold = false) => `${hold ? 'hold' : 'conv'}-${String(id).padStart(4, '0')}`;

/**
 * The answer the fake gives to {@link conversationMessage}(id): groups of 10 words, each group
 * one upstream output message (the responder starts each later message on a new paragraph).
 */
export const expectedAnswer = (id: number, script: LoadScript = {}) => groups(id, script).map((g) => g.join('')).join('\n\n');

function groups(id: number, script: LoadScript): string[][] {
  const chunks = numberedChunks(script.words ?? 40, `c${id}w`);
  const out: string[][] = [];
  for (let i = 0; i < chunks.length; i += 10) out.push(chunks.slice(i, i + 10));
  return out;
}

export async function startLoadStack(script: LoadScript = {}, app: Partial<AppOptions> = {}): Promise<LoadStack> {
  const upstream = await startFakeOpenAI();
  upstream.setDefault((request) => answerFor(request, script));
  const responder = new OpenAIResponder({ apiKey: LOAD_KEY, baseURL: upstream.baseURL, maxRetries: 2, timeoutMs: 30_000, idleTimeoutMs: 30_000, fetch: nodeFetch() });
  const server = await listen(createApp({ responder, ...app }));
  return {
    upstream,
    server,
    close: async () => {
      await server.close();
      await upstream.close();
    },
  };
}

/** The fake's scripted answer to one load request (exported for the benchmarks' own fake upstream). */
export function answerFor(request: RecordedRequest, script: LoadScript = {}) {
  const text = lastUserText(request);
  const match = /^(conv|hold)-(\d{4})$/.exec(text);
  if (!match) return turn.status(400, {}, 'load stack: unexpected message');
  const id = Number(match[2]);
  if (match[1] === 'hold') return turn.steps(step.text(`c${id}w000 `), step.hang());
  const steps: ScriptStep[] = [];
  for (const [i, group] of groups(id, script).entries()) {
    if (i > 0 && (script.pauseMs ?? 2) > 0) steps.push(step.delay(script.pauseMs ?? 2));
    steps.push(step.text(...group));
  }
  return turn.steps(...steps);
}

function lastUserText(request: RecordedRequest): string {
  const input: unknown = request.body?.input;
  if (!Array.isArray(input)) return '';
  for (let i = input.length - 1; i >= 0; i--) {
    const item = input[i] as { role?: unknown; content?: unknown };
    if (item.role === 'user' && typeof item.content === 'string') return item.content.trim();
  }
  return '';
}
