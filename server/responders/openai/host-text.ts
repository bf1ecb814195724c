/**
 * Host-controlled text on its way to the model (symbol, labels, drawing kinds and rationales,
 * indicator names and parameters, meta keys and values, the page's reasons for refusing a
 * command): whatever the page set is data, so it must not be able to look like anything else.
 * Removed: control characters (C0, C1, DEL), bidirectional embeddings, overrides, isolates and
 * marks (text that reads differently than it is stored), invisible characters (zero-width, word
 * joiner, BOM, soft hyphen, Hangul fillers, Unicode tag characters that smuggle hidden ASCII); line breaks become
 * spaces (a label is one line); runs of backticks or tildes shrink to one, so no code fence can
 * open or close. The data block itself is delimited in `context-block.ts`.
 */

// eslint-disable-next-line no-control-regex
const INVISIBLE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u00ad\u034f\u061c\u115f\u1160\u180e\u3164\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb\u{e0000}-\u{e007f}]/gu;
const LINE_BREAKS = /[\t\n\r\u2028\u2029]+/g;
const FENCES = /`{2,}|~{2,}/g;

/** Longest host string passed on; longer ones are cut (with an ellipsis). */
export const MAX_HOST_TEXT = 256;

/** One host string, cleaned and cut to `max` characters. */
export function cleanHostText(text: string, max = MAX_HOST_TEXT): string {
  const clean = text
    .replace(INVISIBLE, '')
    .replace(LINE_BREAKS, ' ')
    .replace(FENCES, (run) => run[0]!)
    .trim();
  if (clean.length <= max) return clean;
  // Cut on a code point boundary: never leave half a surrogate pair.
  let end = max - 1;
  if (/[\ud800-\udbff]/.test(clean[end - 1] ?? '')) end--;
  return `${clean.slice(0, end)}…`;
}

/** Nesting kept from host objects (meta); deeper values become a placeholder. */
const MAX_DEPTH = 6;

/**
 * Any host value (meta, a command outcome): every string and key cleaned, numbers kept when
 * finite, nesting bounded. Keys are cut shorter than values.
 */
export function cleanHostValue(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return cleanHostText(value);
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'boolean' || value === null) return value;
  if (depth >= MAX_DEPTH) return '[nested too deep]';
  if (Array.isArray(value)) return value.map((x) => cleanHostValue(x, depth + 1));
  if (typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, x] of Object.entries(value as Record<string, unknown>)) out[cleanHostText(key, 64)] = cleanHostValue(x, depth + 1);
    return out;
  }
  return null; // undefined, functions, bigints: nothing JSON would carry
}
