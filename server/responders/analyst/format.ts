/** Number and date formatting for the analyst's answers (fixed, locale-free, deterministic). */

/** 1234.5 → "1,234.50"; small prices keep more decimals (0.012345 → "0.012345"). */
export function formatPrice(price: number): string {
  const decimals = price >= 1 ? 2 : price >= 0.01 ? 4 : 6;
  const [whole, fraction] = price.toFixed(decimals).split('.');
  return `${whole!.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}${fraction ? `.${fraction}` : ''}`;
}

/** 3.21 → "+3.2%", -0.04 → "-0.0%". */
export function formatPercent(percent: number): string {
  return `${percent >= 0 ? '+' : ''}${percent.toFixed(1)}%`;
}

/** A bar time as a UTC date, with the time of day on intraday timeframes. */
export function formatTime(seconds: number, timeframe: string): string {
  const iso = new Date(seconds * 1000).toISOString();
  return /^\d*[smhH]$/.test(timeframe) ? `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC` : iso.slice(0, 10);
}

/** ["a", "b", "c"] → "a, b and c". */
export function joinWords(words: readonly string[]): string {
  if (words.length <= 1) return words[0] ?? '';
  return `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]}`;
}

export function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`;
}
