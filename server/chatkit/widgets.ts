/**
 * Widget streaming helpers (chatkit-python's `stream_widget` / `diff_widget`): a responder
 * hands over a widget, or an async sequence of successive widget states, and gets the
 * matching events — text that only grows streams as `widget.streaming_text.value_delta`,
 * anything else replaces the root with `widget.root.updated`.
 */
import type { ResponderContext } from './responder.js';
import type { ThreadItemUpdate, ThreadMetadata, ThreadStreamEvent, WidgetItem } from '../wire/types.js';

/** A widget tree: `{type: "Card" | "ListView" | "Basic", children?, ...}`. */
export type WidgetRoot = Record<string, unknown> & { type: string };
type Component = Record<string, unknown>;

const isComponent = (value: unknown): value is Component =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && typeof (value as Component).type === 'string';
const isStreamingText = (c: Component): boolean => (c.type === 'Text' || c.type === 'Markdown') && typeof c.value === 'string';

/** The updates that turn `before` into `after`. Throws if an id'd text shrank or vanished. */
export function diffWidget(before: WidgetRoot, after: WidgetRoot): ThreadItemUpdate[] {
  if (needsFullReplace(before, after)) return [{ type: 'widget.root.updated', widget: after }];
  const was = streamingTexts(before);
  const updates: ThreadItemUpdate[] = [];
  for (const [id, node] of streamingTexts(after)) {
    const old = was.get(id);
    if (!old) throw new Error(`widget text ${id} was not present in the first render; ids must persist across updates`);
    const from = String(old.value);
    const to = String(node.value);
    if (from === to) continue;
    if (!to.startsWith(from)) throw new Error(`widget text ${id} changed instead of growing; updates must be cumulative`);
    updates.push({ type: 'widget.streaming_text.value_delta', component_id: id, delta: to.slice(from.length), done: node.streaming !== true });
  }
  return updates;
}

function needsFullReplace(before: Component, after: Component): boolean {
  if (before.type !== after.type || before.id !== after.id || before.key !== after.key) return true;
  for (const field of new Set([...Object.keys(before), ...Object.keys(after)])) {
    // Text that only grows, and its `streaming` flag (which the delta's `done` carries), stream as deltas.
    const texts = isStreamingText(before) && isStreamingText(after);
    if (texts && field === 'streaming') continue;
    if (texts && field === 'value' && String(after.value).startsWith(String(before.value))) continue;
    if (valueNeedsReplace(before[field], after[field])) return true;
  }
  return false;
}

function valueNeedsReplace(before: unknown, after: unknown): boolean {
  if (Array.isArray(before) && Array.isArray(after)) {
    return before.length !== after.length || before.some((entry, i) => valueNeedsReplace(entry, after[i]));
  }
  if (isComponent(before) && isComponent(after)) return needsFullReplace(before, after);
  return !deepEqual(before, after);
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const key of keys) if (!deepEqual((a as Component)[key], (b as Component)[key])) return false;
  return true;
}

function streamingTexts(root: Component): Map<string, Component> {
  const found = new Map<string, Component>();
  const visit = (node: unknown): void => {
    if (!isComponent(node)) return;
    if (isStreamingText(node) && typeof node.id === 'string' && node.id) found.set(node.id, node);
    if (Array.isArray(node.children)) node.children.forEach(visit);
  };
  visit(root);
  return found;
}

/** Emits a widget item: one `done` for a fixed widget; `added`, diffs, `done` for a sequence of states. */
export async function* streamWidget(
  thread: ThreadMetadata,
  ctx: Pick<ResponderContext, 'newItemId' | 'now'>,
  widget: WidgetRoot | AsyncIterable<WidgetRoot>,
  copyText?: string,
): AsyncGenerator<ThreadStreamEvent, void, undefined> {
  const base: WidgetItem = {
    type: 'widget',
    id: ctx.newItemId('widget'),
    thread_id: thread.id,
    created_at: ctx.now(),
    widget: {},
    ...(copyText !== undefined ? { copy_text: copyText } : {}),
  };
  if (!(Symbol.asyncIterator in widget)) {
    yield { type: 'thread.item.done', item: { ...base, widget } };
    return;
  }
  let last: WidgetRoot | undefined;
  for await (const state of widget as AsyncIterable<WidgetRoot>) {
    if (last === undefined) yield { type: 'thread.item.added', item: { ...base, widget: state } };
    else for (const update of diffWidget(last, state)) yield { type: 'thread.item.updated', item_id: base.id, update };
    last = state;
  }
  if (last !== undefined) yield { type: 'thread.item.done', item: { ...base, widget: last } };
}
