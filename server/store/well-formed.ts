/**
 * PostgreSQL's `jsonb` refuses the NUL character and lone UTF-16 surrogate halves (a JS string
 * can hold both). Every engine stores the same cleaned JSON, so what a user reads back does not
 * depend on the engine: NUL and lone surrogates become U+FFFD.
 */

const SUSPECT = /[\0\uD800-\uDFFF]/;
const BAD = /\0|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export function wellFormedText(text: string): string {
  return SUSPECT.test(text) ? text.replace(BAD, '\uFFFD') : text;
}

/** JSON text of `value` with every string (keys included) made well-formed. */
export function wellFormedJson(value: unknown): string {
  const json = JSON.stringify(value);
  // JSON.stringify escapes NUL as \u0000 and lone surrogates as \udXXX: only then is there work to do.
  return /\\u(?:0000|d[89a-f])/i.test(json) ? JSON.stringify(value, cleanKeysAndStrings) : json;
}

function cleanKeysAndStrings(this: unknown, _key: string, value: unknown): unknown {
  if (typeof value === 'string') return wellFormedText(value);
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    let dirty = false;
    for (const key of Object.keys(value)) if (SUSPECT.test(key) && wellFormedText(key) !== key) dirty = true;
    if (dirty) return Object.fromEntries(Object.entries(value).map(([key, field]) => [wellFormedText(key), field]));
  }
  return value;
}

/** A deep copy with every string made well-formed (for stores that keep objects, not JSON). */
export function wellFormedCopy<T>(value: T): T {
  return JSON.parse(wellFormedJson(value)) as T;
}
