/**
 * What any one user may keep in a store (issue: bounded state). Every engine enforces the same
 * limits; a write over a limit is refused with 403 `quota_exceeded`, never dropped silently.
 */
import { RequestError } from '../wire/request-error.js';

export interface StoreLimits {
  /** Threads one owner may have. */
  readonly maxThreadsPerUser: number;
  /** Items (messages, tool calls, hidden context) one thread may hold. */
  readonly maxItemsPerThread: number;
  /** Size of one stored item, as UTF-8 JSON. */
  readonly maxItemBytes: number;
  /** Threads with no activity for this long are deleted by `sweepIdleThreads`. 0 keeps them forever. */
  readonly idleThreadTtlMs: number;
}

export const DEFAULT_STORE_LIMITS: StoreLimits = {
  maxThreadsPerUser: 500,
  maxItemsPerThread: 5_000,
  maxItemBytes: 256 * 1024,
  idleThreadTtlMs: 90 * 24 * 3600 * 1000,
};

export const quotaExceeded = (message: string): RequestError => new RequestError(403, 'quota_exceeded', message);

export const tooManyThreads = (limits: StoreLimits): RequestError =>
  quotaExceeded(`you have reached the limit of ${limits.maxThreadsPerUser} threads; delete one to start another`);
export const threadFull = (limits: StoreLimits): RequestError =>
  quotaExceeded(`this thread has reached the limit of ${limits.maxItemsPerThread} items; start a new thread`);
export const itemTooLarge = (limits: StoreLimits): RequestError =>
  quotaExceeded(`a message may be at most ${limits.maxItemBytes} bytes`);

const encoder = new TextEncoder();

/** UTF-8 size of a JSON text (ASCII fast path: most payloads are). */
export function jsonBytes(json: string): number {
  // eslint-disable-next-line no-control-regex
  return /^[\x00-\x7f]*$/.test(json) ? json.length : encoder.encode(json).length;
}
