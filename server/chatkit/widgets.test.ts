/**
 * Widget streaming (ports of chatkit-python's test_returns_widget_item_generator[_full_replace]
 * and tests/test_widgets.py diffing), through the whole app where events are involved.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createApp } from '../app.js';
import { MemoryStore } from '../store/memory-store.js';
import { createdThreadId, createThread, post } from '../test-support/chatkit-client.js';
import { ScriptedResponder } from '../test-support/scripted-responder.js';
import { diffWidget, streamWidget, type WidgetRoot } from './widgets.js';

const USER = { 'X-Chart-Chat-Client': 'widget-user-01-0123456789abcdef01234' };
const card = (text: string, extra: Record<string, unknown> = {}): WidgetRoot => ({ type: 'Card', children: [{ type: 'Text', id: 'txt', value: text, ...extra }] });

async function* states(...widgets: WidgetRoot[]): AsyncGenerator<WidgetRoot> {
  yield* widgets;
}

describe('widgets', () => {
  it('streams growing text as value deltas, then done with the final state (and stores it)', async () => {
    const store = new MemoryStore();
    const responder = new ScriptedResponder((thread, _input, ctx) => streamWidget(thread, ctx, states(card(''), card('Hel', { streaming: true }), card('Hello'))));
    const answer = await post(createApp({ responder, store }), createThread('w'), USER);
    const events = answer.events!.slice(3);
    assert.deepEqual(events.map((e) => (e.type === 'thread.item.updated' ? e.update.type : e.type)), [
      'thread.item.added',
      'widget.streaming_text.value_delta',
      'widget.streaming_text.value_delta',
      'thread.item.done',
    ]);
    const [, first, second] = events;
    assert.ok(first?.type === 'thread.item.updated' && second?.type === 'thread.item.updated');
    assert.deepEqual(first.update, { type: 'widget.streaming_text.value_delta', component_id: 'txt', delta: 'Hel', done: false });
    assert.deepEqual(second.update, { type: 'widget.streaming_text.value_delta', component_id: 'txt', delta: 'lo', done: true });
    const items = (await store.loadItems(createdThreadId(answer), { limit: 10, order: 'asc' })).data;
    const widget = items[1]!;
    assert.ok(widget.type === 'widget');
    assert.deepEqual(widget.widget, card('Hello'));
  });

  it('replaces the root when anything but growing text changes (full replace)', async () => {
    const responder = new ScriptedResponder((thread, _input, ctx) =>
      streamWidget(thread, ctx, states(card('a'), { type: 'Card', children: [{ type: 'Title', value: 'b' }] })),
    );
    const answer = await post(createApp({ responder }), createThread('w'), USER);
    const update = answer.events!.find((e) => e.type === 'thread.item.updated');
    assert.ok(update?.type === 'thread.item.updated');
    assert.deepEqual(update.update, { type: 'widget.root.updated', widget: { type: 'Card', children: [{ type: 'Title', value: 'b' }] } });
  });

  it('a fixed widget is a single done event with copy_text', async () => {
    const responder = new ScriptedResponder((thread, _input, ctx) => streamWidget(thread, ctx, card('x'), 'copy me'));
    const answer = await post(createApp({ responder }), createThread('w'), USER);
    const done = answer.events!.at(-1)!;
    assert.ok(done.type === 'thread.item.done' && done.item.type === 'widget');
    assert.equal(done.item.copy_text, 'copy me');
  });

  it('diffWidget: nothing for equal trees, root replacement for other changes or shrinking text', () => {
    assert.deepEqual(diffWidget(card('a'), card('a')), []);
    assert.deepEqual(diffWidget(card('a'), { ...card('a'), size: 'lg' }), [{ type: 'widget.root.updated', widget: { ...card('a'), size: 'lg' } }]);
    assert.deepEqual(diffWidget(card('ab'), card('b')), [{ type: 'widget.root.updated', widget: card('b') }], 'text that does not grow replaces the root');
    const two = (a: string, b: string): WidgetRoot => ({ type: 'ListView', children: [{ type: 'Markdown', id: 'm1', value: a }, { type: 'Text', id: 't2', value: b }] });
    assert.deepEqual(diffWidget(two('a', 'x'), two('ab', 'xy')), [
      { type: 'widget.streaming_text.value_delta', component_id: 'm1', delta: 'b', done: true },
      { type: 'widget.streaming_text.value_delta', component_id: 't2', delta: 'y', done: true },
    ]);
    assert.equal(diffWidget(two('a', 'x'), { ...two('a', 'x'), children: [] })[0]?.type, 'widget.root.updated');
  });
});
