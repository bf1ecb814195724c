/**
 * The built-in analyst: the default responder when no OpenAI key is configured. Offline and
 * deterministic: it reads the request with plain patterns (`intents.ts`), answers from real
 * analysis of the chart context's bars (`skills.ts`) and streams its answer the way a model
 * would, so the browser cannot tell the difference in the protocol.
 */
import { parseChartCommand, type ChartCommand } from '../../../sdk/contract/index.js';
import type { ThreadMetadata, ThreadStreamEvent, UserMessageItem } from '../../wire/types.js';
import { AssistantMessageWriter, chartCommandEffect, chunkText, titleFrom, userMessageText } from '../kit/index.js';
import { withProvenance } from '../provenance.js';
import type { Responder, ResponderContext } from '../../chatkit/responder.js';
import { parseIntents, type Intent } from './intents.js';
import { notUnderstood, runSkill } from './skills.js';

export interface AnalystOptions {
  /** Pause between streamed text chunks, in ms (0 = none; tests use 0). Default 15. */
  chunkDelayMs?: number;
  /** Words per streamed text chunk. Default 3. */
  wordsPerChunk?: number;
}

/** Requests that read the bars (and so get a progress line while they run). */
const ANALYSES = new Set<Intent['kind']>(['describe', 'levels', 'trendline', 'trend', 'indicator', 'mark', 'fib']);

export class AnalystResponder implements Responder {
  readonly #delay: number;
  readonly #words: number;

  constructor(options: AnalystOptions = {}) {
    this.#delay = Math.max(0, options.chunkDelayMs ?? 15);
    this.#words = Math.max(1, Math.floor(options.wordsPerChunk ?? 3));
  }

  async *respond(thread: ThreadMetadata, input: UserMessageItem | null, ctx: ResponderContext): AsyncIterable<ThreadStreamEvent> {
    // The analyst never asks the browser for anything, so there is nothing to continue.
    if (!input) return;
    const cc = ctx.chartContext;
    const text = userMessageText(input);
    thread.title ??= titleFrom(text);
    const intents = parseIntents(text);
    if (cc && intents.some((i) => ANALYSES.has(i.kind))) {
      yield { type: 'progress_update', text: `Analysing ${cc.symbol} on ${cc.timeframe}…`, icon: 'chart' };
    }
    const results = intents.length > 0 ? intents.map((intent) => runSkill(intent, cc)) : [notUnderstood(cc)];

    for (const result of results) {
      for (const input of result.commands) {
        const parsed = parseChartCommand(input);
        // Our own commands always parse; if one ever does not, it is dropped, never sent half-valid.
        // Provenance: why it is drawn, with the touches and their dates from the same bars.
        if (parsed.success) yield chartCommandEffect(withProvenance(parsed.output satisfies ChartCommand, cc?.bars ?? []));
        else console.error(`analyst produced an invalid command (${parsed.message})`, input);
      }
    }

    const message = new AssistantMessageWriter(thread.id, ctx);
    yield* message.start();
    // In confirm mode the page only proposes what we send: never say it is drawn.
    const proposing = ctx.chartClient?.apply === 'confirm' && results.some((r) => r.commands.length > 0);
    const answer = joinAnswers(results.map((r) => r.text), cc);
    const said = proposing
      ? `${answer.replace(/\bI drew\b/g, 'I propose').replace(/; I marked it\./g, '; I propose a marker there.')}\n\nThese are proposals: apply or dismiss them on the card.`
      : answer;
    for (const chunk of chunkText(said, this.#words)) {
      if (ctx.signal.aborted) return;
      if (this.#delay > 0) await sleep(this.#delay, ctx.signal);
      yield* message.delta(chunk);
    }
    yield* message.finish();
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}

/** Joins several answers into paragraphs, saying "You're viewing TSLA on 1D" only once. */
function joinAnswers(texts: readonly string[], cc: ResponderContext['chartContext']): string {
  if (!cc) return texts.join('\n\n');
  const lead = `You're viewing ${cc.symbol} on ${cc.timeframe}`;
  return texts
    .map((text, i) => {
      if (i === 0 || !text.startsWith(lead)) return text;
      const rest = text.slice(lead.length).replace(/^[.,:]\s*/, '');
      return rest.charAt(0).toUpperCase() + rest.slice(1);
    })
    .join('\n\n');
}
