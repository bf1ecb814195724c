/**
 * The OpenAI responder: the Responses API with `stream: true` through the `openai` SDK.
 * Text deltas become ChatKit text deltas as they arrive (text-command lines are extracted on
 * the way); function calls are validated and either sent to the browser as `chart_command`
 * effects or answered on the server by the analysis tools, then the model is called again with
 * the outputs — at most `maxToolRounds` times per turn.
 */
import OpenAI from 'openai';
import type { ResponseInputItem, ResponseStreamEvent } from 'openai/resources/responses/responses';
import type { FunctionTool } from 'openai/resources/responses/responses';
import { parseChartContext, type ChartCommand, type ChartContext } from '../../../sdk/contract/index.js';
import type { ThreadItem, ThreadMetadata, ThreadStreamEvent, UserMessageItem } from '../../wire/types.js';
import { AssistantMessageWriter } from '../assistant-message.js';
import { chartCommandEffect, titleFrom, userMessageText } from '../effects.js';
import type { Responder, ResponderContext } from '../../chatkit/responder.js';
import { TextCommandExtractor } from '../text-commands.js';
import { historyToInput, withChartContext } from './input.js';
import { DEFAULT_INSTRUCTIONS } from './prompt.js';
import { ALL_TOOLS, GET_CHART_CONTEXT, GET_CHART_CONTEXT_TOOL, runTool } from './tools.js';
import { failure, upstreamError } from './upstream-errors.js';

export const DEFAULT_MODEL = 'gpt-4.1-mini';

export interface OpenAIResponderOptions {
  apiKey: string;
  /** Any Responses-compatible endpoint. Default: the SDK's (api.openai.com). */
  baseURL?: string;
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
}

interface RoundSetup {
  /** The chart the analysis tools read: the request's context, or the page's answer to get_chart_context. */
  chart: ChartContext | undefined;
  tools: FunctionTool[];
  /** Set when the model asked for the client tool: the turn ends there. */
  clientCall: { callId: string; name: string } | null;
}

interface PendingCall {
  callId: string;
  name: string;
  arguments: string;
  output: string;
}

export class OpenAIResponder implements Responder {
  readonly #client: OpenAI;
  readonly #model: string;
  readonly #instructions: string;
  readonly #maxRetries: number;
  readonly #timeout: number;
  readonly #idleTimeout: number;
  readonly #maxRounds: number;

  constructor(options: OpenAIResponderOptions) {
    this.#maxRetries = options.maxRetries ?? 2;
    this.#timeout = options.timeoutMs ?? 60_000;
    this.#idleTimeout = options.idleTimeoutMs ?? 60_000;
    this.#maxRounds = Math.max(1, options.maxToolRounds ?? 6);
    this.#model = options.model ?? DEFAULT_MODEL;
    this.#instructions = options.instructions ?? DEFAULT_INSTRUCTIONS;
    this.#client = new OpenAI({
      apiKey: options.apiKey,
      ...(options.baseURL ? { baseURL: options.baseURL } : {}),
      maxRetries: this.#maxRetries,
      timeout: this.#timeout,
      // The SDK would log raw upstream chunks; we report failures ourselves, without bodies.
      logLevel: 'off',
    });
  }

  async *respond(thread: ThreadMetadata, input: UserMessageItem | null, ctx: ResponderContext): AsyncIterable<ThreadStreamEvent> {
    if (input) thread.title ??= titleFrom(userMessageText(input));
    const history = await ctx.history();
    if (input && !history.some((item) => item.id === input.id)) history.push(input);
    let modelInput: ResponseInputItem[] = withChartContext(historyToInput(history), ctx.chartContext);
    // Without a chart context the model may ask the page for one (a client tool); once answered,
    // that answer is the context the analysis tools work on.
    const chart = ctx.chartContext ?? contextFromClientTool(history);
    const setup: RoundSetup = { chart, tools: chart ? ALL_TOOLS : [...ALL_TOOLS, GET_CHART_CONTEXT_TOOL], clientCall: null };

    const message = new AssistantMessageWriter(thread.id, ctx);
    // One extractor per turn, so text-command ids (`txt-support-1`, …) count across tool rounds.
    const extractor = new TextCommandExtractor();
    const applied: ChartCommand[] = [];
    let exhausted = true;
    try {
      for (let round = 0; round < this.#maxRounds; round++) {
        const calls: PendingCall[] = [];
        yield* this.#streamRound(modelInput, ctx, setup, message, extractor, calls, applied);
        if (ctx.signal.aborted) return;
        if (setup.clientCall) {
          // The page must answer first: end the turn on a pending client tool call (one per turn).
          if (message.started) yield* message.finish();
          yield* remember(thread.id, applied, ctx);
          yield { type: 'progress_update', text: 'Reading the chart…', icon: 'chart' };
          yield {
            type: 'thread.item.done',
            item: {
              type: 'client_tool_call',
              id: ctx.newItemId('client_tool_call'),
              thread_id: thread.id,
              created_at: ctx.now(),
              status: 'pending',
              call_id: setup.clientCall.callId,
              name: setup.clientCall.name,
              arguments: {},
            },
          };
          return;
        }
        if (calls.length === 0) {
          exhausted = false;
          break;
        }
        modelInput = [
          ...modelInput,
          ...calls.flatMap((call): ResponseInputItem[] => [
            { type: 'function_call', call_id: call.callId, name: call.name, arguments: call.arguments },
            { type: 'function_call_output', call_id: call.callId, output: call.output },
          ]),
        ];
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
      yield* remember(thread.id, applied, ctx);
      throw upstreamError(error);
    }
    if (!message.started) {
      // Never end a turn silently: say what happened when the model wrote no text.
      yield* message.delta(
        applied.length > 0 ? `(Applied ${applied.length} chart command${applied.length === 1 ? '' : 's'}.)` : '(The model returned an empty answer.)',
      );
    }
    yield* message.finish();
    yield* remember(thread.id, applied, ctx);
  }

  /** One model call: streams its text, applies its tool calls, collects them for the next round. */
  async *#streamRound(
    input: ResponseInputItem[],
    ctx: ResponderContext,
    setup: RoundSetup,
    message: AssistantMessageWriter,
    extractor: TextCommandExtractor,
    calls: PendingCall[],
    applied: ChartCommand[],
  ): AsyncGenerator<ThreadStreamEvent> {
    const controller = new AbortController();
    const onAbort = () => controller.abort(ctx.signal.reason);
    ctx.signal.addEventListener('abort', onAbort, { once: true });
    let idle = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        idle = true;
        controller.abort();
      }, this.#idleTimeout);
    };

    let newItem = true;
    let completed = false;
    const emitText = function* (text: string, commands: ChartCommand[]): Generator<ThreadStreamEvent> {
      for (const command of commands) {
        applied.push(command);
        yield chartCommandEffect(command);
      }
      yield* message.delta(text);
    };

    try {
      const stream = await this.#client.responses.create(
        { model: this.#model, instructions: this.#instructions, input, tools: setup.tools, stream: true, store: false, parallel_tool_calls: true },
        { signal: controller.signal, maxRetries: this.#maxRetries, timeout: this.#timeout },
      );
      arm();
      for await (const event of withCutDetection(stream as AsyncIterable<ResponseStreamEvent>)) {
        arm();
        switch (event.type) {
          case 'response.output_text.delta':
          case 'response.refusal.delta': {
            let delta = event.delta;
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
              const outcome = runTool(item.name, item.arguments, setup.chart);
              if (outcome.kind === 'command') {
                applied.push(outcome.command);
                yield chartCommandEffect(outcome.command);
              }
              calls.push({ callId: item.call_id, name: item.name, arguments: item.arguments, output: outcome.output });
            }
            break;
          }
          case 'response.completed':
          case 'response.incomplete':
            completed = true;
            break;
          case 'response.failed':
            throw failure('failed');
          case 'error':
            throw failure('error_event');
          default:
            break;
        }
      }
      const rest = extractor.end();
      yield* emitText(rest.text, rest.commands);
      if (ctx.signal.aborted) return;
      if (idle) throw failure('idle_timeout');
      if (!completed) throw failure('cut');
    } finally {
      clearTimeout(timer);
      ctx.signal.removeEventListener('abort', onAbort);
      controller.abort();
    }
  }
}

/** Records what was drawn this turn for later turns (a hidden item: model context, never shown). */
function* remember(threadId: string, applied: readonly ChartCommand[], ctx: ResponderContext): Generator<ThreadStreamEvent> {
  if (applied.length === 0) return;
  yield {
    type: 'thread.item.done',
    item: { type: 'hidden_context_item', id: ctx.newItemId('hidden_context_item'), thread_id: threadId, created_at: ctx.now(), content: { chart_commands_applied: applied } },
  };
}

/** Once streaming, a dropped connection surfaces as a connection error; report it as a cut stream. */
async function* withCutDetection(stream: AsyncIterable<ResponseStreamEvent>): AsyncGenerator<ResponseStreamEvent> {
  try {
    yield* stream;
  } catch (error) {
    if (error instanceof OpenAI.APIConnectionError || error instanceof TypeError) throw failure('cut');
    throw error;
  }
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
