// The command loop in Chromium against the real server: outcomes back to the model (same turn through
// the real OpenAI responder and the local fake upstream, next turn through request metadata),
// proposals in confirm mode with the lite card, undo and redo per AI turn.
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import type { ChartChat } from '../chart-chat.js';
import type { ChartCommand } from '../contract/index.js';
import type { ChartCommandEvent, ChartProposalDetail } from '../events.js';
import { CONTEXT, answered, part, parts, record, seenRequests, until } from '../test-support/helpers.js';

async function chat(apiUrl: string, attrs: { apply?: string } = {}) {
  const el = await fixture<ChartChat>(html`<chart-chat renderer="lite" api-url=${apiUrl} apply=${attrs.apply ?? 'auto'} .chartContext=${CONTEXT}></chart-chat>`);
  await waitUntil(() => el.activeRenderer === 'lite' && part(el, 'input'), 'lite renderer did not mount', { timeout: 5000 });
  return el;
}

/** Queues scripted turns on the fake OpenAI upstream (and forgets what it saw before). */
async function script(...turns: unknown[]) {
  await fetch('/__test/openai', { method: 'POST', body: JSON.stringify(turns) });
}
const upstreamInputs = async (): Promise<{ input: { type?: string; call_id?: string; output?: string; role?: string; content?: string }[] }[]> =>
  (await fetch('/__test/openai')).json();

const SUPPORT = { type: 'price_line', id: 'ai-s1', price: 248, role: 'support' } as const;
const RESISTANCE = { type: 'price_line', id: 'ai-r1', price: 254, role: 'resistance' } as const;
const effect = (c: object) => `/effect ${JSON.stringify(c)}`;

describe('honest outcomes, proposals and undo', () => {
  beforeEach(async () => {
    await seenRequests();
  });

  it('a host rejection reaches the model in the same turn (element, server, OpenAI responder, fake upstream)', async () => {
    await script(
      { kind: 'stream', steps: [{ type: 'function_call', name: 'price_line', arguments: JSON.stringify({ id: 'ai-s1', price: 248, role: 'support' }), callId: 'call_s1' }] },
      { kind: 'stream', steps: [{ type: 'text', chunks: ['The desk refused the support line, so nothing is drawn.'] }] },
    );
    const el = await chat('/openai/api/chatkit');
    const seen = record<ChartCommandEvent>(el, 'chart-command');
    el.addEventListener('chart-command', (e) => e.reject('levels are read-only on this desk'));
    await el.sendMessage('draw support');
    expect(await answered(el)).to.equal('The desk refused the support line, so nothing is drawn.');
    expect(seen.map((e) => e.detail.type)).to.deep.equal(['price_line']);

    const [, continuation] = await upstreamInputs();
    const output = continuation!.input.find((i) => i.type === 'function_call_output' && i.call_id === 'call_s1');
    expect(JSON.parse(output!.output!)).to.deep.equal({ type: 'price_line', id: 'ai-s1', status: 'rejected', reason: 'levels are read-only on this desk' });
  });

  it('effects: outcomes travel with the next request, once', async () => {
    const el = await chat('/api/chatkit');
    el.addEventListener('chart-command', (e) => e.detail.type === 'set_symbol' && e.reject('symbol is fixed'));
    await el.sendMessage(effect(SUPPORT));
    await answered(el);
    await el.sendMessage(effect({ type: 'set_symbol', symbol: 'AAPL' }));
    await until(() => parts(el, 'assistant-message').length === 2 && !part(el, 'stop-button'));
    await el.sendMessage('third');
    await answered(el);
    const bodies = (await seenRequests()).filter((r) => r.path === '/api/chatkit').map((r) => JSON.parse(r.body));
    expect(bodies.map((b) => b.metadata.chart_outcomes)).to.deep.equal([
      undefined,
      [{ type: 'price_line', id: 'ai-s1', status: 'applied' }],
      [{ type: 'set_symbol', status: 'rejected', reason: 'symbol is fixed' }],
    ]);
  });

  it('confirm: a proposal (event + card), per-item and whole Apply, outcomes, then Undo and Redo restore exactly that turn', async () => {
    const el = await chat('/api/chatkit', { apply: 'confirm' });
    const commands = record<ChartCommandEvent>(el, 'chart-command');
    const proposals = record<CustomEvent<ChartProposalDetail>>(el, 'chart-proposal');

    // Turn 1 (auto-applied through a widget-free path: the user applies the whole proposal).
    await el.sendMessage(`/tool apply_chart_commands ${JSON.stringify({ commands: [SUPPORT, RESISTANCE] })}`);
    await answered(el);
    expect(commands).to.have.length(0, 'nothing reaches the chart before Apply');
    expect(proposals.at(-1)!.detail.status).to.equal('open');
    expect(proposals.at(-1)!.detail.commands.map((c) => ('id' in c ? c.id : ''))).to.deep.equal(['ai-s1', 'ai-r1']);
    expect(part(el, 'proposal')!.textContent).to.contain('Support 248').and.contain('Resistance 254');

    // Per item: apply the support only; the card keeps the resistance.
    part<HTMLButtonElement>(el, 'proposal-item-apply')!.click();
    await until(() => commands.length === 1);
    expect(commands[0]!.detail).to.deep.equal(SUPPORT);
    expect(commands[0]!.origin).to.equal('proposal');
    await until(() => parts(el, 'proposal-item').length === 1);
    part<HTMLButtonElement>(el, 'dismiss-button')!.click();
    await until(() => !part(el, 'proposal'));
    expect(proposals.at(-1)!.detail.status).to.equal('dismissed');

    // Turn 2 replaces the support level the first turn drew.
    const moved = { ...SUPPORT, price: 249 };
    await el.sendMessage(`/tool apply_chart_commands ${JSON.stringify({ commands: [moved] })}`);
    await answered(el);
    proposals.at(-1)!.detail.apply();
    await until(() => commands.length === 2);
    await until(() => parts(el, 'undo-button').length === 2);

    // Undo turn 2: exactly its drawing goes, the level it replaced comes back.
    parts<HTMLButtonElement>(el, 'undo-button').at(-1)!.click();
    await until(() => commands.length === 3);
    expect(commands[2]!.origin).to.equal('undo');
    expect(commands[2]!.detail).to.deep.equal(SUPPORT);
    await until(() => part(el, 'redo-button'));
    part<HTMLButtonElement>(el, 'redo-button')!.click();
    await until(() => commands.length === 4);
    expect(commands[3]!.origin).to.equal('redo');
    expect(commands[3]!.detail).to.deep.equal(moved);

    // The method undoes the newest turn first (turn 2 again), then turn 1: its support is removed.
    expect(await el.undo()).to.equal(true);
    expect(commands.at(-1)!.detail).to.deep.equal(SUPPORT);
    expect(await el.undo()).to.equal(true);
    const last: ChartCommand = commands.at(-1)!.detail;
    expect(last).to.deep.equal({ type: 'remove', id: 'ai-s1' });
    expect(await el.undo()).to.equal(false, 'nothing left to undo');

    // What the model hears next: proposed (same turn), then applied/dismissed/undone/redone.
    await el.sendMessage('what now?');
    await answered(el);
    const bodies = (await seenRequests()).filter((r) => r.path === '/api/chatkit').map((r) => JSON.parse(r.body));
    const outputs = bodies.filter((b) => b.type === 'threads.add_client_tool_output').map((b) => b.params.result.outcomes.map((o: { status: string }) => o.status));
    expect(outputs).to.deep.equal([['proposed', 'proposed'], ['proposed']]);
    const statuses = bodies.flatMap((b) => b.metadata.chart_outcomes ?? []).map((o: { id?: string; status: string }) => `${o.id}:${o.status}`);
    expect(statuses).to.deep.equal(['ai-s1:applied', 'ai-r1:dismissed', 'ai-s1:applied', 'ai-s1:undone', 'ai-s1:redone', 'ai-s1:undone', 'ai-s1:undone']);
  });
});
