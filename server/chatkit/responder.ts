/**
 * The responder interface: the "brain" behind `/api/chatkit`. The protocol layer drives it
 * for every streaming request and owns persistence; a responder only yields events.
 */
import type { ChartClient, ChartContext } from '../../sdk/contract/index.js';
import type { UsageCounters } from '../store/usage.js';
import type { ThreadItem, ThreadItemType, ThreadMetadata, ThreadStreamEvent, UserMessageItem } from '../wire/types.js';

export interface ResponderContext {
  /** The thread owner's id (from `resolveUser`). */
  readonly user: string;
  /** The validated, capped chart context the browser sent with this request, if any. */
  readonly chartContext?: ChartContext;
  /** What the page accepts: set when the page answers the `apply_chart_commands` client tool. */
  readonly chartClient?: ChartClient;
  /** The request's `Accept-Language` locale, if any. */
  readonly locale?: string;
  /** Daily usage counters shared by every instance on the store (the per-user token budget), when the store has them. */
  readonly usage?: UsageCounters;
  /** Aborted when the client disconnects or the server gives up: stop work and return. */
  readonly signal: AbortSignal;
  /**
   * The thread's newest stored items (up to 100), oldest first (hidden items included; they
   * are model context). One indexed read, whatever the thread's length.
   */
  history(): Promise<ThreadItem[]>;
  /** A fresh item id for the given item type (`msg_…`, `tc_…`). */
  newItemId(type: ThreadItemType): string;
  /** A timestamp strictly later than every earlier one in this process (ISO-8601). */
  now(): string;
}

/**
 * `input` is the user's new message, or `null` for a continuation (after a client tool output
 * or a structured input). A responder may mutate `thread` (title, status, metadata); the
 * protocol layer then saves it and emits `thread.updated`. Throwing a `StreamError` /
 * `CustomStreamError` (or anything else) becomes an `error` event.
 */
export interface Responder {
  /** Credentials the responder holds (an API key): the key-leak guard keeps them out of every response. */
  readonly secrets?: readonly string[];
  respond(thread: ThreadMetadata, input: UserMessageItem | null, ctx: ResponderContext): AsyncIterable<ThreadStreamEvent>;
}
