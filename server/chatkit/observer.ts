/**
 * What the protocol core publishes about each request, as typed values, for whoever wraps it
 * (the request log): the request's type and thread once the body is parsed, every stream event
 * as it is sent, and how the stream ended. Wrappers read this instead of re-parsing bytes.
 * A wrapper installs its observer on the Hono context (`c.set(OBSERVER_KEY, observer)`) before
 * the route runs.
 */
import type { StreamOutcome } from '../lib/body-tap.js';
import type { ThreadStreamEvent } from '../wire/types.js';

export type { StreamOutcome };

export interface RequestInfo {
  /** The request `type`, when the body had a plausible one (even if it then failed validation). */
  readonly type?: string;
  /** `params.thread_id`, when present. */
  readonly threadId?: string;
  /** The parsed body, as the client sent it (read it only for debug output). */
  readonly body: unknown;
}

export interface ExchangeObserver {
  /** The body was read and parsed as JSON (not yet validated). */
  request?(info: RequestInfo): void;
  /** One stream event, just before it is framed and sent. */
  event?(event: ThreadStreamEvent): void;
  /** The stream ended (called once): the source finished, failed, or the client went away. */
  end?(outcome: StreamOutcome): void;
}

export const OBSERVER_KEY = 'chatkitObserver';

declare module 'hono' {
  interface ContextVariableMap {
    chatkitObserver?: ExchangeObserver;
  }
}

/** The type and thread of a parsed request body, bounded so a hostile body cannot bloat a log line. */
export function requestInfo(body: unknown): RequestInfo {
  if (!isRecord(body)) return { body };
  const type = typeof body['type'] === 'string' && body['type'].length <= 64 ? body['type'] : undefined;
  const params = body['params'];
  const thread = isRecord(params) && typeof params['thread_id'] === 'string' && params['thread_id'].length <= 128 ? params['thread_id'] : undefined;
  return { body, ...(type !== undefined && { type }), ...(thread !== undefined && { threadId: thread }) };
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
