/**
 * What the AI asks of the page, handled the same way by both renderers: `client_effect`
 * events and client tool calls. Every command is validated against the contract before the
 * host sees it; invalid data only ever reaches the host as a `chart-command-error`.
 */
import { CHART_COMMAND_EFFECT, CLIENT_TOOLS, parseChartCommand, type ChartContext } from './contract/index.js';
import { ChartCommandErrorEvent, ChartCommandEvent, fire } from './events.js';

export interface BridgeHost extends HTMLElement {
  validContext(): ChartContext | undefined;
}

export type ToolResult = Record<string, unknown>;

/** Validates `data` as a command and dispatches it; the result is what a client tool reports. */
export function applyCommand(host: HTMLElement, data: unknown): ToolResult {
  const parsed = parseChartCommand(data);
  if (!parsed.success) {
    host.dispatchEvent(new ChartCommandErrorEvent({ message: parsed.message, data }));
    return { applied: false, reason: parsed.message };
  }
  return host.dispatchEvent(new ChartCommandEvent(parsed.output))
    ? { applied: true }
    : { applied: false, reason: 'rejected by host' };
}

/** A `client_effect` from the server: `chart_command` becomes a command, anything else `chart-chat-effect`. */
export function handleEffect(host: HTMLElement, name: string, data: unknown): void {
  if (name === CHART_COMMAND_EFFECT) applyCommand(host, data);
  else fire(host, 'chart-chat-effect', { name, data });
}

/** A client tool handler the integrator supplies (ChatKit's `onClientTool` shape). */
export type ClientToolHandler = (call: { name: string; params: Record<string, unknown> }) => ToolResult | Promise<ToolResult>;

/**
 * Runs a client tool: the element's own, else the integrator's `other` handler. The element's
 * own always answer a plain JSON object (never undefined, never throw).
 */
export function runClientTool(host: BridgeHost, name: string, params: unknown, other?: ClientToolHandler): ToolResult | Promise<ToolResult> {
  switch (name) {
    case CLIENT_TOOLS.getChartContext:
      return host.validContext() ?? { error: 'no chart context on this page' };
    case CLIENT_TOOLS.applyChartCommand:
      return applyCommand(host, params);
    default:
      return other ? other({ name, params: params as Record<string, unknown> }) : { error: `unknown client tool ${name}` };
  }
}
