/**
 * Wire serialization (docs/protocol.md §3): null/undefined fields are omitted, a
 * thread's private `metadata` becomes `{}`, its `owner` never leaves the server, and
 * hidden items are never sent. Opaque payloads (tool arguments/output, effect data, tag data,
 * action payloads) are passed through untouched: they belong to the integrator, not to us.
 */
import type { Attachment, Page, Thread, ThreadItem, ThreadMetadata, ThreadStreamEvent } from '../wire/types.js';

const OPAQUE_KEYS = new Set(['arguments', 'output', 'data', 'payload']);
const HIDDEN_TYPES = new Set<string>(['hidden_context_item', 'sdk_hidden_context']);

export const isHiddenItem = (item: ThreadItem): boolean => HIDDEN_TYPES.has(item.type);

/** Deep copy without null/undefined object fields (array entries are kept). */
export function compact(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(compact);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) {
    if (field === null || field === undefined) continue;
    out[key] = OPAQUE_KEYS.has(key) ? field : compact(field);
  }
  return out;
}

/** The wire form of a stored thread, with the given items page (empty by default). */
export function toWireThread(thread: ThreadMetadata, items: Page<ThreadItem> = { data: [], has_more: false }): Thread {
  const { owner: _owner, metadata: _metadata, ...visible } = thread;
  const data = items.data.filter((item) => !isHiddenItem(item)).map(toWireItem);
  return compact({ ...visible, metadata: {}, items: { ...items, data } }) as Thread;
}

export function toWireItem(item: ThreadItem): ThreadItem {
  if (item.type === 'assistant_message' && item.incomplete) {
    const { incomplete: _incomplete, ...visible } = item;
    return compact(visible) as ThreadItem;
  }
  return compact(item) as ThreadItem;
}

/** Attachments may carry integrator-private fields (Python's `metadata`); only the wire fields go out. */
export function toWireAttachment(attachment: Attachment): Attachment {
  const { type, id, name, mime_type, upload_descriptor, thread_id, preview_url } = attachment;
  return compact({ type, id, name, mime_type, upload_descriptor, thread_id, preview_url }) as Attachment;
}

export function toWirePage<T>(page: Page<T>, map: (row: T) => unknown): unknown {
  return compact({ data: page.data.map(map), has_more: page.has_more, after: page.has_more ? page.after : undefined });
}

/** One stream event as compact JSON (no whitespace, so it always fits one `data:` line). */
export function eventJson(event: ThreadStreamEvent): string {
  // Most events (every text delta) hold no null to drop: stringify them without the deep copy.
  // (JSON.stringify already omits undefined fields; compact keeps array entries, as it does.)
  return JSON.stringify(hasDroppableNull(event) ? compact(event) : event);
}

/** Whether {@link compact} would drop something: a null object field outside an opaque payload. */
function hasDroppableNull(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return false;
  if (Array.isArray(value)) {
    for (const entry of value) if (entry !== null && typeof entry === 'object' && hasDroppableNull(entry)) return true;
    return false;
  }
  for (const key in value) {
    const field = (value as Record<string, unknown>)[key];
    if (field === null) return true;
    if (typeof field === 'object' && field !== undefined && !OPAQUE_KEYS.has(key) && hasDroppableNull(field)) return true;
  }
  return false;
}
