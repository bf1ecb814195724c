/**
 * Scrubs secrets out of anything about to be logged: known secret values (the OpenAI key, the
 * server secret), anything shaped like a bearer credential, an OpenAI key or one of our client
 * tokens, and every field whose name says it holds a credential.
 */

export const REDACTED = '[REDACTED]';

const SECRET_FIELD = /^(authorization|proxy-authorization|cookie|set-cookie|token|access_token|refresh_token|client_secret|api_?key|secret|password|x-api-key)$/i;

const SECRET_PATTERNS: readonly RegExp[] = [
  /\bBearer\s+[A-Za-z0-9._~+/=-]+/gi,
  /\bsk-[A-Za-z0-9_-]{6,}/g,
  /\bcc1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+/g,
  /\bek_[A-Za-z0-9_-]{6,}/g, // hosted ChatKit client secrets
];

export type Redactor = (value: unknown) => unknown;

/** A redactor that also removes the given literal secrets (empty strings are ignored). */
export function createRedactor(secrets: readonly (string | undefined)[] = []): Redactor {
  const literals = secrets.filter((s): s is string => typeof s === 'string' && s.length >= 4);
  const scrubText = (text: string): string => {
    let out = text;
    for (const literal of literals) out = out.split(literal).join(REDACTED);
    for (const pattern of SECRET_PATTERNS) out = out.replace(pattern, REDACTED);
    return out;
  };
  const walk = (value: unknown, depth: number): unknown => {
    if (typeof value === 'string') return scrubText(value);
    if (value === null || typeof value !== 'object') return value;
    if (depth > 8) return '[depth limit]';
    if (value instanceof Error) return { name: value.name, message: scrubText(value.message) };
    if (Array.isArray(value)) return value.map((item) => walk(item, depth + 1));
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      out[key] = SECRET_FIELD.test(key) && item !== undefined && item !== null ? REDACTED : walk(item, depth + 1);
    }
    return out;
  };
  return (value) => walk(value, 0);
}
