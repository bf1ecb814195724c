/**
 * EchoResponder's exact behaviour (other suites — element, demo e2e — rely on it), driven
 * through the whole app.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createApp } from '../app.js';
import type { ThreadStreamEvent } from '../wire/types.js';
import { addMessage, createdThreadId, createThread, post } from '../test-support/chatkit-client.js';
import { EchoResponder } from './echo.js';

const USER = { 'X-Chart-Chat-Client': 'echo-user-0001-0123456789abcdef01234' };
const app = () => createApp({ responder: new EchoResponder() });

function replyText(events: ThreadStreamEvent[] | undefined): string | undefined {
  const done = (events ?? []).filter((e) => e.type === 'thread.item.done').at(-1);
  return done?.type === 'thread.item.done' && done.item.type === 'assistant_message' ? done.item.content[0]?.text : undefined;
}

describe('EchoResponder', () => {
  it('echoes "You said: <text>" as added, content_part.added, several deltas, content_part.done, done', async () => {
    const answer = await post(app(), createThread('hello brave new world'), USER);
    const events = answer.events!.filter((e) => e.type !== 'thread.updated').slice(3);
    const kinds = events.map((e) => (e.type === 'thread.item.updated' ? e.update.type.split('.').at(-1) : e.type));
    assert.equal(kinds[0], 'thread.item.added');
    assert.equal(kinds[1], 'added');
    assert.ok(kinds.filter((k) => k === 'text_delta').length >= 3);
    assert.deepEqual(kinds.slice(-2), ['done', 'thread.item.done']);
    assert.equal(replyText(answer.events), 'You said: hello brave new world');
  });

  it('titles the thread with the first 40 characters of the first message only', async () => {
    const a = app();
    const text = 'a'.repeat(30) + ' ' + 'b'.repeat(30);
    const answer = await post(a, createThread(text), USER);
    const updated = answer.events!.find((e) => e.type === 'thread.updated');
    assert.ok(updated?.type === 'thread.updated');
    assert.equal(updated.thread.title, text.slice(0, 40));
    const next = await post(a, addMessage(createdThreadId(answer), 'second'), USER);
    assert.equal(next.events!.some((e) => e.type === 'thread.updated'), false);
  });

  it('/effect streams "ok" then a chart_command client effect with the data as given', async () => {
    const answer = await post(app(), createThread('/effect {"type":"set_symbol","symbol":"MSFT"}'), USER);
    const types = answer.events!.map((e) => e.type);
    assert.ok(types.indexOf('client_effect') > types.lastIndexOf('thread.item.done'));
    assert.equal(replyText(answer.events), 'ok');
    assert.deepEqual(answer.events!.find((e) => e.type === 'client_effect'), { type: 'client_effect', name: 'chart_command', data: { type: 'set_symbol', symbol: 'MSFT' } });
  });

  it('/effect with text that is not JSON is a custom error event', async () => {
    const answer = await post(app(), createThread('/effect not json'), USER);
    const error = answer.events!.find((e) => e.type === 'error');
    assert.ok(error?.type === 'error' && error.code === 'custom');
  });

  it('/tool emits a pending client tool call and ends; the continuation reports the output', async () => {
    const a = app();
    const first = await post(a, createThread('/tool get_chart_context {"detail":"bars"}'), USER);
    const call = first.events!.filter((e) => e.type === 'thread.item.done').at(-1)!;
    assert.ok(call.type === 'thread.item.done' && call.item.type === 'client_tool_call');
    assert.deepEqual([call.item.name, call.item.arguments, call.item.status], ['get_chart_context', { detail: 'bars' }, 'pending']);
    assert.match(call.item.call_id, /^call_[0-9a-f]+$/);
    const second = await post(a, { type: 'threads.add_client_tool_output', params: { thread_id: createdThreadId(first), result: { symbol: 'TSLA', n: [1, 2] } } }, USER);
    assert.equal(replyText(second.events), 'tool output: {"symbol":"TSLA","n":[1,2]}');
  });

  it('/error is CustomStreamError("echo error", allow_retry true)', async () => {
    const answer = await post(app(), createThread('/error'), USER);
    assert.deepEqual(answer.events!.find((e) => e.type === 'error'), { type: 'error', code: 'custom', message: 'echo error', allow_retry: true });
    assert.equal(answer.events!.at(-1)?.type, 'thread.updated', 'the title set before failing is still saved');
  });

  it('/slow <n> streams exactly n deltas', async () => {
    const answer = await post(app(), createThread('/slow 5'), USER);
    const deltas = answer.events!.filter((e) => e.type === 'thread.item.updated' && e.update.type === 'assistant_message.content_part.text_delta');
    assert.equal(deltas.length, 5);
    assert.equal(replyText(answer.events), '1 2 3 4 5 ');
  });

  it('appends the chart summary when a chart context is sent', async () => {
    const chart = { symbol: 'BTCUSD', timeframe: '4h', bars: [1, 2, 3].map((time) => ({ time, open: 1, high: 2, low: 1, close: 2 })) };
    const answer = await post(app(), createThread('what now?', { chart_context: chart }), USER);
    assert.equal(replyText(answer.events), 'You said: what now? [chart: BTCUSD 4h, 3 bars]');
  });
});
