/**
 * Fits one model request into a token budget (estimated cheaply: token-estimate.ts).
 * The budget covers the whole request: instructions and tool schemas (fixed), the current turn
 * (the newest user message, what followed it, and this turn's tool rounds so far), the chart
 * context and the older history. In that order of priority:
 * - the current turn always goes: its user message (cut when too long for half the budget) and
 *   its newest part; a turn that goes on and on (the model draws, the page answers, again and
 *   again) loses its oldest parts first, in whole groups, past three quarters of the budget;
 * - the chart context gets up to half of what is left, at the most detailed level that fits;
 * - older history fills the rest, newest first; whole groups only (a call never loses its
 *   output), so it is trimmed oldest-first, and a note says something was left out.
 * Tool rounds within a turn re-send the fitted request: `previous_response_id` would need
 * `store: true` (the conversation kept upstream) and the local stand-in keeps nothing, so each
 * round is re-fitted instead, and its size stays within the same budget.
 */
import type { ResponseInputItem } from 'openai/resources/responses/responses';
import type { ChartContext } from '../../../sdk/contract/index.js';
import { chartContextRenderer } from './context-block.js';
import type { InputGroup } from './input.js';
import { cutToTokens, estimateJsonTokens } from './token-estimate.js';

/** The share of the room left after the current turn that the chart context may take. */
const CONTEXT_SHARE = 0.5;
/** The share of the budget (after the fixed part) the current turn may fill before its oldest parts go. */
const CURRENT_SHARE = 0.75;
/** What the "left out" note costs, reserved up front. */
const NOTE_TOKENS = 40;
export const CUT_NOTE = "\n[…the rest of this message was cut to fit the model's input budget]";

export interface FittedInput {
  input: ResponseInputItem[];
  /** Estimated tokens of the whole request (fixed part included). */
  tokens: number;
  /** Older groups left out. */
  dropped: number;
  contextTokens: number;
}

export interface InputFitter {
  /** The request input for a model round, given this turn's earlier rounds (calls and outputs). */
  fit(turn: readonly ResponseInputItem[]): FittedInput;
}

export function inputFitter(groups: readonly InputGroup[], chart: ChartContext | undefined, budgetTokens: number, fixedTokens: number): InputFitter {
  let lastUser = -1;
  groups.forEach((g, i) => {
    if (g.user) lastUser = i;
  });
  const older = lastUser >= 0 ? groups.slice(0, lastUser) : groups;
  const current = lastUser >= 0 ? [...groups.slice(lastUser)] : [];
  const room = Math.max(0, budgetTokens - fixedTokens);
  const render = chart ? chartContextRenderer(chart) : undefined;

  return {
    fit(turn) {
      const turnTokens = turn.length > 0 ? estimateJsonTokens(turn) : 0;
      const [head, ...rest] = cutUserMessage(current, room / 2);
      let currentTokens = turnTokens + (head?.tokens ?? 0) + rest.reduce((n, g) => n + g.tokens, 0);
      let from = 0;
      while (from < rest.length - 1 && currentTokens > room * CURRENT_SHARE) currentTokens -= rest[from++]!.tokens;
      const currentGroups = head ? [head, ...rest.slice(from)] : [];
      let left = room - currentTokens - NOTE_TOKENS;
      const context = render?.(Math.max(0, left * CONTEXT_SHARE));
      left -= context?.tokens ?? 0;
      let first = older.length;
      while (first > 0 && older[first - 1]!.tokens <= left) left -= older[--first]!.tokens;
      const kept = older.slice(first);
      const dropped = first + from;
      const input: ResponseInputItem[] = [
        ...(dropped > 0 ? [leftOutNote()] : []),
        ...kept.flatMap((g) => g.items),
        ...(context ? [context.item] : []),
        ...currentGroups.flatMap((g) => g.items),
        ...turn,
      ];
      return { input, tokens: fixedTokens + estimateJsonTokens(input), dropped, contextTokens: context?.tokens ?? 0 };
    },
  };
}

/** A server note, so the model knows the conversation started earlier than it sees. */
function leftOutNote(): ResponseInputItem {
  return { type: 'message', role: 'developer', content: 'Earlier parts of this conversation were left out to fit the input budget.' };
}

/** The current turn with its user message cut to `maxTokens` when it alone is longer (never below ~1,000 characters). */
function cutUserMessage(current: InputGroup[], maxTokens: number): InputGroup[] {
  const head = current[0];
  const message = head?.items[0];
  if (!head || head.tokens <= maxTokens || message?.type !== 'message' || typeof message.content !== 'string') return current;
  const content = cutToTokens(message.content, Math.max(256, maxTokens)) + CUT_NOTE;
  const items: ResponseInputItem[] = [{ ...message, content }];
  return [{ items, tokens: estimateJsonTokens(items), user: true }, ...current.slice(1)];
}
