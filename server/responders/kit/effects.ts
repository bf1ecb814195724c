/** The `client_effect` that carries one chart command to the browser. */
import type { ChartCommand } from '../../../sdk/contract/index.js';
import type { ThreadStreamEvent } from '../../wire/types.js';

/** The `client_effect` name the element listens for; `data` is one validated `ChartCommand`. */
export const CHART_COMMAND_EFFECT = 'chart_command';

/** The event that sends one (already validated) command to the browser. */
export function chartCommandEffect(command: ChartCommand): ThreadStreamEvent {
  return { type: 'client_effect', name: CHART_COMMAND_EFFECT, data: command as unknown as Record<string, unknown> };
}
