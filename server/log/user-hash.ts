/**
 * Log lines name users by a keyed hash, never by id: an operator can follow one user's
 * requests, but an id (possibly an email from `identify`) cannot be read back or brute-forced
 * without the server secret.
 */
import { encodeBase64Url } from '../lib/base64url.js';
import { secretBytes, type SecretSource } from '../lib/secret-source.js';

export type UserHasher = (userId: string) => Promise<string>;

const CACHE_LIMIT = 10_000;

/** `secret` may be lazy: nothing is generated or imported until the first hash (inside a request). */
export function createUserHasher(secret: SecretSource): UserHasher {
  let imported: Promise<CryptoKey> | undefined;
  const keyOf = (): Promise<CryptoKey> =>
    (imported ??= crypto.subtle.importKey('raw', new Uint8Array(secretBytes(secret)), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']));
  const encoder = new TextEncoder();
  const cache = new Map<string, string>();
  return async (userId) => {
    const hit = cache.get(userId);
    if (hit !== undefined) return hit;
    const mac = new Uint8Array(await crypto.subtle.sign('HMAC', await keyOf(), encoder.encode(`user:${userId}`)));
    const hash = `u_${encodeBase64Url(mac.subarray(0, 12))}`;
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(userId, hash);
    return hash;
  };
}
