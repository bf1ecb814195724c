/**
 * A cheap token estimate: characters / 4, rounded up. That is OpenAI's own rule of thumb for
 * English; number-dense JSON (bars) runs closer to 3 characters a token, so budgets built on it
 * keep some headroom (see `DEFAULT_INPUT_TOKEN_BUDGET`). No tokenizer is loaded: the estimate runs
 * on every model call and must cost nothing next to it.
 */
export const CHARS_PER_TOKEN = 4;

export function estimateTokens(text: string): number {
  return charsToTokens(text.length);
}

export function charsToTokens(chars: number): number {
  return Math.ceil(chars / CHARS_PER_TOKEN);
}

/** The estimate for any JSON-serialisable value (what goes on the wire). */
export function estimateJsonTokens(value: unknown): number {
  return estimateTokens(JSON.stringify(value) ?? '');
}

const perObject = new WeakMap<object, number>();

/** The estimate for a list of long-lived objects (tool schemas), each measured once. */
export function estimateEachOnce(values: readonly object[]): number {
  let total = 0;
  for (const value of values) {
    let tokens = perObject.get(value);
    if (tokens === undefined) perObject.set(value, (tokens = estimateJsonTokens(value)));
    total += tokens;
  }
  return total;
}
