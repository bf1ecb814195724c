/**
 * The device cookie: what binds a browser to its session identity. It is set only by the
 * session route, HttpOnly (page scripts, and so XSS, cannot read it), Secure on https, and
 * signed with a key derived from the server secret for this one purpose (a bearer token is
 * never a valid cookie, nor the reverse). Same-origin pages get `SameSite=Strict`; an element
 * embedded on another site gets `SameSite=None; Secure; Partitioned` (CHIPS): the cookie is
 * kept per top-level site, so it works in third-party contexts without becoming a tracker.
 */
import type { Context } from 'hono';
import { getCookie } from 'hono/cookie';
import { secretBytes, type SecretSource } from '../lib/secret-source.js';
import { createTokenSigner, type TokenSigner } from '../security/token.js';

export const DEVICE_COOKIE = 'chart_chat_device';
export const DEFAULT_DEVICE_COOKIE_SECONDS = 30 * 24 * 3600;

export interface DeviceCookies {
  readonly signer: TokenSigner;
  readonly maxAgeSeconds: number;
}

export function deviceCookies(secret: SecretSource, maxAgeSeconds = DEFAULT_DEVICE_COOKIE_SECONDS): DeviceCookies {
  // Domain separation: the cookie key is the secret plus a purpose label, so it differs from the
  // token key. Lazy, like the secret itself (no random values at module scope on Workers).
  const purpose = new TextEncoder().encode('|chart-chat device cookie v1');
  const key = () => {
    const bytes = secretBytes(secret);
    const joined = new Uint8Array(bytes.byteLength + purpose.byteLength);
    joined.set(bytes);
    joined.set(purpose, bytes.byteLength);
    return joined;
  };
  return { signer: createTokenSigner({ secret: key, ttlSeconds: maxAgeSeconds }), maxAgeSeconds };
}

/** The device user the request's cookie proves, if it is authentic and unexpired. */
export async function readDeviceCookie(c: Context, devices: DeviceCookies): Promise<string | undefined> {
  const value = getCookie(c, DEVICE_COOKIE);
  if (!value) return undefined;
  const check = await devices.signer.verify(value);
  return check.ok ? check.claims.sub : undefined;
}

/** A `Set-Cookie` value for this request's context (same-origin or embedded cross-site). */
export async function deviceCookieHeader(c: Context, devices: DeviceCookies, user: string): Promise<string> {
  const { token } = await devices.signer.issue(user);
  const https = new URL(c.req.url).protocol === 'https:' || c.req.header('x-forwarded-proto') === 'https';
  const parts = [`${DEVICE_COOKIE}=${token}`, 'Path=/', `Max-Age=${devices.maxAgeSeconds}`, 'HttpOnly'];
  if (isCrossOrigin(c)) parts.push('Secure', 'SameSite=None', 'Partitioned');
  else parts.push(...(https ? ['Secure'] : []), 'SameSite=Strict');
  return parts.join('; ');
}

function isCrossOrigin(c: Context): boolean {
  const origin = c.req.header('origin');
  if (origin === undefined) return false;
  try {
    return new URL(origin).host !== new URL(c.req.url).host;
  } catch {
    return true;
  }
}
