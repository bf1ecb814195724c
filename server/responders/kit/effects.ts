import type { ChartCommand } from '../../../sdk/contract/index.js';
import type { ThreadStreamEvent, UserMessageItem } from '../../wire/types.js';

/** The `client_effect` name the element listens for; `data` is one validated `ChartCommand`. */
export const CHART_COMMAND_EFFECT = 'chart_command';

/** The event that sends one (already validated) command to the browser. */
export function chartCommandEffect(command: ChartCommand): ThreadStreamEvent {
  return { type: 'client_effect', name: CHART_COMMAND_EFFECT, data: command as unknown as Record<string, unknown> };
}

/** The plain text of a user message (input_text parts, and tags by their text). */
export function userMessageText(item: UserMessageItem): string {
  return item.content.map((part) => part.text).join(' ').trim();
}

/** A thread title from the first user message: its first line, at most 40 characters. */
export function titleFrom(text: string): string | undefined {
  const line = text.split('\n', 1)[0]!.trim().replace(/\s+/g, ' ');
  if (line === '') return undefined;
  return line.length <= 40 ? line : `${line.slice(0, 39).trimEnd()}…`;
}
