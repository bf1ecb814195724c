/**
 * The per-user daily token budget. Before each model call the request's estimated input tokens
 * are reserved on the user's counter for the UTC day (one atomic add that refuses past the
 * limit, shared by every instance through the Store); after the call the reservation is settled
 * to what the upstream reports it used (`response.completed` usage), or to the estimate of input
 * plus output when it reports nothing. A failed call keeps its reservation: the upstream may
 * have read the input. When the budget is spent the turn ends with an `error` event
 * `daily_token_budget` before anything is sent upstream.
 */
import * as v from 'valibot';
import { StreamError } from '../../chatkit/errors.js';
import { usageDay, type UsageCounters } from '../../store/usage.js';

export const DAILY_BUDGET_CODE = 'daily_token_budget';

export class DailyTokenBudget {
  readonly #counters: UsageCounters;
  readonly #key: string;
  readonly #limit: number;
  readonly #day = usageDay();

  constructor(counters: UsageCounters, user: string, limit: number) {
    this.#counters = counters;
    this.#key = `tokens:${user}`;
    this.#limit = limit;
  }

  /** Reserves `tokens` for one model call, or throws the `daily_token_budget` stream error. */
  async reserve(tokens: number): Promise<number> {
    const { added } = await this.#counters.add(this.#key, this.#day, tokens, this.#limit);
    if (!added) {
      throw new StreamError(
        DAILY_BUDGET_CODE,
        false,
        `You have used today's AI budget (${this.#limit.toLocaleString('en-US')} tokens). It renews at 00:00 UTC.`,
      );
    }
    return tokens;
  }

  /** Replaces a reservation by what the call really used (more or less). */
  async settle(reserved: number, used: number): Promise<void> {
    const difference = Math.round(used) - reserved;
    if (difference !== 0) await this.#counters.add(this.#key, this.#day, difference);
  }
}

/** The usage an upstream reports is model output too: whole, non-negative counts, or it is not used. */
const Count = v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(1e9));
const ReportedUsage = v.object({ input_tokens: Count, output_tokens: Count });

/** Input plus output tokens from a `response.completed` usage, or undefined when it is absent or malformed. */
export function reportedTokens(usage: unknown): number | undefined {
  const parsed = v.safeParse(ReportedUsage, usage);
  return parsed.success ? parsed.output.input_tokens + parsed.output.output_tokens : undefined;
}
