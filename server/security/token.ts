/**
 * Short-lived signed client tokens: `cc1.<payload>.<signature>`, both parts base64url, the
 * signature an HMAC-SHA256 of `cc1.<payload>` under the server secret. The payload names the
 * user or device the token speaks for, so threads can be scoped to it without server state.
 *
 * Web Crypto only (no `node:crypto`): `crypto.subtle.verify` compares in constant time and the
 * module runs wherever Hono does.
 */
import * as v from 'valibot';
import { decodeBase64Url, decodeTextBase64Url, encodeBase64Url, encodeTextBase64Url } from '../lib/base64url.js';
import { secretBytes, type SecretSource } from '../lib/secret-source.js';

const PREFIX = 'cc1';
const VERSION = 1;
/** Far above any real token; caps the work an attacker can make us do per request. */
export const MAX_TOKEN_LENGTH = 2048;
export const DEFAULT_TOKEN_TTL_SECONDS = 15 * 60;
/** Authentic tokens remembered (each is under 300 bytes, so this stays around a few MB at most). */
const VERIFIED_CACHE_LIMIT = 10_000;

const ClaimsSchema = v.strictObject({
  v: v.literal(VERSION),
  sub: v.pipe(v.string(), v.minLength(1), v.maxLength(256)),
  iat: v.pipe(v.number(), v.integer(), v.minValue(0)),
  exp: v.pipe(v.number(), v.integer(), v.minValue(0)),
  /** When the session this token continues was first minted: refreshes keep it, so chains end. */
  auth: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0))),
});

/** What a verified token says. `sub` is the user or device id; times are unix seconds. */
export type TokenClaims = v.InferOutput<typeof ClaimsSchema>;

export type TokenFailure = 'malformed' | 'bad_signature' | 'expired';

export type TokenCheck =
  | { readonly ok: true; readonly claims: TokenClaims }
  | { readonly ok: false; readonly reason: TokenFailure; /** Present for `expired`: authentic but old. */ readonly claims?: TokenClaims };

export interface IssuedToken {
  readonly token: string;
  /** Unix seconds. */
  readonly expiresAt: number;
  readonly claims: TokenClaims;
}

export interface TokenSignerOptions {
  /** The HMAC key: at least 32 bytes of secret material (a lazy source is read on first use). */
  readonly secret: SecretSource;
  /** Lifetime of a new token (default 15 minutes). */
  readonly ttlSeconds?: number;
  /** Clock in unix milliseconds (tests). */
  readonly now?: () => number;
}

export interface TokenSigner {
  readonly ttlSeconds: number;
  /** @param auth the first mint of the session this token continues (default: now). */
  issue(sub: string, auth?: number): Promise<IssuedToken>;
  verify(token: string): Promise<TokenCheck>;
}

export function createTokenSigner(options: TokenSignerOptions): TokenSigner {
  const checked = (bytes: Uint8Array): Uint8Array => {
    if (bytes.byteLength < 32) throw new Error('token secret must be at least 32 bytes');
    return bytes;
  };
  if (typeof options.secret !== 'function') checked(options.secret);
  const ttlSeconds = options.ttlSeconds ?? DEFAULT_TOKEN_TTL_SECONDS;
  if (!Number.isInteger(ttlSeconds) || ttlSeconds <= 0) throw new Error('token ttlSeconds must be a positive integer');
  const now = options.now ?? Date.now;
  // Imported on first use: nothing cryptographic runs while the app is being built (Workers' global scope).
  let imported: Promise<CryptoKey> | undefined;
  const keyOf = (): Promise<CryptoKey> =>
    (imported ??= crypto.subtle.importKey('raw', new Uint8Array(checked(secretBytes(options.secret))), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']));
  const encoder = new TextEncoder();
  // A client sends the same token with every request: remember tokens already proven authentic
  // (exact string → claims) so most requests skip the HMAC. Expiry is still checked every time.
  const verified = new Map<string, TokenClaims>();

  return {
    ttlSeconds,
    async issue(sub, auth) {
      const iat = nowSeconds(now);
      const claims = v.parse(ClaimsSchema, { v: VERSION, sub, iat, exp: iat + ttlSeconds, auth: auth ?? iat });
      const signed = `${PREFIX}.${encodeTextBase64Url(JSON.stringify(claims))}`;
      const signature = new Uint8Array(await crypto.subtle.sign('HMAC', await keyOf(), encoder.encode(signed)));
      return { token: `${signed}.${encodeBase64Url(signature)}`, expiresAt: claims.exp, claims };
    },
    async verify(token) {
      if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH) return { ok: false, reason: 'malformed' };
      const known = verified.get(token);
      if (known) {
        if (known.exp > nowSeconds(now)) return { ok: true, claims: known };
        verified.delete(token);
        return { ok: false, reason: 'expired', claims: known };
      }
      const parts = token.split('.');
      if (parts.length !== 3 || parts[0] !== PREFIX) return { ok: false, reason: 'malformed' };
      const [, payload = '', signaturePart = ''] = parts;
      const signature = decodeBase64Url(signaturePart);
      if (!signature || signature.byteLength !== 32) return { ok: false, reason: 'malformed' };
      // Check the signature before looking inside: unauthenticated bytes are never parsed.
      const authentic = await crypto.subtle.verify('HMAC', await keyOf(), signature, encoder.encode(`${PREFIX}.${payload}`));
      if (!authentic) return { ok: false, reason: 'bad_signature' };
      const json = decodeTextBase64Url(payload);
      if (json === undefined) return { ok: false, reason: 'malformed' };
      let parsed: unknown;
      try {
        parsed = JSON.parse(json);
      } catch {
        return { ok: false, reason: 'malformed' };
      }
      const claims = v.safeParse(ClaimsSchema, parsed);
      if (!claims.success || claims.output.exp <= claims.output.iat) return { ok: false, reason: 'malformed' };
      if (claims.output.exp <= nowSeconds(now)) return { ok: false, reason: 'expired', claims: claims.output };
      if (verified.size >= VERIFIED_CACHE_LIMIT) verified.clear();
      verified.set(token, claims.output);
      return { ok: true, claims: claims.output };
    },
  };
}

function nowSeconds(now: () => number): number {
  return Math.floor(now() / 1000);
}
