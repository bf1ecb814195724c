/**
 * Honest outcomes through the real app, the real `openai` SDK and the local fake upstream: drawing
 * calls go to the page as one `apply_chart_commands` client tool call; the model hears what the page
 * answered (same turn), or outcomes the page reports with its next request. Anchors are checked
 * against the bars, and the page's `allow` policy shapes the tool list.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { APPLY_COMMANDS_TOOL, type CommandOutcome } from '../../../sdk/contract/index.js';
import { createApp } from '../../app.js';
import { barsFromPath } from '../../analysis/synthetic.js';
import type { ClientToolCallItem, ThreadStreamEvent } from '../../wire/types.js';
import { MemoryStore } from '../../store/memory-store.js';
import { addMessage, createdThreadId, createThread, post } from '../../test-support/chatkit-client.js';
import { startFakeOpenAI, turn, type FakeOpenAI } from '../../test-support/fake-openai.js';
import { listen, type Listening } from '../../test-support/listen.js';
import { assistantMessages, chartCommands, chartContext } from '../../test-support/responder-assertions.js';
import { OpenAIResponder } from './openai-responder.js';

const BARS = barsFromPath(120, (i) => 100 + 10 * Math.sin(i / 8), { seed: 5, noise: 0.3, wick: 0.5 });
const CONTEXT = chartContext(BARS);
const CLIENT = { apply: 'auto', allow: ['read', 'draw', 'navigate'] };

let upstream: FakeOpenAI;
let server: Listening;

const ask = (text: string, metadata: Record<string, unknown> = {}) =>
  post(server.url, createThread(text, { chart_context: CONTEXT, chart_client: CLIENT, ...metadata }));
const toolOutput = (threadId: string, result: unknown, metadata: Record<string, unknown> = {}) =>
  post(server.url, { type: 'threads.add_client_tool_output', params: { thread_id: threadId, result }, metadata: { chart_context: CONTEXT, chart_client: CLIENT, ...metadata } });

function pendingApply(events: readonly ThreadStreamEvent[]): ClientToolCallItem {
  const last = events.at(-1);
  assert.ok(last?.type === 'thread.item.done' && last.item.type === 'client_tool_call', `the turn ends on a client tool call, not ${JSON.stringify(last)}`);
  assert.equal(last.item.name, APPLY_COMMANDS_TOOL);
  assert.equal(last.item.status, 'pending');
  return last.item;
}

type InputItem = { type?: string; role?: string; content?: string; call_id?: string; name?: string; output?: string };
const inputOf = (index: number) => upstream.requests[index]!.body.input as InputItem[];
const outputsOf = (index: number) => inputOf(index).filter((i) => i.type === 'function_call_output');

describe('honest outcomes: the model hears what the page did', () => {
  before(async () => {
    upstream = await startFakeOpenAI();
  });
  beforeEach(async () => {
    await server?.close();
    upstream.reset();
    const responder = new OpenAIResponder({ apiKey: 'sk-test', baseURL: upstream.baseURL, maxRetries: 0, timeoutMs: 10_000 });
    server = await listen(createApp({ responder, store: new MemoryStore(), log: () => {} }));
  });
  after(async () => {
    await server.close();
    await upstream.close();
  });

  it('same turn: drawing calls become one client tool call; a rejection reaches the model with its reason', async () => {
    const level = BARS.at(-1)!.close;
    upstream.enqueue(
      turn.steps(
        { type: 'function_call', name: 'price_line', arguments: JSON.stringify({ id: 'ai-s1', price: level, role: 'support' }), callId: 'call_1' },
        { type: 'function_call', name: 'find_levels', arguments: '{}', callId: 'call_2' },
        { type: 'function_call', name: 'price_line', arguments: JSON.stringify({ id: 'ai-r1', price: level + 1, role: 'resistance' }), callId: 'call_3' },
      ),
    );
    const first = await ask('draw support and resistance');
    assert.equal(first.status, 200);
    assert.deepEqual(chartCommands(first.events!), [], 'no effect: the page answers the client tool instead');
    const call = pendingApply(first.events!);
    const commands = (call.arguments as { commands: { id: string }[] }).commands;
    assert.deepEqual(commands.map((c) => c.id), ['ai-s1', 'ai-r1']);

    upstream.enqueue(turn.text('The host refused the support line; resistance is drawn.'));
    const outcomes: CommandOutcome[] = [
      { type: 'price_line', id: 'ai-s1', status: 'rejected', reason: 'levels are read-only on this desk' },
      { type: 'price_line', id: 'ai-r1', status: 'applied' },
    ];
    const second = await toolOutput(createdThreadId(first), { outcomes });
    assert.equal(second.status, 200);
    assert.equal(assistantMessages(second.events!)[0]!.text, 'The host refused the support line; resistance is drawn.');

    const input = inputOf(1);
    const calls = input.filter((i) => i.type === 'function_call').map((i) => `${i.call_id}:${i.name}`);
    assert.deepEqual(calls, ['call_1:price_line', 'call_2:find_levels', 'call_3:price_line']);
    const outputs = Object.fromEntries(outputsOf(1).map((o) => [o.call_id, JSON.parse(o.output!)]));
    assert.deepEqual(outputs['call_1'], outcomes[0]);
    assert.deepEqual(outputs['call_3'], outcomes[1]);
    assert.ok(Array.isArray(outputs['call_2'].support), 'the analysis call keeps its own output');
    assert.equal(JSON.stringify(input).includes(APPLY_COMMANDS_TOOL), false, 'our client tool is not shown to the model as its own call');
  });

  it('next turn: outcomes the page sends in metadata are in the model input, before the new message', async () => {
    upstream.enqueue(turn.text('Noted.'));
    const first = await ask('hello');
    upstream.enqueue(turn.text('I see the level was dismissed.'));
    const outcomes = [{ type: 'price_line', id: 'txt-support-1', status: 'dismissed', reason: 'the user dismissed the proposal' }];
    const second = await post(server.url, addMessage(createdThreadId(first), 'and now?', { chart_context: CONTEXT, chart_client: CLIENT, chart_outcomes: outcomes }));
    assert.equal(second.status, 200);
    const input = inputOf(1);
    // Page-written data: user content, never a developer message.
    const at = input.findIndex((i) => i.role === 'user' && i.content!.includes('chart_command_outcomes'));
    assert.ok(at >= 0, 'the outcomes are model input');
    assert.ok(input[at]!.content!.includes('the user dismissed the proposal'));
    assert.ok(at < input.findIndex((i) => i.role === 'user' && i.content === 'and now?'));
  });

  it('an unanswered client tool call: the next turn tells the model the page never answered', async () => {
    upstream.enqueue(turn.call('price_line', { id: 'ai-s1', price: BARS.at(-1)!.close, role: 'level' }, { callId: 'call_x' }));
    const first = await ask('draw');
    pendingApply(first.events!);
    upstream.enqueue(turn.text('ok'));
    await post(server.url, addMessage(createdThreadId(first), 'again', { chart_context: CONTEXT, chart_client: CLIENT }));
    const [output] = outputsOf(1);
    assert.equal(output!.call_id, 'call_x');
    assert.match(JSON.parse(output!.output!).reason, /never answered/);
  });

  it('anchors: a trendline far off its bars is refused, a near one snapped; the model reads both', async () => {
    const [a, b] = [BARS[20]!, BARS[60]!];
    upstream.enqueue(
      turn.steps(
        { type: 'function_call', name: 'trendline', arguments: JSON.stringify({ id: 'ai-far', p1: { time: a.time, price: a.high * 1.3 }, p2: { time: b.time, price: b.low } }), callId: 'far' },
        { type: 'function_call', name: 'trendline', arguments: JSON.stringify({ id: 'ai-near', p1: { time: a.time + 3600, price: a.high + 0.01 }, p2: { time: b.time, price: b.low } }), callId: 'near' },
        { type: 'function_call', name: 'price_line', arguments: JSON.stringify({ id: 'ai-moon', price: 10_000, role: 'resistance' }), callId: 'moon' },
      ),
    );
    const first = await ask('draw a trendline');
    const commands = (pendingApply(first.events!).arguments as { commands: { id: string; p1: { time: number; price: number } }[] }).commands;
    assert.deepEqual(commands.map((c) => c.id), ['ai-near'], 'only the line on real bars reaches the page');
    assert.deepEqual(commands[0]!.p1, { time: a.time, price: a.high }, 'snapped to the bar and its high');

    upstream.enqueue(turn.text('done'));
    await toolOutput(createdThreadId(first), { outcomes: [{ type: 'trendline', id: 'ai-near', status: 'applied' }] });
    const outputs = Object.fromEntries(outputsOf(1).map((o) => [o.call_id, JSON.parse(o.output!)]));
    assert.equal(outputs['far'].status, 'refused');
    assert.match(outputs['far'].reason, /away from the .* bar's (high|low)/);
    assert.equal(outputs['moon'].status, 'refused');
    assert.match(outputs['moon'].reason, /far outside the data/);
    assert.equal(outputs['near'].status, 'applied');
    assert.ok(outputs['near'].adjusted.some((n: string) => /snapped/.test(n)), 'the model learns what was snapped');
  });

  it('allow: the model is offered only the tools the page allows', async () => {
    upstream.enqueue(turn.text('read only'));
    await ask('hi', { chart_client: { allow: ['read'] } });
    const tools = (upstream.requests[0]!.body.tools as { name: string }[]).map((t) => t.name).sort();
    assert.deepEqual(tools, ['compute_indicator', 'find_levels', 'find_trendline']);
    upstream.enqueue(turn.text('draw only'));
    await ask('hi', { chart_client: { allow: ['draw'] } });
    const drawTools = (upstream.requests[1]!.body.tools as { name: string }[]).map((t) => t.name);
    assert.ok(drawTools.includes('price_line') && !drawTools.includes('set_symbol') && !drawTools.includes('find_levels'));
  });

  it('bad loop metadata is a 400 before any stream', async () => {
    for (const metadata of [{ chart_outcomes: [{ type: 'x', status: 'maybe' }] }, { chart_client: { allow: ['everything'] } }, { chart_outcomes: 'applied' }]) {
      const answer = await ask('hi', metadata);
      assert.equal(answer.status, 400, JSON.stringify(metadata));
      assert.equal((answer.json as { error: { code: string } }).error.code, 'invalid_request');
    }
    assert.equal(upstream.requests.length, 0);
  });
});
