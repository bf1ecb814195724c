/**
 * Log lines name users by a keyed hash, never by id: an operator can follow one user's
 * requests, but an id (possibly an email from `identify`) cannot be read back or brute-forced
 * without the server secret.
 */
import { encodeBase64Url } from '../lib/base64url.js';

export type UserHasher = (userId: string) => Promise<string>;

const CACHE_LIMIT = 10_000;

export function createUserHasher(secret: Uint8Array): UserHasher {
  const key = crypto.subtle.importKey('raw', new Uint8Array(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const encoder = new TextEncoder();
  const cache = new Map<string, string>();
  return async (userId) => {
    const hit = cache.get(userId);
    if (hit !== undefined) return hit;
    const mac = new Uint8Array(await crypto.subtle.sign('HMAC', await key, encoder.encode(`user:${userId}`)));
    const hash = `u_${encodeBase64Url(mac.subarray(0, 12))}`;
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(userId, hash);
    return hash;
  };
}
