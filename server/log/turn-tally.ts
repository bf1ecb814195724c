/**
 * Tallies what an operator wants per response turn from the typed events the protocol core
 * publishes (see server/chatkit/observer.ts): the thread, how many chart commands and tool calls
 * went out, and the error code if the turn failed.
 */
import { CHART_COMMAND_EFFECT } from '../../sdk/contract/index.js';
import type { ThreadStreamEvent } from '../wire/types.js';

export interface TurnStats {
  threadId?: string;
  events: number;
  chartCommands: number;
  toolCalls: number;
  errorCode?: string;
  /** Milliseconds from the start of the request to the stream's first event. */
  firstEventMs?: number;
  /** The chart commands themselves, kept only when asked (debug level). */
  commands?: unknown[];
}

export class TurnTally {
  readonly stats: TurnStats = { events: 0, chartCommands: 0, toolCalls: 0 };
  readonly #started: number;

  constructor(options: { keepCommands?: boolean; started?: number } = {}) {
    this.#started = options.started ?? performance.now();
    if (options.keepCommands) this.stats.commands = [];
  }

  push(event: ThreadStreamEvent): void {
    const stats = this.stats;
    stats.events++;
    stats.firstEventMs ??= Math.round(performance.now() - this.#started);
    switch (event.type) {
      case 'thread.created':
      case 'thread.updated':
        stats.threadId ??= event.thread.id;
        break;
      case 'client_effect':
        if (event.name === CHART_COMMAND_EFFECT) {
          stats.chartCommands++;
          stats.commands?.push(event.data);
        }
        break;
      case 'thread.item.done':
        if (event.item.type === 'client_tool_call') stats.toolCalls++;
        break;
      case 'thread.item.updated':
        if (event.update.type === 'workflow.task.added') stats.toolCalls++;
        break;
      case 'error':
        stats.errorCode ??= typeof event.code === 'string' ? event.code : 'custom';
        break;
      default:
        break;
    }
  }
}
