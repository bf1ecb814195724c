/** The `client_effect` that carries one chart command to the browser. */
import { CHART_COMMAND_EFFECT, type ChartCommand } from '../../../sdk/contract/index.js';
import type { ThreadStreamEvent } from '../../wire/types.js';

export { CHART_COMMAND_EFFECT };

/** The event that sends one (already validated) command to the browser. */
export function chartCommandEffect(command: ChartCommand): ThreadStreamEvent {
  return { type: 'client_effect', name: CHART_COMMAND_EFFECT, data: command as unknown as Record<string, unknown> };
}
