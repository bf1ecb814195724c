/**
 * Daily usage counters (e.g. model tokens per user per UTC day), shared by every instance on a
 * database store. `add` checks the limit and counts in one step, so instances racing for the
 * last of a budget cannot both pass it.
 */

export interface UsageAdd {
  /** Whether `amount` was counted. */
  added: boolean;
  /** The counter after this call (unchanged when refused). */
  used: number;
}

export interface UsageCounters {
  /**
   * Adds `amount` (whole units) to `key`'s counter for `day` (`YYYY-MM-DD`, UTC) unless the
   * total would pass `limit`. A negative amount (a refund of an over-estimate) is always
   * counted, never below 0. Without a limit, always counts.
   */
  add(key: string, day: string, amount: number, limit?: number): Promise<UsageAdd>;
  /** The counter (0 when nothing was counted). */
  get(key: string, day: string): Promise<number>;
}

/** The UTC day of a time, as counters key it. */
export const usageDay = (ms: number = Date.now()): string => new Date(ms).toISOString().slice(0, 10);

/** One process's counters (STORE=memory): the same semantics, without sharing. Only the newest day is kept. */
export class MemoryUsageCounters implements UsageCounters {
  #day = '';
  readonly #counts = new Map<string, number>();

  async add(key: string, day: string, amount: number, limit?: number): Promise<UsageAdd> {
    const counts = this.#on(day);
    if (!counts) return { added: false, used: 0 }; // a day already gone: nothing to count against
    const amountWhole = Math.round(amount);
    const used = counts.get(key) ?? 0;
    if (amountWhole > 0 && limit !== undefined && used + amountWhole > limit) return { added: false, used };
    const next = Math.max(0, used + amountWhole);
    counts.set(key, next);
    return { added: true, used: next };
  }

  async get(key: string, day: string): Promise<number> {
    return day === this.#day ? (this.#counts.get(key) ?? 0) : 0;
  }

  /** The counts of `day`, starting it afresh when it is newer than the kept one; undefined for an older day. */
  #on(day: string): Map<string, number> | undefined {
    if (day > this.#day) {
      this.#day = day;
      this.#counts.clear();
    }
    return day === this.#day ? this.#counts : undefined;
  }
}
