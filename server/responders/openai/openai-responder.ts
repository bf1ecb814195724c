/**
 * The OpenAI responder: the Responses API with `stream: true`, requested as the `openai` SDK
 * would (./responses-request.ts: its retries, timeouts and error classes) and read by ./stream-events.ts.
 * Text deltas become ChatKit text deltas as they arrive (text-command lines are extracted on
 * the way); function calls are validated and either sent to the browser as `chart_command`
 * effects or answered on the server by the analysis tools, then the model is called again with
 * the outputs — at most `maxToolRounds` times per turn.
 */
import type { ResponseInputItem } from 'openai/resources/responses/responses';
import type { FunctionTool } from 'openai/resources/responses/responses';
import { APPLY_COMMANDS_TOOL, type ChartCommand, type ChartContext } from '../../../sdk/contract/index.js';
import { parseChartContext } from '../../chatkit/chart-context.js';
import type { ThreadItem, ThreadMetadata, ThreadStreamEvent, UserMessageItem } from '../../wire/types.js';
import { AssistantMessageWriter, chartCommandEffect, titleFrom, userMessageText } from '../kit/index.js';
import type { Responder, ResponderContext } from '../../chatkit/responder.js';
import { TextCommandExtractor } from '../text-commands.js';
import { historyToGroups } from './input.js';
import { inputFitter } from './fit-input.js';
import { DailyTokenBudget, reportedTokens } from './daily-budget.js';
import { estimateEachOnce, estimateTokens } from './token-estimate.js';
import { MemoryUsageCounters } from '../../store/usage.js';
import { checkAnchors } from '../anchors.js';
import { DEFAULT_INSTRUCTIONS } from './prompt.js';
import { GET_CHART_CONTEXT, GET_CHART_CONTEXT_TOOL, runTool } from './tools.js';
import { allowedTools } from './allowed-tools.js';
import { withProvenance } from '../provenance.js';
import { failure, upstreamError } from './upstream-errors.js';
import { StreamError } from '../../chatkit/errors.js';
import { responseEvents } from './stream-events.js';
import { responsesRequest, type ResponsesRequest } from './responses-request.js';

export const DEFAULT_MODEL = 'gpt-4.1-mini';
/**
 * Estimated tokens (token-estimate.ts) one model request may carry: instructions, tool schemas
 * (~3,200 together), the current turn, the chart context (up to half of what is left) and as
 * much recent history as fits. ~64 KB of JSON; plenty for a chart conversation, and each model
 * call costs a bounded amount however long the thread grows.
 */
export const DEFAULT_INPUT_TOKEN_BUDGET = 16_000;
/**
 * Tokens one user may spend per UTC day (input and output, as the upstream reports them). A
 * turn at the request budget with two tool rounds costs ~50k; 500k is about ten such turns or
 * a few dozen ordinary ones: enough for a working session, a bounded cost per user (about
 * $0.20 a day at gpt-4.1-mini's list price). 0 turns it off.
 */
export const DEFAULT_DAILY_TOKENS_PER_USER = 500_000;

export interface OpenAIResponderOptions {
  apiKey: string;
  /** Any Responses-compatible endpoint. Default `https://api.openai.com/v1` (`npm start` reads `OPENAI_BASE_URL`). */
  baseURL?: string;
  /**
   * The transport for model requests. Default: the runtime's `fetch`. On Node, pass `nodeFetch()`
   * from `chart-chat/server/node` (what `npm start` does): the same SDK behaviour with less CPU
   * per streamed event than Node's built-in fetch.
   */
  fetch?: typeof fetch;
  /** Default {@link DEFAULT_MODEL}. */
  model?: string;
  /** The system prompt (instructions only). Default {@link DEFAULT_INSTRUCTIONS}. */
  instructions?: string;
  /** SDK retries for connection errors, 408/409/429/5xx before the stream starts. Default 2. */
  maxRetries?: number;
  /** Time to the upstream's response headers, in ms. Default 60 000. */
  timeoutMs?: number;
  /** Longest silence between stream events once streaming, in ms. Default 60 000. */
  idleTimeoutMs?: number;
  /** Model calls per user turn (tool-call loops stop here). Default 6. */
  maxToolRounds?: number;
  /** Estimated tokens per model request (see fit-input.ts). Default {@link DEFAULT_INPUT_TOKEN_BUDGET}. */
  inputTokenBudget?: number;
  /**
   * Tokens per user per UTC day, counted in the store's usage counters (shared by every instance;
   * per process for a store without them). 0 = no limit. Default {@link DEFAULT_DAILY_TOKENS_PER_USER}.
   */
  dailyTokensPerUser?: number;
}

interface RoundSetup {
  /** The chart the analysis tools read: the request's context, or the page's answer to get_chart_context. */
  chart: ChartContext | undefined;
  tools: FunctionTool[];
  /** Set when the model asked for the client tool: the turn ends there. */
  clientCall: { callId: string; name: string } | null;
}

/** What one model call used: the upstream's own count when it reports one, else the output's size. */
interface UsageMeter {
  reported?: number | undefined;
  /** The output's estimate (each streamed delta is about one token; counted up per delta). */
  outputTokens: number;
}

/** One function call of a model round. `output` is unset while the page has yet to answer it. */
export interface ModelCall {
  call_id: string;
  name: string;
  arguments: string;
  output?: string;
  /** What the anchor check changed (snapped times and prices), for the model. */
  adjusted?: string[];
}

export class OpenAIResponder implements Responder {
  readonly #request: ResponsesRequest;
  readonly #model: string;
  readonly #instructions: string;
  readonly #idleTimeout: number;
  readonly #maxRounds: number;
  readonly #apiKey: string;
  readonly #inputBudget: number;
  readonly #dailyTokens: number;
  /** Counters for stores that have none (custom stores): per process. */
  readonly #localUsage = new MemoryUsageCounters();

  constructor(options: OpenAIResponderOptions) {
    this.#apiKey = options.apiKey;
    this.#idleTimeout = options.idleTimeoutMs ?? 60_000;
    this.#maxRounds = Math.max(1, options.maxToolRounds ?? 6);
    this.#model = options.model ?? DEFAULT_MODEL;
    this.#instructions = options.instructions ?? DEFAULT_INSTRUCTIONS;
    this.#inputBudget = options.inputTokenBudget ?? DEFAULT_INPUT_TOKEN_BUDGET;
    this.#dailyTokens = options.dailyTokensPerUser ?? DEFAULT_DAILY_TOKENS_PER_USER;
    this.#request = responsesRequest({
      apiKey: options.apiKey,
      ...(options.baseURL ? { baseURL: options.baseURL } : {}),
      ...(options.fetch && { fetch: options.fetch }),
      maxRetries: options.maxRetries ?? 2,
      timeoutMs: options.timeoutMs ?? 60_000,
    });
  }

  /** The API key, for the key-leak guard only (a getter: never serialized with the responder). */
  get secrets(): readonly string[] {
    return [this.#apiKey];
  }

  async *respond(thread: ThreadMetadata, input: UserMessageItem | null, ctx: ResponderContext): AsyncIterable<ThreadStreamEvent> {
    if (input) thread.title ??= titleFrom(userMessageText(input));
    const history = await ctx.history();
    if (input && !history.some((item) => item.id === input.id)) history.push(input);
    // Without a chart context the model may ask the page for one (a client tool); once answered,
    // that answer is the context the analysis tools work on.
    const chart = ctx.chartContext ?? contextFromClientTool(history);
    const tools = allowedTools(ctx.chartClient?.allow);
    const canRead = ctx.chartClient?.allow?.includes('read') ?? true;
    const setup: RoundSetup = { chart, tools: chart || !canRead ? tools : [...tools, GET_CHART_CONTEXT_TOOL], clientCall: null };
    // Every model call of this turn is fitted to the input budget; this turn's rounds always go.
    const fixedTokens = estimateTokens(this.#instructions) + estimateEachOnce(setup.tools);
    const fitter = inputFitter(historyToGroups(history), ctx.chartContext, this.#inputBudget, fixedTokens);
    const turnItems: ResponseInputItem[] = [];
    const budget = this.#dailyTokens > 0 ? new DailyTokenBudget(ctx.usage ?? this.#localUsage, ctx.user, this.#dailyTokens) : null;

    const message = new AssistantMessageWriter(thread.id, ctx);
    // One extractor per turn, so text-command ids (`txt-support-1`, …) count across tool rounds.
    const extractor = new TextCommandExtractor();
    /** Commands sent as effects this turn (text commands; tool calls for pages without the client tool). */
    const sent: ChartCommand[] = [];
    let exhausted = true;
    try {
      for (let round = 0; round < this.#maxRounds; round++) {
        const calls: ModelCall[] = [];
        const toPage: ChartCommand[] = [];
        const request = fitter.fit(turnItems);
        const reserved = (await budget?.reserve(request.tokens)) ?? 0;
        const meter: UsageMeter = { outputTokens: 0 };
        yield* this.#streamRound(request.input, ctx, setup, message, extractor, calls, toPage, sent, meter);
        if (ctx.signal.aborted) return;
        await budget?.settle(reserved, meter.reported ?? reserved + meter.outputTokens);
        if (toPage.length > 0) {
          // The page answers with what it really did; the model continues once it has (same turn).
          if (message.started) yield* message.finish();
          yield* remember(thread.id, sent, ctx);
          yield hidden(thread.id, { model_calls: calls }, ctx);
          yield { type: 'progress_update', text: 'Drawing on the chart…', icon: 'chart' };
          yield pendingClientToolCall(thread.id, `apply_${ctx.newItemId('client_tool_call')}`, APPLY_COMMANDS_TOOL, { commands: toPage }, ctx);
          return;
        }
        if (setup.clientCall) {
          // The page must answer first: end the turn on a pending client tool call (one per turn).
          if (message.started) yield* message.finish();
          yield* remember(thread.id, sent, ctx);
          yield { type: 'progress_update', text: 'Reading the chart…', icon: 'chart' };
          yield pendingClientToolCall(thread.id, setup.clientCall.callId, setup.clientCall.name, {}, ctx);
          return;
        }
        if (calls.length === 0) {
          exhausted = false;
          break;
        }
        turnItems.push(
          ...calls.flatMap((call): ResponseInputItem[] => [
            { type: 'function_call', call_id: call.call_id, name: call.name, arguments: call.arguments },
            { type: 'function_call_output', call_id: call.call_id, output: call.output ?? '' },
          ]),
        );
      }
      if (exhausted) {
        yield* message.delta(
          `${message.text === '' || message.text.endsWith('\n') ? '' : '\n\n'}(I stopped after ${this.#maxRounds} rounds of tool calls without a final answer. Ask again to continue.)`,
        );
      }
    } catch (error) {
      if (ctx.signal.aborted) return;
      // Keep what the user already saw, then report the failure.
      if (message.text !== '') yield* message.finish();
      yield* remember(thread.id, sent, ctx);
      throw error instanceof StreamError ? error : upstreamError(error); // the daily budget's refusal passes as it is
    }
    if (!message.started) {
      // Never end a turn silently: say what happened when the model wrote no text.
      // "Sent", not "applied": only the page knows whether they were.
      yield* message.delta(
        sent.length > 0 ? `(Sent ${sent.length} chart command${sent.length === 1 ? '' : 's'} to the chart.)` : '(The model returned an empty answer.)',
      );
    }
    yield* message.finish();
    yield* remember(thread.id, sent, ctx);
  }

  /** One model call: streams its text, applies its tool calls, collects them for the next round. */
  async *#streamRound(
    input: ResponseInputItem[],
    ctx: ResponderContext,
    setup: RoundSetup,
    message: AssistantMessageWriter,
    extractor: TextCommandExtractor,
    calls: ModelCall[],
    toPage: ChartCommand[],
    sent: ChartCommand[],
    meter: UsageMeter,
  ): AsyncGenerator<ThreadStreamEvent> {
    const controller = new AbortController();
    const onAbort = () => controller.abort(ctx.signal.reason);
    ctx.signal.addEventListener('abort', onAbort, { once: true });
    let idle = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    // One timer for the whole stream, not one re-armed per chunk: it notes the last chunk's time
    // and, when it fires early, waits out the rest of the silence.
    let lastChunk = 0;
    const idleMs = this.#idleTimeout;
    const watch = (wait: number) => {
      timer = setTimeout(() => {
        const quiet = Date.now() - lastChunk;
        if (quiet < idleMs) return watch(idleMs - quiet);
        idle = true;
        controller.abort();
      }, wait);
    };
    const arm = () => {
      lastChunk = Date.now();
      if (timer === undefined) watch(idleMs);
    };

    let newItem = true;
    let completed = false;
    /** The body was read to its end (or its [DONE]): nothing is left to cancel. */
    let drained = false;
    const emitText = function* (text: string, commands: ChartCommand[]): Generator<ThreadStreamEvent> {
      for (const command of commands) {
        // Text commands go out as effects; the page reports their outcomes with its next request.
        const checked = setup.chart ? checkAnchors(command, setup.chart.bars) : { ok: true as const, command };
        if (!checked.ok) continue; // left out: the model hears nothing it did not do (the line is gone from the text)
        const final = withProvenance(checked.command, setup.chart?.bars ?? []);
        sent.push(final);
        yield chartCommandEffect(final);
      }
      yield* message.delta(text);
    };

    try {
      // Retries, the timeout to the headers and status errors as the SDK has them; the body is read in ./stream-events.ts.
      const response = await this.#request(
        { model: this.#model, instructions: this.#instructions, input, tools: setup.tools, stream: true, store: false, parallel_tool_calls: true },
        controller.signal,
      );
      arm();
      for await (const events of responseEvents(response)) {
        arm();
        for (const event of events) switch (event.type) {
          case 'response.output_text.delta':
          case 'response.refusal.delta': {
            let delta = event.delta;
            meter.outputTokens += estimateTokens(delta);
            if (newItem) {
              newItem = false;
              // Text of a later message (e.g. after tool calls) starts on a new paragraph.
              if (message.text !== '' && !message.text.endsWith('\n')) delta = `\n\n${delta}`;
            }
            const out = extractor.push(delta);
            yield* emitText(out.text, out.commands);
            break;
          }
          case 'response.output_item.done': {
            const item = event.item;
            if (item.type === 'message') {
              const out = extractor.end();
              yield* emitText(out.text, out.commands);
              newItem = true;
            } else if (item.type === 'function_call' && item.name === GET_CHART_CONTEXT) {
              setup.clientCall ??= { callId: item.call_id, name: item.name };
            } else if (item.type === 'function_call') {
              meter.outputTokens += estimateTokens(item.arguments);
              const call: ModelCall = { call_id: item.call_id, name: item.name, arguments: item.arguments };
              calls.push(call);
              const outcome = setup.tools.some((t) => t.name === item.name)
                ? runTool(item.name, item.arguments, setup.chart)
                : { kind: 'answer' as const, output: JSON.stringify({ status: 'refused', reason: `the page does not allow ${item.name}` }) };
              if (outcome.kind !== 'command') {
                call.output = outcome.output;
              } else if (ctx.chartClient) {
                // Answered by the page through the client tool, after this round.
                toPage.push(withProvenance(outcome.command, setup.chart?.bars ?? []));
                if (outcome.notes.length) call.adjusted = outcome.notes;
              } else {
                // A page that cannot answer: say exactly that much, no more.
                const command = withProvenance(outcome.command, setup.chart?.bars ?? []);
                sent.push(command);
                yield chartCommandEffect(command);
                call.output = JSON.stringify({ status: 'sent', note: 'sent to the page, which does not report outcomes; do not claim it is drawn', ...(outcome.notes.length ? { adjusted: outcome.notes } : {}) });
              }
            }
            break;
          }
          case 'response.completed':
          case 'response.incomplete': {
            completed = true;
            meter.reported = reportedTokens(event.response.usage);
            break;
          }
          case 'response.failed':
            throw failure('failed');
          case 'error':
            throw failure('error_event');
          default:
            break;
        }
      }
      drained = true;
      const rest = extractor.end();
      yield* emitText(rest.text, rest.commands);
      if (ctx.signal.aborted) return;
      if (idle) throw failure('idle_timeout');
      if (!completed) throw failure('cut');
    } finally {
      clearTimeout(timer);
      ctx.signal.removeEventListener('abort', onAbort);
      // Only a request still running needs stopping: an abort builds a DOMException (with its
      // stack) here and in every signal linked to it, on every model call.
      if (!drained) controller.abort();
    }
  }
}

/** A hidden item: model context, never shown. */
/** Ends a turn on a client tool call the page must answer before the model continues. */
function pendingClientToolCall(threadId: string, callId: string, name: string, args: Record<string, unknown>, ctx: ResponderContext): ThreadStreamEvent {
  const item = { type: 'client_tool_call', id: ctx.newItemId('client_tool_call'), thread_id: threadId, created_at: ctx.now(), status: 'pending', call_id: callId, name, arguments: args } as const;
  return { type: 'thread.item.done', item };
}

function hidden(threadId: string, content: Record<string, unknown>, ctx: ResponderContext): ThreadStreamEvent {
  return { type: 'thread.item.done', item: { type: 'hidden_context_item', id: ctx.newItemId('hidden_context_item'), thread_id: threadId, created_at: ctx.now(), content } };
}

/** Records what was sent as effects this turn; the page's outcomes for them come with its next request. */
function* remember(threadId: string, sent: readonly ChartCommand[], ctx: ResponderContext): Generator<ThreadStreamEvent> {
  if (sent.length > 0) yield hidden(threadId, { chart_commands_sent: sent, note: 'sent to the page; its outcomes arrive with the next request' }, ctx);
}

/** The chart context the page returned to the newest completed get_chart_context call, if valid. */
function contextFromClientTool(history: readonly ThreadItem[]): ChartContext | undefined {
  for (let i = history.length - 1; i >= 0; i--) {
    const item = history[i]!;
    if (item.type === 'client_tool_call' && item.name === GET_CHART_CONTEXT && item.status === 'completed') {
      const parsed = parseChartContext(item.output);
      return parsed.success ? parsed.output : undefined;
    }
  }
  return undefined;
}
