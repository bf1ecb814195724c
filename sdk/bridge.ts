/**
 * What the AI asks of the page, handled the same way by both renderers: `client_effect`
 * events, client tool calls and ChatKit widget actions. Commands go to the lazily loaded
 * command loop (`loop/command-loop.ts`), which validates them, answers each with an outcome
 * and dispatches `chart-command`; invalid data only ever reaches the host as a `chart-command-error`.
 */
import { CHART_COMMAND_EFFECT, CLIENT_TOOLS, type ChartContext } from './contract/index.js';
import { fire } from './events.js';
import type { CommandLoop, WidgetAction } from './loop/command-loop.js';

export interface BridgeHost extends HTMLElement {
  /** `allow`: without `read` the AI never sees the context. */
  readonly allow: string | undefined;
  validContext(): ChartContext | undefined;
  /** The command loop, loaded on first use. */
  loop(): Promise<CommandLoop>;
}

export type ToolResult = Record<string, unknown>;

/** A `client_effect` from the server: `chart_command` becomes a command, anything else `chart-chat-effect`. */
export function handleEffect(host: BridgeHost, name: string, data: unknown): void {
  if (name === CHART_COMMAND_EFFECT) void host.loop().then((loop) => loop.effect(data));
  else fire(host, 'chart-chat-effect', { name, data });
}

/** A ChatKit widget action (`widgets.onAction`): `chart_command` and `chart_proposal` reach the loop. */
export const handleAction = (host: BridgeHost, action: WidgetAction) => host.loop().then((loop) => loop.action(action));

/** A client tool handler the integrator supplies (ChatKit's `onClientTool` shape). */
export type ClientToolHandler = (call: { name: string; params: Record<string, unknown> }) => ToolResult | Promise<ToolResult>;

/**
 * Runs a client tool: the element's own, else the integrator's `other` handler. The element's
 * own always answer a plain JSON object (never undefined, never throw).
 */
export async function runClientTool(host: BridgeHost, name: string, params: unknown, other?: ClientToolHandler): Promise<ToolResult> {
  switch (name) {
    case CLIENT_TOOLS.getChartContext:
      return ((!host.allow || host.allow.includes('read')) && host.validContext()) || { error: 'no chart context on this page (or the page does not let the AI read it)' };
    case CLIENT_TOOLS.applyChartCommands:
      return (await host.loop()).batch(params);
    default:
      return other ? other({ name, params: params as Record<string, unknown> }) : { error: `unknown client tool ${name}` };
  }
}
