/**
 * `EchoResponder`: a trivial, deterministic responder for protocol and element tests.
 * Other test suites rely on this exact behaviour:
 * - `/effect <json>` → assistant text "ok", then `client_effect {name: "chart_command", data: <json>}`
 *   (data passed through unvalidated, so clients' validation can be tested);
 * - `/tool <name> <json-args>` → a pending `client_tool_call` (call_id `call_<hex>`), stream ends;
 * - a continuation after a completed tool call → "tool output: <JSON of the output>";
 * - `/error` → throws `CustomStreamError("echo error", allowRetry = true)`;
 * - `/slow <n>` → n text deltas 25 ms apart (stops when the signal aborts);
 * - anything else → "You said: <text>" streamed word by word, plus
 *   " [chart: <symbol> <timeframe>, <n> bars]" when a chart context came with the request.
 * The first message of a thread sets its title (first 40 characters).
 */
import { CustomStreamError } from '../chatkit/errors.js';
import { CHART_COMMAND_EFFECT, sleep, streamAssistantMessage, userText, wordChunks } from './kit/index.js';
import type { ThreadItem, ThreadMetadata, ThreadStreamEvent, UserMessageItem } from '../wire/types.js';
import type { Responder, ResponderContext } from '../chatkit/responder.js';

export const SLOW_DELTA_MS = 25;
const MAX_SLOW_DELTAS = 10_000;

export class EchoResponder implements Responder {
  async *respond(thread: ThreadMetadata, input: UserMessageItem | null, ctx: ResponderContext): AsyncGenerator<ThreadStreamEvent> {
    if (!input) {
      yield* this.#continue(thread, ctx);
      return;
    }
    const text = userText(input.content).trim();
    if (thread.title === undefined && text) thread.title = text.slice(0, 40);

    const [command = '', ...rest] = text.split(/\s+/);
    const args = text.slice(command.length).trim();
    switch (command) {
      case '/effect': {
        const data = parseJson(args, '/effect <json>');
        yield* streamAssistantMessage(thread, ctx, ['ok']);
        yield { type: 'client_effect', name: CHART_COMMAND_EFFECT, data: data as Record<string, unknown> };
        return;
      }
      case '/tool': {
        const name = rest[0] ?? '';
        const parsed = parseJson(args.slice(name.length).trim() || '{}', '/tool <name> <json-args>');
        if (!name || typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
          throw new CustomStreamError('echo: /tool needs a name and a JSON object of arguments');
        }
        const id = ctx.newItemId('client_tool_call');
        yield {
          type: 'thread.item.done',
          item: {
            type: 'client_tool_call',
            id,
            thread_id: thread.id,
            created_at: ctx.now(),
            status: 'pending',
            call_id: `call_${id.slice(id.indexOf('_') + 1)}`,
            name,
            arguments: parsed as Record<string, unknown>,
          },
        };
        return;
      }
      case '/error':
        throw new CustomStreamError('echo error', true);
      case '/slow': {
        const n = Math.min(Math.max(Number.parseInt(rest[0] ?? '', 10) || 0, 1), MAX_SLOW_DELTAS);
        yield* streamAssistantMessage(thread, ctx, slowDeltas(n, ctx.signal));
        return;
      }
      default: {
        const chart = ctx.chartContext;
        const suffix = chart ? ` [chart: ${chart.symbol} ${chart.timeframe}, ${chart.bars.length} bars]` : '';
        yield* streamAssistantMessage(thread, ctx, wordChunks(`You said: ${text}${suffix}`));
      }
    }
  }

  /** After a client tool output (or a structured input): report what came back. */
  async *#continue(thread: ThreadMetadata, ctx: ResponderContext): AsyncGenerator<ThreadStreamEvent> {
    const history = await ctx.history();
    const last = lastVisible(history);
    let reply = 'continued';
    if (last?.type === 'client_tool_call' && last.status === 'completed') reply = `tool output: ${JSON.stringify(last.output ?? null)}`;
    else if (last?.type === 'structured_input') reply = `answers: ${JSON.stringify(last.inputs.map((input) => input.answer ?? null))}`;
    yield* streamAssistantMessage(thread, ctx, wordChunks(reply));
  }
}

async function* slowDeltas(n: number, signal: AbortSignal): AsyncGenerator<string> {
  for (let i = 1; i <= n; i++) {
    if (i > 1) await sleep(SLOW_DELTA_MS, signal);
    if (signal.aborted) return;
    yield `${i} `;
  }
}

function parseJson(text: string, usage: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new CustomStreamError(`echo: expected ${usage}`);
  }
}

function lastVisible(items: ThreadItem[]): ThreadItem | undefined {
  for (let i = items.length - 1; i >= 0; i--) {
    const item = items[i]!;
    if (item.type !== 'hidden_context_item' && item.type !== 'sdk_hidden_context') return item;
  }
  return undefined;
}
