/**
 * The client's IP for per-IP limits, from what the runtime says about the connection:
 * Node (@hono/node-server's socket), Bun and Deno (Hono's `getConnInfo` helpers), Cloudflare
 * Workers (`CF-Connecting-IP`, which Cloudflare's edge sets and overwrites). `X-Forwarded-For` is
 * a header anyone can send, so it is read only when the operator says a proxy they control sits
 * in front. When no address can be known the answer is `undefined`: the caller must then skip the
 * per-IP check rather than put every client into one shared bucket.
 */
import type { Context } from 'hono';
import { getConnInfo as nodeConnInfo } from '@hono/node-server/conninfo';

/**
 * `false` (default): the connection's address. `true` or `n`: there are `n` (1 for `true`)
 * trusted proxies in front, so the client is the `n`-th address from the right of `X-Forwarded-For`.
 */
export type TrustProxy = boolean | number;

/** The runtime the app runs on, as far as the client address is concerned. */
export type Runtime = 'node' | 'bun' | 'deno' | 'workerd' | 'unknown';

export function detectRuntime(): Runtime {
  const g = globalThis as { Bun?: unknown; Deno?: unknown; navigator?: { userAgent?: string }; process?: { versions?: { node?: string } } };
  if (g.Bun !== undefined) return 'bun';
  if (g.Deno !== undefined) return 'deno';
  if (g.navigator?.userAgent === 'Cloudflare-Workers') return 'workerd';
  if (g.process?.versions?.node !== undefined) return 'node';
  return 'unknown';
}

type ConnInfoOf = (c: Context) => { remote: { address?: string } };

/**
 * Hono's helper for the runtime, loaded only there. The specifier is not a literal on purpose:
 * `hono/bun` and `hono/deno` also carry static-file helpers that import `node:path`, which a
 * Workers bundle cannot resolve, so bundlers must not follow these imports.
 */
async function runtimeHelper(runtime: Runtime): Promise<ConnInfoOf | undefined> {
  const specifier = runtime === 'bun' ? 'hono/bun' : runtime === 'deno' ? 'hono/deno' : undefined;
  if (!specifier) return undefined;
  const helper = (await import(/* @vite-ignore */ specifier)) as { getConnInfo?: ConnInfoOf };
  return helper.getConnInfo;
}

export interface ClientAddress {
  /** The client's IP, or `undefined` when it cannot be known for this request. */
  (c: Context): Promise<string | undefined>;
  readonly runtime: Runtime;
}

/** Reads client IPs on the runtime the app runs on. */
export function clientAddress(trustProxy: TrustProxy = false, runtime: Runtime = detectRuntime()): ClientAddress {
  const hops = trustProxy === true ? 1 : trustProxy === false ? 0 : Math.max(0, Math.floor(trustProxy));
  let helper: Promise<ConnInfoOf | undefined> | undefined;
  const read = async (c: Context): Promise<string | undefined> => {
    if (hops > 0) {
      const forwarded = forwardedFor(c, hops);
      if (forwarded) return forwarded;
    }
    switch (runtime) {
      case 'workerd':
        return valid(c.req.header('cf-connecting-ip'));
      case 'bun':
      case 'deno': {
        const connInfo = await (helper ??= runtimeHelper(runtime).catch(() => undefined));
        return valid(attempt(() => connInfo?.(c).remote.address));
      }
      default:
        // Node under @hono/node-server; anything else (app.request() in tests) has no socket.
        return valid(attempt(() => nodeConnInfo(c).remote.address));
    }
  };
  return Object.assign(read, { runtime });
}

/** The client IP (see {@link clientAddress}), or `undefined` when it cannot be known. */
export function clientIp(c: Context, trustProxy: TrustProxy = false): Promise<string | undefined> {
  return clientAddress(trustProxy)(c);
}

function forwardedFor(c: Context, hops: number): string | undefined {
  const forwarded = (c.req.header('x-forwarded-for') ?? '')
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part.length > 0 && part.length <= 64);
  return forwarded[forwarded.length - hops];
}

function attempt<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch {
    // No connection info here (e.g. no `env` from the runtime's server).
    return undefined;
  }
}

const valid = (address: string | undefined): string | undefined =>
  typeof address === 'string' && address.length > 0 && address.length <= 64 ? address : undefined;

/**
 * The bucket key for per-IP limits. An IPv6 client usually owns a whole /64 (rotating through
 * 2^64 addresses is free), so IPv6 addresses are limited per /64 prefix; IPv4-mapped IPv6
 * addresses count as their IPv4 address.
 */
export function rateLimitKey(ip: string): string {
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(ip);
  if (mapped) return mapped[1]!;
  if (!ip.includes(':')) return ip;
  const groups = expandIpv6(ip.split('%')[0]!);
  return groups ? `${groups.slice(0, 4).join(':')}::/64` : ip;
}

/** Eight 16-bit groups as lowercase hex without leading zeros, or undefined when not IPv6. */
function expandIpv6(ip: string): string[] | undefined {
  const halves = ip.toLowerCase().split('::');
  if (halves.length > 2) return undefined;
  const head = halves[0] ? halves[0].split(':') : [];
  const tail = halves.length === 2 && halves[1] ? halves[1].split(':') : [];
  // An embedded IPv4 tail (::1.2.3.4) is two groups.
  const last = tail.length ? tail : head;
  if (last.length && last[last.length - 1]!.includes('.')) {
    const v4 = last.pop()!.split('.').map(Number);
    if (v4.length !== 4 || v4.some((n) => !Number.isInteger(n) || n < 0 || n > 255)) return undefined;
    last.push(((v4[0]! << 8) | v4[1]!).toString(16), ((v4[2]! << 8) | v4[3]!).toString(16));
  }
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const groups = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...tail];
  if (!groups.every((g) => /^[0-9a-f]{1,4}$/.test(g))) return undefined;
  return groups.map((g) => parseInt(g, 16).toString(16));
}
