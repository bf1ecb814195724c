/**
 * DNS rebinding guard: a page on `evil.example` whose name is re-pointed at this server would be
 * same-origin with it, and so pass CORS. Browsers always send the name they resolved as `Host`,
 * so requests for names that are not ours are refused (403 `host_not_allowed`) before anything
 * else runs. Allowed by default: local names (`localhost`, `*.localhost`) and IP literals (a
 * browser only sends an IP as Host when the page itself is on that IP, which rebinding cannot
 * fake). Anything else — your public name — is configured (`allowedHosts`, `ALLOWED_HOSTS`).
 */
import type { MiddlewareHandler } from 'hono';
import { errorResponse, RequestError } from '../wire/request-error.js';

/**
 * Exact host names (`chat.example.com`), or `.example.com` for the name and all its
 * subdomains; case-insensitive, ports ignored. `*` allows every host (behind a proxy that
 * checks Host itself).
 */
export type AllowedHosts = readonly string[];

export function hostCheck(allowed: AllowedHosts = []): MiddlewareHandler {
  const any = allowed.includes('*');
  const exact = new Set(allowed.filter((h) => !h.startsWith('.')).map((h) => h.toLowerCase()));
  const suffixes = allowed.filter((h) => h.startsWith('.')).map((h) => h.toLowerCase());
  const isAllowed = (host: string) =>
    any || isLocalName(host) || isIpLiteral(host) || exact.has(host) || suffixes.some((s) => host === s.slice(1) || host.endsWith(s));
  return async (c, next) => {
    const host = hostName(c.req.header('host') ?? new URL(c.req.url).host);
    if (host === undefined || !isAllowed(host)) {
      return errorResponse(new RequestError(403, 'host_not_allowed', 'This host name is not served here (see allowedHosts / ALLOWED_HOSTS).'));
    }
    await next();
  };
}

/** The lowercase name without port and without IPv6 brackets; undefined when malformed. */
function hostName(header: string): string | undefined {
  const value = header.trim().toLowerCase();
  if (value.startsWith('[')) {
    const end = value.indexOf(']');
    return end > 0 ? value.slice(1, end) : undefined;
  }
  const name = value.replace(/:\d+$/, '').replace(/\.$/, '');
  return /^[a-z0-9.-]{1,253}$/.test(name) ? name : undefined;
}

const isLocalName = (host: string) => host === 'localhost' || host.endsWith('.localhost');
const isIpLiteral = (host: string) => /^\d{1,3}(\.\d{1,3}){3}$/.test(host) || (host.includes(':') && /^[0-9a-f:.]+$/.test(host));

/** Parses `ALLOWED_HOSTS` (comma or space separated names, `.domain` suffixes or `*`). */
export function parseAllowedHosts(value: string | undefined): string[] {
  return (value ?? '')
    .split(/[\s,]+/)
    .filter((entry) => entry.length > 0)
    .map((entry) => {
      if (entry !== '*' && !/^\.?[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*$/.test(entry)) throw new Error(`ALLOWED_HOSTS: "${entry}" is not a host name`);
      return entry.toLowerCase();
    });
}
