/**
 * One question about the chart, answered without a thread: the responder runs one turn on a
 * throwaway thread that is never stored, and its answer is collected as plain text plus the
 * chart commands it sent. For host buttons such as "Find levels" (`POST …/chart-action`).
 * Commands are re-validated against the contract here, exactly as the element does.
 */
import { APPLY_COMMANDS_TOOL, parseChartCommand, type ChartCommand, type ChartContext } from '../../sdk/contract/index.js';
import { CustomStreamError, StreamError } from '../chatkit/errors.js';
import { monotonicNow, newItemId, newThreadId } from '../chatkit/ids.js';
import { applyUpdate } from '../chatkit/pipeline.js';
import type { Responder, ResponderContext } from '../chatkit/responder.js';
import { CHART_COMMAND_EFFECT } from '../responders/kit/index.js';
import type { UsageCounters } from '../store/usage.js';
import type { AssistantMessageItem, ThreadMetadata, UserMessageItem } from '../wire/types.js';

export interface ChartActionInput {
  readonly query: string;
  readonly chartContext: ChartContext;
  /** Who asks (for the responder's budgets and logs); nothing is stored for them. */
  readonly user: string;
  readonly locale?: string;
  /** Aborted when the client goes away: the responder stops. */
  readonly signal: AbortSignal;
  /** The store's usage counters, so a chart action spends from the same daily budget as the chat. */
  readonly usage?: UsageCounters;
}

export interface ChartActionResult {
  /** The assistant's answer (several messages joined by a blank line). */
  text: string;
  /** The valid commands the responder sent, in order. */
  chart_commands: ChartCommand[];
}

/** Runs the turn; a responder failure is thrown as the `StreamError`/`CustomStreamError` it was. */
export async function runChartAction(responder: Responder, input: ChartActionInput): Promise<ChartActionResult> {
  const createdAt = monotonicNow();
  const thread: ThreadMetadata = { id: newThreadId(), owner: input.user, created_at: createdAt, status: { type: 'active' }, metadata: {} };
  const message: UserMessageItem = {
    type: 'user_message',
    id: newItemId('user_message'),
    thread_id: thread.id,
    created_at: createdAt,
    content: [{ type: 'input_text', text: input.query }],
    attachments: [],
    inference_options: {},
  };
  const ctx: ResponderContext = {
    user: input.user,
    chartContext: input.chartContext,
    ...(input.locale ? { locale: input.locale } : {}),
    ...(input.usage ? { usage: input.usage } : {}),
    signal: input.signal,
    history: async () => [structuredClone(message)],
    newItemId,
    now: monotonicNow,
  };

  const answers = new Map<string, AssistantMessageItem>(); // in the order they started
  const commands: ChartCommand[] = [];
  const accept = (data: unknown): void => {
    const parsed = parseChartCommand(data);
    if (parsed.success) commands.push(parsed.output); // invalid commands never reach the host
  };
  for await (const event of responder.respond(thread, message, ctx)) {
    if (input.signal.aborted) break;
    switch (event.type) {
      case 'thread.item.added':
      case 'thread.item.done':
      case 'thread.item.replaced':
        if (event.item.type === 'assistant_message') answers.set(event.item.id, structuredClone(event.item));
        // A batch handed to the page as a client tool: there is no page to answer it here, so
        // the commands are the answer (the turn ends on the pending call).
        if (event.item.type === 'client_tool_call' && event.item.name === APPLY_COMMANDS_TOOL) {
          const batch = event.item.arguments['commands'];
          for (const command of Array.isArray(batch) ? batch : []) accept(command);
        }
        break;
      case 'thread.item.updated': {
        const answer = answers.get(event.item_id);
        if (answer) applyUpdate(answer, event.update);
        break;
      }
      case 'client_effect': {
        if (event.name === CHART_COMMAND_EFFECT) accept(event.data);
        break;
      }
      case 'error':
        throw event.code === 'custom' ? new CustomStreamError(event.message ?? 'the assistant failed', event.allow_retry) : new StreamError(event.code, event.allow_retry);
      default:
        break; // progress, notices, thread updates and widgets have no place in a one-shot answer
    }
  }
  const text = [...answers.values()]
    .map((answer) => answer.content.map((part) => part.text).join(''))
    .filter((part) => part.trim() !== '')
    .join('\n\n');
  return { text, chart_commands: commands };
}
