/**
 * The built-in analyst end to end: requests go through the real app's /api/chatkit, answers
 * are checked against the protocol's event order and the contract, and every drawn price is
 * compared with the analysis run on the same bars.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createApp } from '../../app.js';
import { findLevels, findTrendline, highestHigh, lowestLow, recentSwing, computeIndicator } from '../../analysis/index.js';
import { barsFromPath } from '../../analysis/synthetic.js';
import type { ThreadStreamEvent } from '../../wire/types.js';
import { addMessage, createdThreadId, createThread, post, TEST_CLIENT } from '../../test-support/chatkit-client.js';
import { listen } from '../../test-support/listen.js';
import { readSse } from '../../test-support/sse.js';
import { assistantMessages, chartCommands, chartContext } from '../../test-support/responder-assertions.js';
import { AnalystResponder } from './analyst.js';
import { formatPrice } from './format.js';

const triangle = (i: number, lo: number, hi: number, period: number) => {
  const phase = (i % period) / period;
  return lo + (hi - lo) * (phase < 0.5 ? phase * 2 : 2 - phase * 2);
};
/** Ranges 100..120 with a planted floor and ceiling, drifting up along a planted line at the end. */
const RANGE = barsFromPath(311, (i) => triangle(i, 100, 120, 40), { seed: 11, noise: 0.4, wick: 0.8, floor: () => 100, ceiling: () => 120 });
const rising = (i: number) => 100 + 0.25 * i;
const UPTREND = barsFromPath(200, (i) => rising(i) + triangle(i, 0, 10, 30), { seed: 5, noise: 0.3, wick: 0.6, floor: rising });

function app() {
  return createApp({ responder: new AnalystResponder({ chunkDelayMs: 0 }) });
}

/** `context: null` sends no chart context. */
async function ask(message: string, context: unknown = chartContext(RANGE)) {
  const answer = await post(app(), createThread(message, context === null ? undefined : { chart_context: context }));
  assert.equal(answer.status, 200, answer.raw);
  const events = answer.events!;
  const messages = assistantMessages(events);
  assert.equal(messages.length, 1, 'exactly one assistant message');
  return { events, text: messages[0]!.text, deltas: messages[0]!.deltas, commands: chartCommands(events) };
}

const types = (events: ThreadStreamEvent[]) => events.map((e) => (e.type === 'thread.item.updated' ? e.update.type.replace('assistant_message.content_part.', '') : e.type));

/** A UTC date as provenance writes it. */
const day = (t: number) => new Date(t * 1000).toISOString().slice(0, 10);

describe('analyst through /api/chatkit', () => {
  it('describes the loaded chart with a model-like stream', async () => {
    const { events, text, deltas } = await ask('What chart is loaded?');
    const seq = types(events);
    assert.deepEqual(seq.slice(0, 7), ['thread.created', 'thread.item.done', 'stream_options', 'progress_update', 'thread.updated', 'thread.item.added', 'added']);
    const updated = events.find((e) => e.type === 'thread.updated');
    assert.equal(updated?.type === 'thread.updated' && updated.thread.title, 'What chart is loaded?');
    assert.deepEqual(seq.slice(-2), ['done', 'thread.item.done']);
    assert.ok(deltas.length >= 5, `streamed in ${deltas.length} chunks`);
    assert.match(text, /^You're viewing TSLA on 1D\./);
    assert.ok(text.includes(formatPrice(RANGE.at(-1)!.close)), text);
    assert.ok(text.includes('311 bars'));
  });

  it('draws support and resistance exactly at the computed levels', async () => {
    const { text, commands } = await ask('please DRAW support & resistance!!');
    const levels = findLevels(RANGE, { perSide: 3 });
    const expected = [
      ...levels.support.map((l, i) => ({ id: `ai-support-${i + 1}`, price: l.price, role: 'support' })),
      ...levels.resistance.map((l, i) => ({ id: `ai-resistance-${i + 1}`, price: l.price, role: 'resistance' })),
    ];
    assert.ok(expected.length >= 2);
    assert.deepEqual(
      commands.map((c) => (c.type === 'price_line' ? { id: c.id, price: c.price, role: c.role } : c)),
      expected,
    );
    assert.ok(Math.abs(levels.support[0]!.price - 100) < 0.5 && Math.abs(levels.resistance[0]!.price - 120) < 0.5);
    for (const l of [...levels.support, ...levels.resistance]) assert.ok(text.includes(formatPrice(l.price)), `${text} mentions ${l.price}`);
    assert.match(text, /You're viewing TSLA on 1D/);
  });

  it('repeated asks reuse the ids and remove levels that went away', async () => {
    const application = app();
    const first = await post(application, createThread('draw support and resistance', { chart_context: chartContext(RANGE) }));
    const ids = chartCommands(first.events!).map((c) => ('id' in c ? c.id : c.type));
    const threadId = createdThreadId(first);
    const drawings = [...ids, 'ai-support-7'].map((id) => ({ id, kind: 'price_line', source: 'ai' as const }));
    const second = await post(application, addMessage(threadId, 'draw support and resistance', { chart_context: chartContext(RANGE, { drawings }) }));
    const again = chartCommands(second.events!);
    assert.deepEqual(again.filter((c) => c.type === 'price_line').map((c) => ('id' in c ? c.id : '')), ids);
    assert.deepEqual(again.filter((c) => c.type === 'remove'), [{ type: 'remove', id: 'ai-support-7' }]);
    assert.equal(assistantMessages(second.events!).length, 1);
  });

  it('draws the planted trendline through computed anchors', async () => {
    const { text, commands } = await ask('Draw a trendline', chartContext(UPTREND, { symbol: 'NVDA', timeframe: '4h' }));
    const line = findTrendline(UPTREND, 'support')!;
    assert.deepEqual(commands, [
      {
        type: 'trendline',
        id: 'ai-trendline-1',
        p1: { time: line.p1.time, price: line.p1.price },
        p2: { time: line.p2.time, price: line.p2.price },
        extend: 'right',
        label: 'Support trendline',
        // Provenance: the swing points the line goes through.
        why: `through the swing points of ${day(line.p1.time)} and ${day(line.p2.time)}`,
        evidence: [
          { time: line.p1.time, price: line.p1.price },
          { time: line.p2.time, price: line.p2.price },
        ],
      },
    ]);
    assert.ok(Math.abs(line.slopePerBar - 0.25) < 0.02);
    assert.match(text, /^You're viewing NVDA on 4h\. I drew a rising support line/);
    assert.ok(text.includes(formatPrice(line.p1.price)) && text.includes(formatPrice(line.p2.price)));
  });

  it('says what the trend is', async () => {
    const up = await ask('what is the trend?', chartContext(UPTREND));
    assert.match(up.text, /^You're viewing TSLA on 1D: an uptrend\./);
    assert.deepEqual(up.commands, []);
    const flat = await ask('which direction is it trending', chartContext(RANGE.slice(-160)));
    assert.match(flat.text, /sideways/);
  });

  it('adds indicators with the parsed period and quotes the computed value', async () => {
    const sma = await ask('add a 20-period SMA');
    assert.deepEqual(sma.commands, [{ type: 'indicator', id: 'ai-sma-20', indicator: 'sma', params: { period: 20 } }]);
    assert.ok(sma.text.includes(formatPrice(computeIndicator(RANGE, { indicator: 'sma', period: 20 }).value!)), sma.text);
    const bb = await ask('Add Bollinger Bands');
    assert.deepEqual(bb.commands, [{ type: 'indicator', id: 'ai-bollinger-20', indicator: 'bollinger', params: { period: 20, stddev: 2 } }]);
    const rsi = await ask('add rsi 7');
    assert.deepEqual(rsi.commands, [{ type: 'indicator', id: 'ai-rsi-7', indicator: 'rsi', params: { period: 7 } }]);
    assert.ok(rsi.text.includes(computeIndicator(RANGE, { indicator: 'rsi', period: 7 }).value!.toFixed(1)));
    const two = await ask('add 50 and 200 day moving averages');
    assert.deepEqual(two.commands.map((c) => ('id' in c ? c.id : c.type)), ['ai-sma-50', 'ai-sma-200']);
    const ema = await ask('EMA 50 please');
    assert.equal(ema.commands[0]?.type === 'indicator' && ema.commands[0].id, 'ai-ema-50');
  });

  it('switches symbol and timeframe', async () => {
    const both = await ask('switch to AAPL on 1h');
    assert.deepEqual(both.commands, [{ type: 'set_symbol', symbol: 'AAPL' }, { type: 'set_timeframe', timeframe: '1h' }]);
    assert.match(both.text, /from TSLA to AAPL/);
    const tf = await ask('show the 1h timeframe');
    assert.deepEqual(tf.commands, [{ type: 'set_timeframe', timeframe: '1h' }]);
    assert.equal(types(tf.events).includes('progress_update'), false);
  });

  it('marks the highest high and lowest low on their bars', async () => {
    const hi = await ask('mark the highest high');
    const h = highestHigh(RANGE)!;
    assert.deepEqual(hi.commands, [{ type: 'marker', id: 'ai-highest-high', time: h.time, position: 'above', shape: 'arrowDown', text: `High ${formatPrice(h.price)}` }]);
    const lo = await ask('Mark the lowest low.');
    assert.equal(lo.commands[0]?.type === 'marker' && lo.commands[0].time, lowestLow(RANGE)!.time);
  });

  it('clears its own drawings and removes the trendline the chart lists', async () => {
    const clear = await ask('clear the drawings');
    assert.deepEqual(clear.commands, [{ type: 'clear', scope: 'drawings', source: 'ai' }]);
    const drawings = [
      { id: 'ai-trendline-1', kind: 'trendline', source: 'ai' as const },
      { id: 'user-line', kind: 'trendline', source: 'host' as const },
      { id: 'ai-support-1', kind: 'price_line', source: 'ai' as const },
    ];
    const removed = await ask('remove the trendline', chartContext(RANGE, { drawings }));
    assert.deepEqual(removed.commands, [{ type: 'remove', id: 'ai-trendline-1' }]);
    const none = await ask('remove the fib', chartContext(RANGE, { drawings }));
    assert.deepEqual(none.commands, []);
    assert.match(none.text, /nothing to remove/);
  });

  it('zooms to the last N bars and draws a fib over the computed swing', async () => {
    const zoom = await ask('zoom to the last 50 bars');
    assert.deepEqual(zoom.commands, [{ type: 'set_visible_range', from: RANGE.at(-50)!.time, to: RANGE.at(-1)!.time }]);
    const fib = await ask('draw fib');
    const swing = recentSwing(RANGE, 100)!;
    assert.deepEqual(fib.commands, [
      {
        type: 'fib',
        id: 'ai-fib-1',
        from: { time: swing.from.time, price: swing.from.price },
        to: { time: swing.to.time, price: swing.to.price },
        why: `retracement of the swing from ${day(swing.from.time)} to ${day(swing.to.time)}`,
        evidence: [
          { time: swing.from.time, price: swing.from.price },
          { time: swing.to.time, price: swing.to.price },
        ],
      },
    ]);
    assert.ok(fib.text.includes(formatPrice(swing.to.price - (swing.to.price - swing.from.price) * 0.618)));
  });

  it('zooms to the last 3 months of calendar time, not the last 3 bars (daily and hourly bars)', async () => {
    const step = RANGE[1]!.time - RANGE[0]!.time;
    assert.equal(step, 86_400, 'RANGE is daily');
    const months = await ask('zoom to the last 3 months');
    const [range] = months.commands as { from: number; to: number }[];
    assert.equal(range!.to, RANGE.at(-1)!.time);
    const days = (range!.to - range!.from) / 86_400;
    assert.ok(days >= 88 && days <= 92, `3 months of daily bars span ${days} days`);
    const cutoff = new Date(RANGE.at(-1)!.time * 1000);
    cutoff.setUTCMonth(cutoff.getUTCMonth() - 3);
    assert.ok(range!.from > cutoff.getTime() / 1000 && range!.from - step <= cutoff.getTime() / 1000, 'the first bar inside the span');
    const hourly = RANGE.map((bar, i) => ({ ...bar, time: RANGE[0]!.time + i * 3600 }));
    const week = await ask('show the last week', chartContext(hourly, { timeframe: '1h' }));
    const [w] = week.commands as { from: number; to: number }[];
    assert.equal((w!.to - w!.from) / 3600, 7 * 24 - 1, 'a week of hourly bars is 168 bars');
  });

  it('answers several requests in one message, naming the chart once', async () => {
    const { text, commands } = await ask('Draw support and resistance, and a trendline');
    assert.equal(text.match(/You're viewing TSLA on 1D/g)?.length, 1);
    assert.deepEqual([...new Set(commands.map((c) => c.type))].sort(), ['price_line', 'trendline']);
    assert.equal(text.split('\n\n').length, 2);
  });

  it('answers honestly when it does not understand', async () => {
    const { text, commands, events } = await ask('bake me a cake');
    assert.match(text, /^You're viewing TSLA on 1D\. Sorry, I didn't understand that/);
    assert.match(text, /draw support and resistance/);
    assert.deepEqual(commands, []);
    assert.equal(types(events).includes('progress_update'), false);
  });

  it('says it cannot see a chart when no context came', async () => {
    const { text, commands } = await ask('draw support and resistance', null);
    assert.match(text, /can't see a chart/);
    assert.deepEqual(commands, []);
    const tooShort = await ask('draw a trendline', chartContext(RANGE.slice(0, 5)));
    assert.match(tooShort.text, /sent me 5 bars; I need at least 20/);
  });

  it('paces its chunks and stops when the client disconnects', async () => {
    const server = await listen(createApp({ responder: new AnalystResponder({ chunkDelayMs: 40, wordsPerChunk: 1 }) }));
    try {
      const full = await ask('What chart is loaded?');
      const controller = new AbortController();
      const response = await fetch(`${server.url}/api/chatkit`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...TEST_CLIENT },
        body: JSON.stringify(createThread('What chart is loaded?', { chart_context: chartContext(RANGE) })),
        signal: controller.signal,
      });
      let threadId = '';
      let deltas = 0;
      for await (const event of readSse(response.body!)) {
        if (event.type === 'thread.created') threadId = event.thread.id;
        if (event.type === 'thread.item.updated' && event.update.type === 'assistant_message.content_part.text_delta' && ++deltas === 3) break;
      }
      controller.abort();
      // The cancelled answer is saved as far as it got: a strict prefix of the full answer.
      let saved: string | undefined;
      for (let attempt = 0; attempt < 100 && saved === undefined; attempt++) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        const thread = await post(server.url, { type: 'threads.get_by_id', params: { thread_id: threadId } });
        const items = (thread.json as { items: { data: { type: string; content?: { text: string }[] }[] } }).items.data;
        saved = items.find((i) => i.type === 'assistant_message')?.content?.[0]?.text;
      }
      assert.ok(saved !== undefined && saved.length > 0, 'the partial answer was saved');
      assert.ok(full.text.startsWith(saved) && saved.length < full.text.length / 2, `"${saved}" is an early prefix of the answer`);
    } finally {
      await server.close();
    }
  });
});
