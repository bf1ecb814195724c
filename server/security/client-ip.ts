/**
 * The client's IP for per-IP limits. From the socket by default; `X-Forwarded-For` is a header
 * anyone can send, so it is read only when the operator says a proxy they control sits in front.
 */
import type { Context } from 'hono';
import { getConnInfo } from '@hono/node-server/conninfo';

/**
 * `false` (default): the socket address. `true` or `n`: there are `n` (1 for `true`) trusted
 * proxies in front, so the client is the `n`-th address from the right of `X-Forwarded-For`.
 */
export type TrustProxy = boolean | number;

export function clientIp(c: Context, trustProxy: TrustProxy = false): string {
  const hops = trustProxy === true ? 1 : trustProxy === false ? 0 : Math.max(0, Math.floor(trustProxy));
  if (hops > 0) {
    const forwarded = (c.req.header('x-forwarded-for') ?? '')
      .split(',')
      .map((part) => part.trim())
      .filter((part) => part.length > 0 && part.length <= 64);
    const candidate = forwarded[forwarded.length - hops];
    if (candidate) return candidate;
  }
  return socketAddress(c) ?? 'unknown';
}

function socketAddress(c: Context): string | undefined {
  try {
    return getConnInfo(c).remote.address;
  } catch {
    // Not running under @hono/node-server (app.request() in tests, other runtimes).
    return undefined;
  }
}
