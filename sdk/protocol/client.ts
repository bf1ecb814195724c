/**
 * A minimal ChatKit-protocol client (used by the lite renderer): POSTs a request and yields the
 * validated stream events as they arrive. Non-2xx answers become a `ProtocolError` carrying the
 * server's `{error: {code, message}}`. Events this client does not use, or that do not match the
 * protocol's shapes, are skipped rather than trusted.
 */
import * as v from 'valibot';
import { numberIn } from '../contract/primitives.js';
import { readSse } from './sse.js';

// Schema kinds the contract already uses (custom rather than boolean, numberIn rather than
// integer/min/max): valibot lands in the element's chunk, so every extra kind here costs it bytes.
const Flag = v.optional(v.custom<boolean>((x) => typeof x === 'boolean'));
const Any = v.custom<unknown>(() => true);

const Text = v.object({ text: v.optional(v.string()) });
const Item = v.object({
  id: v.string(),
  type: v.string(),
  content: v.optional(v.array(Any)),
  status: v.optional(v.string()),
  name: v.optional(v.string()),
  arguments: v.optional(Any),
});
const ItemEvent = <T extends string>(type: T) => v.object({ type: v.literal(type), item: Item });

/** The stream events the lite renderer acts on (docs/protocol.md §3). */
export const StreamEvent = v.variant('type', [
  v.object({ type: v.literal('thread.created'), thread: v.object({ id: v.string() }) }),
  ItemEvent('thread.item.added'),
  ItemEvent('thread.item.done'),
  ItemEvent('thread.item.replaced'),
  v.object({ type: v.literal('thread.item.removed'), item_id: v.string() }),
  v.object({
    type: v.literal('thread.item.updated'),
    item_id: v.string(),
    update: v.object({
      type: v.string(),
      content_index: v.optional(v.pipe(v.number(), numberIn(0, 99, 'content_index out of range', true))),
      delta: v.optional(v.string()),
      content: v.optional(Text),
    }),
  }),
  v.object({ type: v.literal('stream_options'), stream_options: v.object({ allow_cancel: Flag }) }),
  v.object({ type: v.literal('progress_update'), text: v.string() }),
  v.object({ type: v.literal('client_effect'), name: v.string(), data: v.optional(Any) }),
  v.object({
    type: v.literal('error'),
    code: v.optional(v.string()),
    message: v.optional(v.string()),
    allow_retry: Flag,
  }),
  v.object({ type: v.literal('notice'), level: v.optional(v.string()), message: v.string(), title: v.optional(v.string()) }),
]);
export type StreamEvent = v.InferOutput<typeof StreamEvent>;
export type StreamItem = v.InferOutput<typeof Item>;

/** A protocol request body (docs/protocol.md §2). */
export interface ProtocolRequest {
  type: string;
  params: Record<string, unknown>;
}

export class ProtocolError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly status: number,
  ) {
    super(message);
  }
  /** Worth retrying: server trouble or rate limiting, not a bad request. */
  get retryable() {
    return this.status >= 500 || this.status === 429 || this.status === 408;
  }
}

export async function* streamEvents(
  fetchFn: typeof fetch,
  url: string,
  request: ProtocolRequest,
  signal: AbortSignal,
): AsyncGenerator<StreamEvent> {
  const res = await fetchFn(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(request),
    signal,
  });
  if (!res.ok) {
    const body = (await res.json().catch(() => null)) as { error?: { code?: unknown; message?: unknown } } | null;
    const { code, message } = body?.error ?? {};
    throw new ProtocolError(
      typeof message === 'string' ? message : `The server answered HTTP ${res.status}.`,
      typeof code === 'string' ? code : `http_${res.status}`,
      res.status,
    );
  }
  if (!res.body) return;
  for await (const data of readSse(res.body)) {
    let json: unknown;
    try {
      json = JSON.parse(data);
    } catch {
      continue; // one broken event must not end the answer
    }
    const parsed = v.safeParse(StreamEvent, json);
    if (parsed.success) yield parsed.output;
  }
}
