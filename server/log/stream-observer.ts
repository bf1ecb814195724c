/**
 * Reads a ChatKit SSE stream as it passes (never changing a byte) and tallies what an operator
 * wants per response turn: the thread, how many chart commands and tool calls went out, and
 * the error code if the turn failed.
 */
import { CHART_COMMAND_EFFECT } from '../../sdk/contract/index.js';

export interface TurnStats {
  threadId?: string;
  events: number;
  chartCommands: number;
  toolCalls: number;
  errorCode?: string;
  /** Milliseconds from the start of the stream to its first event. */
  firstEventMs?: number;
  /** The chart commands themselves, kept only when asked (debug level). */
  commands?: unknown[];
}

const DECODER_OPTIONS = { stream: true } as const;
/** One event bigger than this is not ours; stop parsing rather than buffer without bound. */
const MAX_EVENT_CHARS = 1 << 20;

export class StreamObserver {
  readonly stats: TurnStats = { events: 0, chartCommands: 0, toolCalls: 0 };
  readonly #decoder = new TextDecoder();
  readonly #started = performance.now();
  readonly #keepCommands: boolean;
  #buffer = '';
  #gaveUp = false;

  constructor(options: { keepCommands?: boolean } = {}) {
    this.#keepCommands = options.keepCommands ?? false;
    if (this.#keepCommands) this.stats.commands = [];
  }

  push(bytes: Uint8Array): void {
    if (this.#gaveUp) return;
    this.#buffer += this.#decoder.decode(bytes, DECODER_OPTIONS);
    let end: number;
    while ((end = this.#buffer.indexOf('\n\n')) >= 0) {
      const frame = this.#buffer.slice(0, end);
      this.#buffer = this.#buffer.slice(end + 2);
      this.#frame(frame);
    }
    if (this.#buffer.length > MAX_EVENT_CHARS) {
      this.#gaveUp = true;
      this.#buffer = '';
    }
  }

  #frame(frame: string): void {
    const data = frame
      .split('\n')
      .filter((line) => line.startsWith('data:'))
      .map((line) => line.slice(line.startsWith('data: ') ? 6 : 5))
      .join('\n');
    if (data === '') return;
    let event: unknown;
    try {
      event = JSON.parse(data);
    } catch {
      return;
    }
    if (!isRecord(event)) return;
    this.stats.events++;
    this.stats.firstEventMs ??= Math.round(performance.now() - this.#started);
    switch (event['type']) {
      case 'thread.created':
      case 'thread.updated': {
        const thread = event['thread'];
        if (isRecord(thread) && typeof thread['id'] === 'string') this.stats.threadId ??= thread['id'];
        break;
      }
      case 'client_effect':
        if (event['name'] === CHART_COMMAND_EFFECT) {
          this.stats.chartCommands++;
          this.stats.commands?.push(event['data']);
        }
        break;
      case 'thread.item.done': {
        const item = event['item'];
        if (isRecord(item) && item['type'] === 'client_tool_call') this.stats.toolCalls++;
        break;
      }
      case 'thread.item.updated': {
        const update = event['update'];
        if (isRecord(update) && update['type'] === 'workflow.task.added') this.stats.toolCalls++;
        break;
      }
      case 'error':
        this.stats.errorCode ??= typeof event['code'] === 'string' ? event['code'] : 'custom';
        break;
    }
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
