// The lite renderer against the real chart-chat server (EchoResponder, proxied same-origin).
import { expect, oneEvent } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import type { ChartCommandErrorEvent, ChartCommandEvent } from '../events.js';
import { parseChartContext } from '../contract/index.js';
import { CONTEXT, answered, isBusy, lastAnswer, liteChat, part, parts, record, seenRequests, until } from '../test-support/helpers.js';
import type { ChartChat } from '../chart-chat.js';

/** Types into the real textarea with real key presses, then presses Enter. */
async function type(el: ChartChat, text: string) {
  part<HTMLTextAreaElement>(el, 'input')!.focus();
  await sendKeys({ type: text });
  await sendKeys({ press: 'Enter' });
}

describe('<chart-chat renderer="lite">', () => {
  beforeEach(async () => {
    await seenRequests(); // start each test with an empty request log
  });

  it('sends a typed message with Enter and shows the streamed answer, with the chart context sent along', async () => {
    const el = await liteChat({ context: CONTEXT });
    await type(el, 'hello there');
    expect(parts(el, 'user-message').map((m) => m.textContent)).to.deep.equal(['hello there']);
    expect(await answered(el)).to.equal('You said: hello there [chart: TSLA 1D, 2 bars]');
    expect(part<HTMLTextAreaElement>(el, 'input')!.value).to.equal('');
    expect(el.threadId).to.match(/^thr_/);

    const [request] = (await seenRequests()).filter((r) => r.path === '/api/chatkit');
    const body = JSON.parse(request!.body);
    expect(body.type).to.equal('threads.create');
    expect(body.params.input.content).to.deep.equal([{ type: 'input_text', text: 'hello there' }]);
    const expected = parseChartContext(CONTEXT);
    expect(expected.success).to.be.true;
    expect(body.metadata.chart_context).to.deep.equal(expected.success && JSON.parse(JSON.stringify(expected.output)));
    expect(request!.headers['x-chart-chat-client']).to.equal(localStorage.getItem('chart-chat:client-id'));
    expect(request!.headers['x-chart-chat-client']).to.match(/^[0-9a-f]{32}$/);
  });

  it('continues the thread with the next message', async () => {
    const el = await liteChat();
    await type(el, 'first');
    await answered(el);
    const thread = el.threadId;
    await type(el, 'second');
    await until(() => parts(el, 'assistant-message').length === 2 && !isBusy(el), 'second answer');
    expect(lastAnswer(el)).to.equal('You said: second');
    expect(el.threadId).to.equal(thread);
    const types = (await seenRequests()).map((r) => JSON.parse(r.body).type);
    expect(types).to.deep.equal(['threads.create', 'threads.add_user_message']);
  });

  it('Shift+Enter inserts a newline instead of sending', async () => {
    const el = await liteChat();
    const input = part<HTMLTextAreaElement>(el, 'input')!;
    input.focus();
    await sendKeys({ type: 'line one' });
    await sendKeys({ down: 'Shift' });
    await sendKeys({ press: 'Enter' });
    await sendKeys({ up: 'Shift' });
    await sendKeys({ type: 'line two' });
    expect(input.value).to.equal('line one\nline two');
    expect(parts(el, 'user-message')).to.have.length(0);
  });

  it('streams text incrementally and marks the live answer for assistive tech', async () => {
    const el = await liteChat();
    await type(el, '/slow 40');
    await until(() => lastAnswer(el).length > 0, 'no partial text');
    const answer = parts(el, 'assistant-message').at(-1)!;
    expect(isBusy(el), 'still streaming when the first text shows').to.be.true;
    expect(answer.getAttribute('aria-live')).to.equal('polite');
    expect(answer.getAttribute('aria-busy')).to.equal('true');
    const partial = lastAnswer(el);
    await until(() => lastAnswer(el).length > partial.length, 'text did not grow');
    part(el, 'stop-button')!.click();
  });

  it('turns a client_effect into a chart-command event', async () => {
    const el = await liteChat();
    const command = { type: 'price_line', id: 'sup-1', price: 242.5, role: 'support', label: 'Support' };
    const event = oneEvent(el, 'chart-command') as Promise<ChartCommandEvent>;
    await type(el, `/effect ${JSON.stringify(command)}`);
    const e = await event;
    expect(e.detail).to.deep.equal(command);
    expect(e.bubbles && e.composed && e.cancelable).to.be.true;
    expect(await answered(el)).to.equal('ok');
  });

  it('never lets invalid command data reach the host: chart-command-error instead', async () => {
    const el = await liteChat();
    const commands = record<ChartCommandEvent>(el, 'chart-command');
    const errors = record<ChartCommandErrorEvent>(el, 'chart-command-error');
    const invalid = [
      { type: 'laser_beam', id: 'x' }, // wrong type
      { type: 'price_line', id: 'p', price: 'NaN', role: 'support' }, // NaN price (JSON cannot carry NaN)
      { type: 'price_line', id: 'p', price: null, role: 'support' }, // what JSON.stringify(NaN) becomes
      { type: 'price_line', price: 100, role: 'support' }, // missing id
      { type: 'price_line', id: 'p', price: { a: [[[{ b: [[[[1]]]] }]]] }, role: 'support' }, // nested garbage
      [[[[[[[[[[['deep']]]]]]]]]]],
    ];
    for (const data of invalid) {
      await el.sendMessage(`/effect ${JSON.stringify(data)}`);
      await answered(el);
    }
    await until(() => errors.length === invalid.length, `expected ${invalid.length} errors, got ${errors.length}`);
    expect(commands).to.have.length(0);
    expect(errors.map((e) => e.detail.data)).to.deep.equal(invalid);
    expect(errors[0]!.detail.message).to.contain('type: Invalid type: Expected ("price_line"');
    expect(errors[1]!.detail.message).to.contain('price');
    expect(errors[3]!.detail.message).to.contain('id');
  });

  it('answers get_chart_context with the validated context', async () => {
    const el = await liteChat({ context: CONTEXT });
    await el.sendMessage('/tool get_chart_context {}');
    const text = await answered(el, 'tool continuation');
    const expected = parseChartContext(CONTEXT);
    expect(text).to.equal(`tool output: ${JSON.stringify(expected.success && expected.output)}`);
    const types = (await seenRequests()).map((r) => JSON.parse(r.body));
    expect(types.map((b) => b.type)).to.deep.equal(['threads.create', 'threads.add_client_tool_output']);
    expect(types[1].params.thread_id).to.equal(el.threadId);
  });

  it('answers get_chart_context with an error when there is no context', async () => {
    const el = await liteChat();
    await el.sendMessage('/tool get_chart_context {}');
    expect(await answered(el)).to.match(/^tool output: \{"error":"no chart context/);
  });

  it('apply_chart_commands dispatches chart-command and reports applied', async () => {
    const el = await liteChat();
    const event = oneEvent(el, 'chart-command') as Promise<ChartCommandEvent>;
    await el.sendMessage('/tool apply_chart_commands {"commands":[{"type":"remove","id":"sup-1"}]}');
    expect((await event).detail).to.deep.equal({ type: 'remove', id: 'sup-1' });
    expect((await event).origin).to.equal('ai');
    expect(await answered(el)).to.equal('tool output: {"outcomes":[{"type":"remove","id":"sup-1","status":"applied"}]}');
  });

  it("apply_chart_commands reports the host's reject(reason) and a bare preventDefault()", async () => {
    const el = await liteChat();
    el.addEventListener('chart-command', (e) => (e.detail.type === 'set_symbol' ? e.reject('symbols are fixed here') : e.preventDefault()));
    await el.sendMessage('/tool apply_chart_commands {"commands":[{"type":"set_symbol","symbol":"AAPL"},{"type":"clear"}]}');
    expect(await answered(el)).to.equal(
      'tool output: {"outcomes":[{"type":"set_symbol","status":"rejected","reason":"symbols are fixed here"},{"type":"clear","status":"rejected","reason":"rejected by the host"}]}',
    );
  });

  it('apply_chart_commands with invalid arguments reports why and fires chart-command-error', async () => {
    const el = await liteChat();
    const commands = record(el, 'chart-command');
    const error = oneEvent(el, 'chart-command-error') as Promise<ChartCommandErrorEvent>;
    await el.sendMessage('/tool apply_chart_commands {"commands":[{"type":"zone","id":"z","top":-5,"bottom":10}]}');
    expect((await error).detail.data).to.deep.equal({ type: 'zone', id: 'z', top: -5, bottom: 10 });
    const text = await answered(el);
    expect(text).to.match(/^tool output: \{"outcomes":\[\{"type":"zone","status":"invalid","reason":"top: price must be greater than 0/);
    expect(commands).to.have.length(0);
  });

  it('allow: commands outside the policy are refused with a reason, and no context is sent without read', async () => {
    const el = await liteChat();
    el.allow = 'draw';
    const commands = record(el, 'chart-command');
    await el.sendMessage('/tool apply_chart_commands {"commands":[{"type":"set_timeframe","timeframe":"1h"},{"type":"remove","id":"x"}]}');
    expect(await answered(el)).to.equal(
      'tool output: {"outcomes":[{"type":"set_timeframe","status":"refused","reason":"this page does not let the AI navigate; it allows: draw"},{"type":"remove","id":"x","status":"applied"}]}',
    );
    expect(commands.map((e) => (e as ChartCommandEvent).detail.type)).to.deep.equal(['remove']);
    const bodies = (await seenRequests()).map((r) => JSON.parse(r.body));
    expect(bodies.every((b) => !('chart_context' in b.metadata))).to.equal(true);
    expect(bodies[0].metadata.chart_client).to.deep.equal({ apply: 'auto', allow: ['draw'], ui: 'lite' });
  });

  it('answers an unknown client tool with an error object', async () => {
    const el = await liteChat();
    await el.sendMessage('/tool launch_rockets {"count":3}');
    expect(await answered(el)).to.equal('tool output: {"error":"unknown client tool launch_rockets"}');
  });

  it('shows a stream error with a retry button that retries the turn', async () => {
    const el = await liteChat();
    const errors = record<CustomEvent<{ code: string; message: string }>>(el, 'chart-chat-error');
    await el.sendMessage('/error');
    await until(() => part(el, 'error'), 'no error shown');
    expect(part(el, 'error')!.getAttribute('role')).to.equal('alert');
    expect(part(el, 'error')!.textContent).to.contain('echo error');
    expect(errors.map((e) => e.detail.code)).to.deep.equal(['stream_error']);
    await until(() => !isBusy(el));
    await seenRequests();
    part(el, 'retry-button')!.click();
    await until(() => errors.length === 2 && !isBusy(el), 'retry did not run');
    const [retry] = await seenRequests();
    const body = JSON.parse(retry!.body);
    expect(body.type).to.equal('threads.retry_after_item');
    expect(body.params).to.deep.equal({ thread_id: el.threadId, item_id: body.params.item_id });
    expect(body.params.item_id).to.match(/^msg_/);
    expect(parts(el, 'user-message')).to.have.length(1);
  });

  it("shows the server's JSON error for a refused request, without a retry", async () => {
    const el = await liteChat();
    const error = oneEvent(el, 'chart-chat-error') as Promise<CustomEvent<{ code: string; error: { code: string; status: number } }>>;
    await el.sendMessage('x'.repeat(1_100_000)); // over the server's 1 MiB body limit
    const { detail } = await error;
    expect(detail.code).to.equal('request_failed');
    expect(detail.error.code).to.equal('payload_too_large');
    expect(detail.error.status).to.equal(413);
    await until(() => part(el, 'error'), 'no error shown');
    expect(part(el, 'error')!.textContent).to.match(/request body exceeds \d+ bytes/);
    expect(part(el, 'retry-button')).to.equal(null);
    expect(isBusy(el)).to.be.false;
  });

  it('sendMessage() rejects while an answer is streaming', async () => {
    const el = await liteChat();
    const first = el.sendMessage('/slow 20');
    await until(() => isBusy(el));
    let rejected: unknown;
    await el.sendMessage('too soon').catch((e) => (rejected = e));
    expect(String(rejected)).to.contain('still streaming');
    await first;
    expect(parts(el, 'user-message').map((m) => m.textContent)).to.deep.equal(['/slow 20']);
  });

  it('Stop aborts the streaming answer and keeps what arrived', async () => {
    const el = await liteChat();
    const ends = record(el, 'chart-chat-response-end');
    const done = el.sendMessage('/slow 400'); // resolves when the answer ends (here: stopped)
    await until(() => lastAnswer(el).length > 0, 'no partial text');
    part(el, 'stop-button')!.click();
    await until(() => !isBusy(el), 'still streaming after Stop');
    await done;
    expect(ends).to.have.length(1);
    expect(part(el, 'send-button')).to.exist;
    const kept = lastAnswer(el);
    await new Promise((r) => setTimeout(r, 200));
    expect(lastAnswer(el)).to.equal(kept);
    expect(part(el, 'error')).to.equal(null);
  });

  it('Stop, then send at once: the new answer streams, the stopped one is kept, no error', async () => {
    const el = await liteChat();
    const errors = record(el, 'chart-chat-error');
    const stopped = el.sendMessage('/slow 400');
    await until(() => lastAnswer(el).length > 0, 'no partial text');
    part(el, 'stop-button')!.click();
    await stopped;
    await el.sendMessage('again'); // at once: the server may not have seen the Stop yet
    await until(() => parts(el, 'assistant-message').length === 2 && !isBusy(el), 'no second answer');
    expect(lastAnswer(el)).to.equal('You said: again');
    expect(errors).to.have.length(0);
    expect(part(el, 'error')).to.equal(null);
    const shown = parts(el, 'assistant-message')[0]!.textContent!.trim();
    // The server kept the stopped answer (at least what was shown) before the new turn.
    const list = await fetch('/api/chatkit', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-chart-chat-client': localStorage.getItem('chart-chat:client-id')! },
      body: JSON.stringify({ type: 'items.list', params: { thread_id: el.threadId, order: 'asc', limit: 20 } }),
    });
    const items = ((await list.json()) as { data: { type: string; content: { text: string }[] }[] }).data;
    const said = items.map((item) => (item.type === 'user_message' ? 'user' : item.type === 'assistant_message' ? 'assistant' : item.type));
    expect(said).to.deep.equal(['user', 'assistant', 'user', 'assistant']);
    expect(items[1]!.content[0]!.text.trim().startsWith(shown)).to.be.true;
    expect(items[3]!.content[0]!.text).to.equal('You said: again');
  });

  it('recovers from a thread that is gone: starts a new thread with the message and says so', async () => {
    const el = await liteChat();
    await type(el, 'first');
    await answered(el);
    const gone = el.threadId;
    // The thread disappears server-side (deleted elsewhere, expired by retention).
    const deleted = await fetch('/api/chatkit', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-chart-chat-client': localStorage.getItem('chart-chat:client-id')! },
      body: JSON.stringify({ type: 'threads.delete', params: { thread_id: gone } }),
    });
    expect(deleted.status).to.equal(200);
    await type(el, 'second');
    await until(() => el.threadId !== gone && el.threadId !== null && !isBusy(el), 'a new thread');
    expect(lastAnswer(el)).to.equal('You said: second');
    expect(parts(el, 'user-message').map((m) => m.textContent)).to.deep.equal(['second']);
    expect(part(el, 'notice')?.textContent).to.equal('That conversation is no longer available, so a new one was started.');
    expect(part(el, 'error')).to.equal(null);
    const types = (await seenRequests()).filter((r) => r.path === '/api/chatkit').map((r) => JSON.parse(r.body).type);
    expect(types).to.deep.equal(['threads.create', 'threads.delete', 'threads.add_user_message', 'threads.create']);
  });

  it('New thread clears the conversation and the next message starts a new thread', async () => {
    const el = await liteChat({ greeting: 'Hi trader' });
    await el.sendMessage('one');
    await answered(el);
    const first = el.threadId;
    const change = oneEvent(el, 'chart-chat-thread-change');
    part(el, 'new-thread-button')!.click();
    expect((await change).detail).to.deep.equal({ threadId: null });
    await el.updateComplete;
    expect(el.threadId).to.equal(null);
    expect(parts(el, 'message')).to.have.length(0);
    expect(part(el, 'greeting')!.textContent).to.equal('Hi trader');
    await el.sendMessage('two');
    await answered(el);
    expect(el.threadId).to.match(/^thr_/).and.not.equal(first);
    expect(parts(el, 'message')).to.have.length(2);
  });

  it('sends a starter prompt when clicked', async () => {
    const el = await liteChat({ prompts: ['Find support', { label: 'Trend?', prompt: 'What is the trend?' }] });
    const buttons = parts(el, 'prompt');
    expect(buttons.map((b) => b.textContent)).to.deep.equal(['Find support', 'Trend?']);
    buttons[1]!.click();
    expect(await answered(el)).to.equal('You said: What is the trend?');
    expect(part(el, 'prompts')).to.equal(null);
  });

  it('renders assistant markdown safely: no HTML from model text, only http(s) links', async () => {
    const el = await liteChat();
    await el.sendMessage('**bold** <img src=x onerror=alert(1)> [bad](javascript:alert(1)) [good](https://example.com/a) `x<y`');
    await answered(el);
    const answer = parts(el, 'assistant-message').at(-1)!;
    expect(answer.querySelector('img')).to.equal(null);
    expect(answer.querySelector('strong')!.textContent).to.equal('bold');
    expect(answer.querySelector('code')!.textContent).to.equal('x<y');
    const links = [...answer.querySelectorAll('a')];
    expect(links.map((a) => a.getAttribute('href'))).to.deep.equal(['https://example.com/a']);
    expect(links[0]!.rel).to.contain('noopener');
    expect(answer.textContent).to.contain('<img src=x onerror=alert(1)>');
  });

  it('does not send an invalid context and reports it once per object', async () => {
    const el = await liteChat();
    const errors = record<CustomEvent<{ code: string; message: string }>>(el, 'chart-chat-error');
    const bad = { symbol: 'TSLA', timeframe: '1D', bars: [{ time: 1, open: NaN, high: 1, low: 1, close: 1 }] };
    el.chartContext = bad;
    await el.updateComplete;
    await el.sendMessage('plain');
    expect(await answered(el)).to.equal('You said: plain');
    await el.sendMessage('again');
    await until(() => parts(el, 'assistant-message').length === 2 && !isBusy(el));
    expect(errors.map((e) => e.detail.code)).to.deep.equal(['invalid_context']);
    expect(errors[0]!.detail.message).to.contain('bars.0.open');
    const bodies = (await seenRequests()).map((r) => JSON.parse(r.body));
    expect(bodies.every((b) => !b.metadata?.chart_context)).to.be.true;
    // A new, valid object is picked up: replace-the-object semantics.
    el.chartContext = { symbol: 'AAPL', timeframe: '1h' };
    await el.sendMessage('now');
    await until(() => parts(el, 'assistant-message').length === 3 && !isBusy(el));
    expect(lastAnswer(el)).to.equal('You said: now [chart: AAPL 1h, 0 bars]');
  });

  it('scopes threads to the browser through the X-Chart-Chat-Client header', async () => {
    const el = await liteChat();
    await el.sendMessage('mine');
    await answered(el);
    const get = (client: string) =>
      fetch('/api/chatkit', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-Chart-Chat-Client': client },
        body: JSON.stringify({ type: 'threads.get_by_id', params: { thread_id: el.threadId } }),
      });
    expect((await get(localStorage.getItem('chart-chat:client-id')!)).status).to.equal(200);
    expect((await get('someone-else-entirely-0123456789abcdef')).status).to.equal(404);
    expect((await get('short-id')).status, 'ids under 128 bits are refused').to.equal(401);
  });

  it('dispatches ready, response start/end and thread-change events', async () => {
    const el = await liteChat();
    const events = record(el, 'chart-chat-response-start', 'chart-chat-response-end', 'chart-chat-thread-change');
    await el.sendMessage('hi');
    await answered(el);
    expect(events.map((e) => e.type)).to.deep.equal([
      'chart-chat-response-start',
      'chart-chat-thread-change',
      'chart-chat-response-end',
    ]);
  });

  it('focusComposer() focuses the textarea', async () => {
    const el = await liteChat();
    el.focusComposer();
    expect(el.shadowRoot!.activeElement).to.equal(part(el, 'input'));
  });

  it('is themable: theme attribute, --chart-chat-* custom properties and ::part()', async () => {
    const style = document.createElement('style');
    style.textContent = 'chart-chat.themed::part(send-button) { border-radius: 17px; }';
    document.head.append(style);
    try {
      const el = await liteChat();
      const ui = part(el, 'lite')!;
      const light = getComputedStyle(ui).backgroundColor;
      el.theme = 'dark';
      await el.updateComplete;
      expect(el.getAttribute('theme')).to.equal('dark');
      expect(getComputedStyle(ui).backgroundColor).to.not.equal(light);
      el.style.setProperty('--chart-chat-accent', 'rgb(1, 2, 3)');
      el.style.setProperty('--chart-chat-bg', 'rgb(250, 240, 230)');
      expect(getComputedStyle(part(el, 'send-button')!).backgroundColor).to.equal('rgb(1, 2, 3)');
      expect(getComputedStyle(ui).backgroundColor).to.equal('rgb(250, 240, 230)');
      el.classList.add('themed');
      expect(getComputedStyle(part(el, 'send-button')!).borderTopLeftRadius).to.equal('17px');
    } finally {
      style.remove();
    }
  });

  it('is accessible, empty and mid-conversation, light and dark', async () => {
    const el = await liteChat({ prompts: ['Find support'] });
    await expect(el).to.be.accessible();
    await el.sendMessage('**hello** and a [link](https://example.com)');
    await answered(el);
    await el.sendMessage('/error');
    await until(() => part(el, 'retry-button'));
    await expect(el).to.be.accessible();
    el.theme = 'dark';
    await el.updateComplete;
    await expect(el).to.be.accessible();
  });
});
