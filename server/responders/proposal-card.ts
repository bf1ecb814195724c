/**
 * Proposal cards for ChatKit pages in confirm mode (`metadata.chart_client`: `apply: "confirm"`,
 * `ui: "chatkit"`): after a turn that sent chart commands, a ChatKit widget (a Card) lists them with
 * Apply and Dismiss buttons. Their actions are client-handled (`chart_proposal`, payload
 * `{decision, commands}`): ChatKit hands them to the element's `widgets.onAction`, which applies or
 * dismisses the proposal and reports the outcomes. The lite UI draws its own card, so it gets none.
 * Wraps any responder.
 */
import { APPLY_COMMANDS_TOOL, CHART_COMMAND_EFFECT, parseChartCommand, type ChartCommand } from '../../sdk/contract/index.js';
import type { Responder, ResponderContext } from '../chatkit/responder.js';
import type { ThreadItem, ThreadMetadata, ThreadStreamEvent, UserMessageItem } from '../wire/types.js';

/** The drawing/navigation commands of the newest `apply_chart_commands` call the page answered "proposed". */
function proposedByClientTool(history: readonly ThreadItem[]): ChartCommand[] {
  const call = [...history].reverse().find((i) => i.type === 'client_tool_call' && i.name === APPLY_COMMANDS_TOOL);
  if (call?.type !== 'client_tool_call' || call.status !== 'completed') return [];
  const commands = (call.arguments as { commands?: unknown[] }).commands ?? [];
  const outcomes = (call.output as { outcomes?: { status?: unknown }[] } | null)?.outcomes ?? [];
  return commands.flatMap((c, i) => {
    const parsed = parseChartCommand(c);
    return parsed.success && outcomes[i]?.status === 'proposed' ? [parsed.output] : [];
  });
}

const label = (c: ChartCommand) =>
  c.type === 'price_line'
    ? `${c.role} ${c.price}${c.label ? ` (${c.label})` : ''}`
    : `${c.type.replace(/_/g, ' ')}${'id' in c ? ` ${c.id}` : ''}`;

/** The card: one line per command, then Apply and Dismiss. */
export function proposalCard(commands: ChartCommand[]): Record<string, unknown> {
  const button = (text: string, decision: 'apply' | 'dismiss', style: 'primary' | 'secondary') => ({
    type: 'Button',
    label: text,
    style,
    onClickAction: { type: 'chart_proposal', payload: { decision, commands }, handler: 'client' },
  });
  return {
    type: 'Card',
    children: [
      { type: 'Text', value: 'Proposed on the chart', weight: 'semibold' },
      ...commands.map((c) => ({ type: 'Text', value: label(c), size: 'sm' })),
      { type: 'Row', gap: 2, children: [button('Apply', 'apply', 'primary'), button('Dismiss', 'dismiss', 'secondary')] },
    ],
  };
}

export function withProposalCards(responder: Responder): Responder {
  return {
    ...(responder.secrets ? { secrets: responder.secrets } : {}),
    respond(thread: ThreadMetadata, input: UserMessageItem | null, ctx: ResponderContext): AsyncIterable<ThreadStreamEvent> {
      const client = ctx.chartClient;
      // Other pages get the responder's own stream: no extra layer on every event.
      if (client?.apply !== 'confirm' || client.ui !== 'chatkit') return responder.respond(thread, input, ctx);
      return withCard(responder, thread, input, ctx);
    },
  };
}

/** The responder's events, then the card for the commands they sent. */
async function* withCard(responder: Responder, thread: ThreadMetadata, input: UserMessageItem | null, ctx: ResponderContext): AsyncGenerator<ThreadStreamEvent> {
  const commands: ChartCommand[] = input ? [] : proposedByClientTool(await ctx.history());
  let endsOnToolCall = false;
  for await (const event of responder.respond(thread, input, ctx)) {
    if (event.type === 'client_effect' && event.name === CHART_COMMAND_EFFECT) {
      const parsed = parseChartCommand(event.data);
      if (parsed.success) commands.push(parsed.output);
    }
    endsOnToolCall = event.type === 'thread.item.done' && event.item.type === 'client_tool_call' && event.item.status === 'pending';
    yield event;
  }
  // A turn that ends on a client tool call continues; its card comes with the continuation.
  if (endsOnToolCall || commands.length === 0 || ctx.signal.aborted) return;
  yield {
    type: 'thread.item.done',
    item: { type: 'widget', id: ctx.newItemId('widget'), thread_id: thread.id, created_at: ctx.now(), widget: proposalCard(commands) },
  };
}
