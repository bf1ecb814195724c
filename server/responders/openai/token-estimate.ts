/**
 * A cheap token estimate: ASCII characters / 4, rounded up, plus one token for every other
 * character. Characters / 4 is OpenAI's own rule of thumb for English; number-dense JSON (bars)
 * runs closer to 3 characters a token, so budgets built on it keep some headroom (see
 * `DEFAULT_INPUT_TOKEN_BUDGET`). Chinese, Japanese and most non-Latin scripts run near one token
 * per character, so those count one each (an accented letter is over-counted: the safe side).
 * No tokenizer is loaded: the estimate runs on every model call and must cost nothing next to it.
 */
export const CHARS_PER_TOKEN = 4;

// eslint-disable-next-line no-control-regex
const ASCII_ONLY = /^[\x00-\x7f]*$/;

export function estimateTokens(text: string): number {
  if (ASCII_ONLY.test(text)) return charsToTokens(text.length);
  let other = 0;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0x7f) other++;
  return charsToTokens(text.length - other) + other;
}

/** Tokens of `chars` ASCII characters. */
export function charsToTokens(chars: number): number {
  return Math.ceil(chars / CHARS_PER_TOKEN);
}

/** The longest start of `text` whose estimate is at most `tokens`. */
export function cutToTokens(text: string, tokens: number): string {
  let ascii = 0;
  let other = 0;
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) > 0x7f) other++;
    else ascii++;
    if (charsToTokens(ascii) + other > tokens) return text.slice(0, /[\ud800-\udbff]/.test(text[i - 1] ?? '') ? i - 1 : i);
  }
  return text;
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
