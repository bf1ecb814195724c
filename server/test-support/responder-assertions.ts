/**
 * Shared assertions for responder tests: the shape of a streamed assistant message and the
 * chart commands a stream carries (each must pass the contract's `parseChartCommand`).
 */
import assert from 'node:assert/strict';
import { parseChartCommand, type ChartCommand, type ChartContextInput } from '../../sdk/contract/index.js';
import type { OhlcBar } from '../analysis/index.js';
import type { ThreadStreamEvent } from '../wire/types.js';
import { CHART_COMMAND_EFFECT } from '../responders/kit/index.js';

/** A chart context as the element sends it. */
export function chartContext(bars: readonly OhlcBar[], extra: Partial<ChartContextInput> = {}): ChartContextInput {
  return { symbol: 'TSLA', timeframe: '1D', bars: bars.map((b) => ({ ...b })), ...extra };
}

/** Every `chart_command` effect in the stream, checked against the contract. */
export function chartCommands(events: readonly ThreadStreamEvent[]): ChartCommand[] {
  return events.flatMap((event) => {
    if (event.type !== 'client_effect') return [];
    assert.equal(event.name, CHART_COMMAND_EFFECT);
    const parsed = parseChartCommand(event.data);
    assert.ok(parsed.success, `invalid chart command ${JSON.stringify(event.data)}: ${parsed.success ? '' : parsed.message}`);
    // The server sends the parsed (normalized) form: parsing again changes nothing.
    assert.deepEqual(parsed.output, event.data);
    return [parsed.output];
  });
}

export interface StreamedMessage {
  id: string;
  text: string;
  deltas: string[];
}

/**
 * Asserts the assistant messages in `events` follow chatkit-python's order exactly:
 * item.added (empty) → content_part.added → text_delta* → content_part.done → item.done, with
 * the final text equal to the joined deltas. Returns the messages in order.
 */
export function assistantMessages(events: readonly ThreadStreamEvent[]): StreamedMessage[] {
  const messages: StreamedMessage[] = [];
  let open: StreamedMessage | null = null;
  let phase: 'added' | 'part' | 'done' = 'done';
  for (const event of events) {
    if (event.type === 'thread.item.added' && event.item.type === 'assistant_message') {
      assert.equal(open, null, 'a message opened inside another');
      assert.deepEqual(event.item.content, []);
      open = { id: event.item.id, text: '', deltas: [] };
      phase = 'added';
      continue;
    }
    if (event.type === 'thread.item.updated') {
      assert.ok(open && event.item_id === open.id, `update for a message that is not open: ${JSON.stringify(event)}`);
      const update = event.update;
      if (update.type === 'assistant_message.content_part.added') {
        assert.equal(phase, 'added');
        assert.deepEqual(update.content, { type: 'output_text', text: '', annotations: [] });
        phase = 'part';
      } else if (update.type === 'assistant_message.content_part.text_delta') {
        assert.equal(phase, 'part');
        assert.ok(update.delta.length > 0, 'empty delta');
        open.deltas.push(update.delta);
        open.text += update.delta;
      } else if (update.type === 'assistant_message.content_part.done') {
        assert.equal(phase, 'part');
        assert.equal(update.content.text, open.text);
        phase = 'done';
      } else assert.fail(`unexpected update ${update.type}`);
      continue;
    }
    if (event.type === 'thread.item.done' && event.item.type === 'assistant_message') {
      assert.ok(open && event.item.id === open.id && phase === 'done', 'item.done before content_part.done');
      assert.deepEqual(event.item.content, [{ type: 'output_text', text: open.text, annotations: [] }]);
      messages.push(open);
      open = null;
    }
  }
  assert.equal(open, null, 'a message was left open');
  return messages;
}
