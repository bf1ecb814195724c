// Bars sent once per thread (docs/protocol.md §6), in real Chromium against the real server, on
// both renderers: once the server acknowledged the bars of a thread, the next request with the
// same bars sends their hash (a small request) and the responder still gets every bar; changed
// bars are uploaded again; and when the server cannot resolve the hash (here: another tab
// replaced the thread's bars), the element sends the request again with the bars, unseen by the user.
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import type { ChartChat } from '../chart-chat.js';
import type { Bar, ChartContextInput } from '../contract/index.js';
import { answered, liteChat, part, record, seenRequests, type SeenRequest } from '../test-support/helpers.js';
import type { StandInChatKit } from '../test-support/stand-in-chatkit.js';
import '../test-support/stand-in-chatkit.js'; // registers the stand-in <openai-chatkit>
import '../define.js';

const HASH = /"bars":"[0-9a-f]{32}"/;
let demoBars: Bar[];
const chart = (bars: Bar[]): ChartContextInput => ({ symbol: 'TSLA', timeframe: '1D', lastPrice: 250, bars });

/** The streaming requests the proxy forwarded since the last call, with their body sizes. */
async function turns(): Promise<{ type: string; body: string; bytes: number }[]> {
  const seen: SeenRequest[] = await seenRequests();
  return seen
    .filter((r) => r.method === 'POST' && r.body.startsWith('{'))
    .map((r) => ({ type: JSON.parse(r.body).type as string, body: r.body, bytes: new TextEncoder().encode(r.body).length }))
    .filter((r) => r.type.startsWith('threads.') && !['threads.list', 'threads.get_by_id'].includes(r.type));
}

describe('bars sent once per thread', () => {
  before(async () => {
    demoBars = ((await (await fetch('/demo/data/TSLA-1D.json')).json()) as { bars: Bar[] }).bars.slice(-300);
  });
  beforeEach(() => seenRequests());

  it('lite: the second message of an unchanged chart sends a hash, and the server hands the responder all the bars', async () => {
    const el = await liteChat({ context: chart(demoBars) });
    const errors = record(el, 'chart-chat-error');
    await el.sendMessage('first');
    expect(await answered(el)).to.contain('[chart: TSLA 1D, 300 bars]');
    await el.sendMessage('second');
    expect(await answered(el)).to.contain('[chart: TSLA 1D, 300 bars]', 'the echo responder counted every bar');
    const [create, again, ...rest] = await turns();
    expect(rest).to.deep.equal([]);
    expect(create!.type).to.equal('threads.create');
    expect(create!.body).to.contain('"bars":[{"time"');
    expect(again!.type).to.equal('threads.add_user_message');
    expect(again!.body).to.match(HASH).and.not.contain('"time"');
    expect(again!.bytes).to.be.below(1500);
    expect(create!.bytes).to.be.above(15 * again!.bytes);
    console.log(`send less: a repeated-context turn is ${again!.bytes} B instead of ${create!.bytes} B (${(create!.bytes / again!.bytes).toFixed(1)}x smaller)`);

    // A new object with the same bars is still the same chart (compared by content); changed bars go up again.
    el.chartContext = { ...chart([...demoBars]), lastPrice: 251 };
    await el.sendMessage('same bars, new object');
    expect(await answered(el)).to.contain('300 bars');
    el.chartContext = chart(demoBars.slice(-299));
    await el.sendMessage('moved');
    expect(await answered(el)).to.contain('299 bars');
    el.chartContext = chart(demoBars.slice(-299));
    await el.sendMessage('moved, unchanged');
    expect(await answered(el)).to.contain('299 bars');
    const later = await turns();
    expect(later.map((t) => HASH.test(t.body))).to.deep.equal([true, false, true]);
    expect(errors).to.deep.equal([]);
  });

  it('lite: a hash the server no longer resolves is sent again with the bars, without the user seeing it', async () => {
    const el = await liteChat({ context: chart(demoBars) });
    const errors = record(el, 'chart-chat-error');
    await el.sendMessage('first');
    await answered(el);
    // Another tab of the same browser uploads other bars to this thread: the stored bars change.
    const other = await fetch('/api/chatkit', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Chart-Chat-Client': localStorage.getItem('chart-chat:client-id')! },
      body: JSON.stringify({
        type: 'threads.add_user_message',
        params: { thread_id: el.threadId, input: { content: [{ type: 'input_text', text: 'other tab' }], attachments: [] } },
        metadata: { chart_context: chart(demoBars.slice(0, 120)) },
      }),
    });
    expect(other.status).to.equal(200);
    await other.text();
    await seenRequests();

    await el.sendMessage('back here');
    expect(await answered(el)).to.contain('[chart: TSLA 1D, 300 bars]', 'the responder got this page’s bars');
    const [hashed, resent, ...rest] = await turns();
    expect(rest).to.deep.equal([]);
    expect(hashed!.body).to.match(HASH);
    expect(resent!.body).to.contain('"bars":[{"time"');
    expect(JSON.parse(resent!.body).params).to.deep.equal(JSON.parse(hashed!.body).params, 'the same request, with the bars');
    expect(errors).to.deep.equal([]);
    expect(part(el, 'error')).to.equal(null);

    // The re-sent bars were acknowledged: the next message is small again.
    await el.sendMessage('and again');
    await answered(el);
    expect((await turns()).map((t) => HASH.test(t.body))).to.deep.equal([true]);
  });

  it('lite with the offline analyst: the same question gets the same analysis from the stored bars', async () => {
    const el = await fixture<ChartChat>(html`<chart-chat renderer="lite" api-url="/analyst/api/chatkit" .chartContext=${chart(demoBars)}></chart-chat>`);
    await waitUntil(() => el.activeRenderer === 'lite', 'lite renderer did not mount', { timeout: 5000 });
    await el.sendMessage('what is the trend?');
    const first = await answered(el);
    await el.sendMessage('what is the trend?');
    const second = await answered(el);
    expect(first).to.match(/trend/i);
    expect(second).to.equal(first);
    const [create, again] = await turns();
    expect(create!.body).to.contain('"bars":[{"time"');
    expect(again!.body).to.match(HASH);
  });

  it('ChatKit: requests through ChatKit’s fetch send the hash too, and the server resolves it', async () => {
    const el = await fixture<ChartChat>(html`<chart-chat renderer="chatkit" .chatkitTimeout=${400} .chartContext=${chart(demoBars)}></chart-chat>`);
    await waitUntil(() => el.activeRenderer === 'chatkit', 'ChatKit renderer did not mount', { timeout: 5000 });
    const chatkit = el.shadowRoot!.querySelector('openai-chatkit') as unknown as StandInChatKit;
    const input = (text: string) => ({ content: [{ type: 'input_text', text }], attachments: [], inference_options: {} });
    const text = (events: { type: string; item?: { type: string; content?: { text: string }[] } }[]) =>
      events.filter((e) => e.type === 'thread.item.done' && e.item?.type === 'assistant_message').map((e) => e.item!.content![0]!.text).join('');
    const created = await chatkit.request({ type: 'threads.create', params: { input: input('first') } });
    const threadId = created.find((e) => e.type === 'thread.created')!.thread.id as string;
    expect(text(created)).to.contain('300 bars');
    const again = await chatkit.request({ type: 'threads.add_user_message', params: { thread_id: threadId, input: input('second') } });
    expect(text(again)).to.contain('[chart: TSLA 1D, 300 bars]');
    const [first, second] = await turns();
    expect(first!.body).to.contain('"bars":[{"time"');
    expect(second!.body).to.match(HASH);
    expect(second!.bytes).to.be.below(1500);
  });
});
