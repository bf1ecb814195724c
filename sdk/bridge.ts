/**
 * What the AI asks of the page, handled the same way by both renderers: `client_effect`
 * events and client tool calls. Every command is validated against the contract before the
 * host sees it; invalid data only ever reaches the host as a `chart-command-error`.
 */
import { parseChartCommand, type ChartContext } from './contract/index.js';
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
  if (name === 'chart_command') applyCommand(host, data);
  else fire(host, 'chart-chat-effect', { name, data });
}

/** Runs a client tool; always answers a plain JSON object (never undefined, never throws). */
export function runClientTool(host: BridgeHost, name: string, params: unknown): ToolResult {
  switch (name) {
    case 'get_chart_context':
      return host.validContext() ?? { error: 'no chart context on this page' };
    case 'apply_chart_command':
      return applyCommand(host, params);
    default:
      return { error: `unknown client tool ${name}` };
  }
}
