/**
 * Proposal cards for ChatKit pages in confirm mode, through the whole app: after the offline analyst
 * (effects) or the OpenAI responder (client tool, then continuation) proposed commands, a Card widget
 * lists them with client-handled Apply/Dismiss actions carrying the commands; lite pages get no card.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createApp } from '../app.js';
import { barsFromPath } from '../analysis/synthetic.js';
import { MemoryStore } from '../store/memory-store.js';
import { createdThreadId, createThread, post } from '../test-support/chatkit-client.js';
import { startFakeOpenAI, turn, type FakeOpenAI } from '../test-support/fake-openai.js';
import { listen, type Listening } from '../test-support/listen.js';
import { chartCommands, chartContext } from '../test-support/responder-assertions.js';
import type { ThreadStreamEvent } from '../wire/types.js';
import { AnalystResponder } from './analyst/analyst.js';
import { OpenAIResponder } from './openai/openai-responder.js';

const BARS = barsFromPath(200, (i) => 100 + 12 * Math.sin(i / 9), { seed: 9, noise: 0.3, wick: 0.6 });
const metadata = (ui: string) => ({ chart_context: chartContext(BARS), chart_client: { apply: 'confirm', allow: ['read', 'draw', 'navigate'], ui } });

type Card = { type: string; children: { type: string; value?: string; children?: { label: string; onClickAction: { type: string; handler: string; payload: { decision: string; commands: unknown[] } } }[] }[] };
function card(events: readonly ThreadStreamEvent[]): Card | undefined {
  const done = events.find((e) => e.type === 'thread.item.done' && e.item.type === 'widget');
  return done?.type === 'thread.item.done' && done.item.type === 'widget' ? (done.item.widget as Card) : undefined;
}

describe('proposal cards (ChatKit, apply="confirm")', () => {
  it('the analyst: a card after the proposed levels, with Apply/Dismiss actions that carry them; none for the lite UI', async () => {
    const app = createApp({ responder: new AnalystResponder({ chunkDelayMs: 0 }), log: () => {} });
    const answer = await post(app, createThread('draw support and resistance', metadata('chatkit')));
    const commands = chartCommands(answer.events!);
    assert.ok(commands.length >= 2);
    const widget = card(answer.events!)!;
    assert.equal(widget.type, 'Card');
    assert.equal(widget.children[0]!.value, 'Proposed on the chart');
    const buttons = widget.children.at(-1)!.children!;
    assert.deepEqual(buttons.map((b) => [b.label, b.onClickAction.type, b.onClickAction.handler, b.onClickAction.payload.decision]), [
      ['Apply', 'chart_proposal', 'client', 'apply'],
      ['Dismiss', 'chart_proposal', 'client', 'dismiss'],
    ]);
    assert.deepEqual(buttons[0]!.onClickAction.payload.commands, commands);
    const text = answer.events!.flatMap((e) => (e.type === 'thread.item.done' && e.item.type === 'assistant_message' ? e.item.content.map((c) => c.text) : [])).join('');
    assert.doesNotMatch(text, /I drew/, 'a proposal is not a drawing');
    assert.match(text, /I propose .* dashed lines[\s\S]*apply or dismiss them/);
    const lite = await post(app, createThread('draw support and resistance', metadata('lite')));
    assert.equal(card(lite.events!), undefined);
  });

  describe('the OpenAI responder', () => {
    let upstream: FakeOpenAI;
    let server: Listening;
    before(async () => {
      upstream = await startFakeOpenAI();
      server = await listen(createApp({ responder: new OpenAIResponder({ apiKey: 'sk-test', baseURL: upstream.baseURL, maxRetries: 0 }), store: new MemoryStore(), log: () => {} }));
    });
    after(async () => {
      await server.close();
      await upstream.close();
    });

    it('no card while the page still has to answer; the continuation ends with the card of what the page proposed', async () => {
      const level = { id: 'ai-l1', price: BARS.at(-1)!.close, role: 'level' };
      upstream.enqueue(turn.call('price_line', level, { callId: 'c1' }), turn.text('I proposed a level.'));
      const first = await post(server.url, createThread('draw', metadata('chatkit')));
      assert.equal(card(first.events!), undefined);
      const second = await post(server.url, {
        type: 'threads.add_client_tool_output',
        params: { thread_id: createdThreadId(first), result: { outcomes: [{ type: 'price_line', id: 'ai-l1', status: 'proposed' }] } },
        metadata: metadata('chatkit'),
      });
      const widget = card(second.events!)!;
      const [apply] = widget.children.at(-1)!.children!;
      assert.deepEqual((apply!.onClickAction.payload.commands as { id: string }[]).map((c) => c.id), ['ai-l1']);
    });
  });
});
