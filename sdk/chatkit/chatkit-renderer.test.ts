// The ChatKit renderer with a stand-in <openai-chatkit> (the real one needs OpenAI's CDN). The
// stand-in records setOptions and drives the passed api.fetch / onClientTool against the real
// server the way ChatKit does, so everything the element hands ChatKit is exercised for real.
import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import { chatkitLocale } from './locale.js';
import type { ChatKitOptions, CustomApiConfig } from '@openai/chatkit';
import type { ChartChat } from '../chart-chat.js';
import type { ChatKitRenderer } from './chatkit-renderer.js';
import { parseChartContext } from '../contract/index.js';
import type { ChartProposalDetail, ChartCommandErrorEvent, ChartCommandEvent } from '../events.js';
import { CONTEXT, record, seenRequests, until } from '../test-support/helpers.js';
import { answerOf, StandInChatKit, type StandInOptions } from '../test-support/stand-in-chatkit.js';
import '../define.js';

type Options = StandInOptions;

/** Short enough that the grace window (min(3 s, timeout / 2)) does not slow every test down. */
const TIMEOUT = 400;
async function chatkitChat(template = html`<chart-chat renderer="chatkit" .chatkitTimeout=${TIMEOUT} .chartContext=${CONTEXT}></chart-chat>`) {
  const el = await fixture<ChartChat>(template);
  await waitUntil(() => el.activeRenderer === 'chatkit', 'ChatKit renderer did not mount', { timeout: 5000 });
  const chatkit = el.shadowRoot!.querySelector('openai-chatkit') as unknown as StandInChatKit;
  await waitUntil(() => chatkit.calls.length > 0, 'setOptions was not called');
  return { el, chatkit };
}

function expectComplete(options: Options) {
  expect(options.api.url).to.be.a('string').and.not.empty;
  expect(options.api.domainKey).to.be.a('string').and.not.empty;
  expect(options.api.fetch).to.be.a('function');
  expect(options.onClientTool).to.be.a('function');
  expect(options.theme).to.be.oneOf(['light', 'dark']);
  expect(options.startScreen).to.have.property('prompts').that.is.an('array');
  expect(options.composer).to.be.an('object');
}

describe('<chart-chat renderer="chatkit"> with a stand-in <openai-chatkit>', () => {
  beforeEach(async () => {
    await seenRequests();
  });

  it('passes a complete options object, again on every option change', async () => {
    const { el, chatkit } = await chatkitChat(html`<chart-chat
      renderer="chatkit"
      .chatkitTimeout=${TIMEOUT}
      api-url="/api/chatkit"
      domain-key="domain_pk_test"
      theme="dark"
      locale="de"
      placeholder="Frag mich"
      greeting="Hallo"
      .prompts=${['Support?', { label: 'Trend', prompt: 'What is the trend?' }]}
    ></chart-chat>`);
    const first = chatkit.options;
    // Compile-time check: what the renderer builds is ChatKit's own option type.
    type Built = ReturnType<ChatKitRenderer['options']>;
    const typed: (built: Built) => ChatKitOptions = (built) => built;
    void typed;
    expect(first.api).to.include({ url: '/api/chatkit', domainKey: 'domain_pk_test' });
    expect(first).to.deep.include({
      theme: 'dark',
      locale: 'de',
      composer: { placeholder: 'Frag mich' },
      startScreen: {
        greeting: 'Hallo',
        prompts: [
          { label: 'Support?', prompt: 'Support?' },
          { label: 'Trend', prompt: 'What is the trend?' },
        ],
      },
    });
    expect(chatkit.calls).to.have.length(1);

    el.greeting = 'Servus';
    await el.updateComplete;
    el.theme = 'light';
    el.locale = 'pt-BR';
    await el.updateComplete;
    expect(chatkit.calls.length).to.be.within(2, 3);
    for (const call of chatkit.calls) expectComplete(call);
    expect(chatkit.options.startScreen!.greeting).to.equal('Servus');
    expect(chatkit.options).to.deep.include({ theme: 'light', locale: 'pt-BR', composer: { placeholder: 'Frag mich' } });

    // Context changes need no setOptions: the fetch reads the live context.
    const before = chatkit.calls.length;
    el.chartContext = { symbol: 'AAPL', timeframe: '1h' };
    await el.updateComplete;
    expect(chatkit.calls).to.have.length(before);
  });

  it('remounts on a new chatkit-src or domain-key, and the old ChatKit is disposed for good', async () => {
    const { el, chatkit: first } = await chatkitChat();
    const current = () => el.shadowRoot!.querySelector('openai-chatkit') as unknown as StandInChatKit | null;
    el.chatkitSrc = '/another/chatkit.js'; // <openai-chatkit> is defined already: nothing to fetch
    await waitUntil(() => current() && current() !== first && el.activeRenderer === 'chatkit', 'no remount on chatkit-src');
    expect(first.isConnected).to.equal(false);
    // The disposed one is deaf: its late events reach nobody.
    const effects = record(el, 'chart-chat-effect', 'chart-chat-thread-change', 'chart-chat-error');
    first.effect('highlight', {});
    first.dispatchEvent(new CustomEvent('chatkit.thread.change', { detail: { threadId: 'old' } }));
    first.dispatchEvent(new CustomEvent('chatkit.error', { detail: { error: new Error('late') } }));
    expect(effects).to.have.length(0);

    const second = current()!;
    el.domainKey = 'domain_pk_rotated';
    await waitUntil(() => current() && current() !== second && el.activeRenderer === 'chatkit', 'no remount on domain-key');
    expect(current()!.options.api.domainKey).to.equal('domain_pk_rotated');
    expect(second.isConnected).to.equal(false);
  });

  it('uses a non-empty dev domain key when domain-key is not set', async () => {
    const { chatkit } = await chatkitChat();
    expectComplete(chatkit.options);
    expect(chatkit.options.api).to.include({ url: '/api/chatkit', domainKey: 'local-dev' });
    expect(chatkit.options.theme).to.equal('light');
  });

  it("api.fetch adds metadata.chart_context to the body and keeps the caller's headers and metadata", async () => {
    const { el, chatkit } = await chatkitChat();
    const events = await chatkit.converse('hello');
    expect(answerOf(events)).to.deep.equal(['You said: hello [chart: TSLA 1D, 2 bars]']);

    const [request] = await seenRequests();
    const body = JSON.parse(request!.body);
    const expected = parseChartContext(CONTEXT);
    expect(body.metadata).to.deep.equal({
      from: 'chatkit',
      chart_context: JSON.parse(JSON.stringify(expected.success && expected.output)),
      chart_client: { apply: 'auto', allow: ['read', 'draw', 'navigate'], ui: 'chatkit' },
    });
    expect(request!.headers).to.include({ 'x-caller': 'kept', 'accept-language': 'en', 'content-type': 'application/json' });
    expect(request!.headers['x-chart-chat-client']).to.equal(localStorage.getItem('chart-chat:client-id'));

    // The context is read at request time: a replaced object is sent next time.
    el.chartContext = { symbol: 'NVDA', timeframe: '4h' };
    expect(answerOf(await chatkit.converse('again'))).to.deep.equal(['You said: again [chart: NVDA 4h, 0 bars]']);
  });

  it('api.fetch adds the chart context whatever form the body takes, and never drops a header', async () => {
    const { chatkit } = await chatkitChat();
    const fetchFn = chatkit.options.api.fetch!;
    const json = JSON.stringify({ type: 'threads.list', params: {}, metadata: { from: 'form' } });
    const bytes = new TextEncoder().encode(json);
    const expected = parseChartContext(CONTEXT);
    const context = JSON.parse(JSON.stringify(expected.success && expected.output));
    const headers = { 'Content-Type': 'application/json', 'X-Caller': 'kept' };
    const forms: [string, () => Promise<Response>][] = [
      ['string', () => fetchFn('/api/chatkit', { method: 'POST', headers, body: json })],
      ['Blob', () => fetchFn('/api/chatkit', { method: 'POST', headers: { 'X-Caller': 'kept' }, body: new Blob([json], { type: 'application/json' }) })],
      ['ArrayBuffer', () => fetchFn('/api/chatkit', { method: 'POST', headers, body: bytes.slice().buffer })],
      ['Uint8Array', () => fetchFn('/api/chatkit', { method: 'POST', headers, body: bytes })],
      ['DataView', () => fetchFn('/api/chatkit', { method: 'POST', headers, body: new DataView(bytes.slice().buffer) })],
      ['Request', () => fetchFn(new Request(new URL('/api/chatkit', location.href), { method: 'POST', headers, body: json }))],
      ['Request + init headers', () => fetchFn(new Request(new URL('/api/chatkit', location.href), { method: 'POST', headers: { 'X-Caller': 'kept' }, body: json }), { headers: { 'Content-Type': 'application/json', 'X-Init': 'also' } })],
    ];
    for (const [form, send] of forms) {
      const res = await send();
      expect(res.status, form).to.equal(200);
      const [request] = await seenRequests();
      const body = JSON.parse(request!.body);
      expect(body, form).to.deep.include({ type: 'threads.list', params: {} });
      expect(body.metadata, form).to.deep.include({ from: 'form', chart_context: context });
      expect(request!.headers, form).to.include({ 'x-caller': 'kept', 'content-type': 'application/json' });
      expect(request!.headers['x-chart-chat-client'], form).to.equal(localStorage.getItem('chart-chat:client-id'));
      if (form === 'Request + init headers') expect(request!.headers['x-init']).to.equal('also');
    }
    // Bodies that are no JSON object pass through untouched.
    const form = new FormData();
    form.set('file', 'abc');
    await fetchFn('/api/chatkit', { method: 'POST', body: form }).catch(() => undefined);
    expect((await seenRequests())[0]!.body).to.contain('abc').and.not.contain('chart_context');
    await fetchFn('/api/chatkit', { method: 'POST', body: '[1,2]' });
    expect((await seenRequests())[0]!.body).to.equal('[1,2]');
  });

  it('turns chart_command effects from the server into chart-command events', async () => {
    const { el, chatkit } = await chatkitChat();
    const command = { type: 'trendline', id: 't1', p1: { time: 1_700_000_000, price: 240 }, p2: { time: 1_700_086_400, price: 251 } };
    const event = oneEvent(el, 'chart-command') as Promise<ChartCommandEvent>;
    const events = await chatkit.converse(`/effect ${JSON.stringify(command)}`);
    expect(events.some((e) => e.type === 'client_effect')).to.be.true;
    const e = await event;
    expect(e.detail).to.deep.equal(command);
    expect(e.bubbles && e.composed && e.cancelable).to.be.true;
  });

  it('re-dispatches other effects as chart-chat-effect', async () => {
    const { el, chatkit } = await chatkitChat();
    const event = oneEvent(el, 'chart-chat-effect');
    chatkit.effect('highlight', { index: 3 });
    expect((await event).detail).to.deep.equal({ name: 'highlight', data: { index: 3 } });
  });

  it('invalid command data only ever becomes chart-command-error', async () => {
    const { el, chatkit } = await chatkitChat();
    const commands = record(el, 'chart-command');
    const errors = record<ChartCommandErrorEvent>(el, 'chart-command-error');
    const hugeLabel = 'x'.repeat(10 * 1024 * 1024);
    let nested: unknown = 'leaf';
    for (let i = 0; i < 2000; i++) nested = { nested };
    const invalid: [string, unknown][] = [
      ['wrong type', { type: 'draw_everything', id: 'a' }],
      ['NaN price', { type: 'price_line', id: 'a', price: NaN, role: 'support' }],
      ['Infinity price', { type: 'price_line', id: 'a', price: Infinity, role: 'level' }],
      ['missing id', { type: 'marker', time: 1_700_000_000, position: 'above', shape: 'circle' }],
      ['10 MB label', { type: 'price_line', id: 'a', price: 10, role: 'support', label: hugeLabel }],
      ['nested garbage', { type: 'zone', id: 'z', top: nested, bottom: 1 }],
      ['deep garbage', nested],
      ['not an object', 'price_line 10'],
      ['no data', undefined],
    ];
    for (const [, data] of invalid) chatkit.effect('chart_command', data);
    await el.loop(); // commands go through the lazily loaded command loop, in arrival order
    expect(commands).to.have.length(0);
    expect(errors).to.have.length(invalid.length);
    errors.forEach((e, i) => {
      expect(e.detail.data, invalid[i]![0]).to.equal(invalid[i]![1]);
      expect(e.detail.message, invalid[i]![0]).to.be.a('string').and.not.empty;
      expect(e.bubbles && e.composed).to.be.true;
    });
    expect(errors[1]!.detail.message).to.contain('price must be a finite number');
    expect(errors[3]!.detail.message).to.contain('id');
    expect(errors[4]!.detail.message).to.contain('label: Invalid length: Expected <=64 but received 10485760');
    expect(errors[4]!.detail.message.length).to.be.below(500);
  });

  it("widgets.onAction: chart_command actions reach the page as chart-command events; chart_proposal applies the open proposal; other actions reach the integrator's handler", async () => {
    const { el, chatkit } = await chatkitChat();
    const seen: unknown[] = [];
    el.chatkitOptions = { widgets: { onAction: async (action) => void seen.push(action.type) } };
    await until(() => chatkit.options.widgets?.onAction);
    const act = (type: string, payload: Record<string, unknown>) =>
      chatkit.options.widgets!.onAction!({ type, payload }, { id: 'w1', widget: { type: 'Card', children: [] } as never });
    const commands = record<ChartCommandEvent>(el, 'chart-command');
    await act('chart_command', { type: 'price_line', id: 'w-s1', price: 250, role: 'support' });
    expect(commands.map((e) => e.detail)).to.deep.equal([{ type: 'price_line', id: 'w-s1', price: 250, role: 'support' }]);

    el.apply = 'confirm';
    const proposals = record<CustomEvent<ChartProposalDetail>>(el, 'chart-proposal');
    const level = { type: 'price_line', id: 'w-r1', price: 260, role: 'resistance' };
    await chatkit.options.onClientTool!({ name: 'apply_chart_commands', params: { commands: [level] } });
    expect(proposals.at(-1)!.detail.status).to.equal('open');
    await act('chart_proposal', { decision: 'apply', commands: [level] });
    expect(proposals.at(-1)!.detail.status).to.equal('applied');
    expect(commands.at(-1)!.detail).to.deep.equal(level);
    expect(commands.at(-1)!.origin).to.equal('proposal');

    await act('open_url', { href: 'x' });
    expect(seen).to.deep.equal(['open_url']);
  });

  it('onClientTool answers get_chart_context, apply_chart_commands and unknown tools with plain objects', async () => {
    const { el, chatkit } = await chatkitChat();
    const tool = (name: string, params: Record<string, unknown>) => chatkit.options.onClientTool!({ name, params });
    const expected = parseChartContext(CONTEXT);
    expect(await tool('get_chart_context', {})).to.deep.equal(expected.success && expected.output);

    const commands = record<ChartCommandEvent>(el, 'chart-command');
    const outcomes = async (...commands: unknown[]) => ((await tool('apply_chart_commands', { commands })) as { outcomes: { status: string; reason?: string }[] }).outcomes;
    expect(await outcomes({ type: 'set_timeframe', timeframe: '1h' })).to.deep.equal([{ type: 'set_timeframe', status: 'applied' }]);
    expect(commands.map((e) => e.detail)).to.deep.equal([{ type: 'set_timeframe', timeframe: '1h' }]);

    const reject = (e: Event) => e.preventDefault();
    el.addEventListener('chart-command', reject);
    expect(await outcomes({ type: 'clear' })).to.deep.equal([{ type: 'clear', status: 'rejected', reason: 'rejected by the host' }]);
    el.removeEventListener('chart-command', reject);

    const errors = record<ChartCommandErrorEvent>(el, 'chart-command-error');
    const [nan] = await outcomes({ type: 'price_line', id: 'p', price: NaN, role: 'support' });
    expect(nan).to.deep.equal({ type: 'price_line', status: 'invalid', reason: 'price: price must be a finite number' });
    const [huge] = await outcomes({ type: 'marker', id: 'm', time: 1, position: 'above', shape: 'circle', text: 'y'.repeat(10 * 1024 * 1024) });
    expect(huge!.status).to.equal('invalid');
    expect(String(huge!.reason)).to.contain('Expected <=64');
    expect(errors).to.have.length(2);
    expect(commands).to.have.length(2); // the accepted one and the rejected one; no invalid ones

    expect(await tool('open_pod_bay_doors', {})).to.deep.equal({ error: 'unknown client tool open_pod_bay_doors' });

    el.chartContext = undefined;
    expect(await tool('get_chart_context', {})).to.have.property('error').that.contains('no chart context');
  });

  it('runs client tool round trips against the real server', async () => {
    const { el, chatkit } = await chatkitChat();
    const expected = parseChartContext(CONTEXT);
    const read = await chatkit.converse('/tool get_chart_context {}');
    expect(answerOf(read)).to.deep.equal([`tool output: ${JSON.stringify(expected.success && expected.output)}`]);

    const event = oneEvent(el, 'chart-command') as Promise<ChartCommandEvent>;
    const apply = await chatkit.converse('/tool apply_chart_commands {"commands":[{"type":"price_line","id":"r1","price":260,"role":"resistance"}]}');
    expect((await event).detail).to.deep.equal({ type: 'price_line', id: 'r1', price: 260, role: 'resistance' });
    expect(answerOf(apply)).to.deep.equal(['tool output: {"outcomes":[{"type":"price_line","id":"r1","status":"applied"}]}']);
  });

  it("re-dispatches ChatKit's events and tracks the thread id", async () => {
    const { el, chatkit } = await chatkitChat();
    const events = record<CustomEvent>(el, 'chart-chat-error', 'chart-chat-response-start', 'chart-chat-response-end', 'chart-chat-thread-change');
    const boom = new Error('boom');
    chatkit.dispatchEvent(new CustomEvent('chatkit.response.start'));
    chatkit.dispatchEvent(new CustomEvent('chatkit.thread.change', { detail: { threadId: 'thr_1234' } }));
    chatkit.dispatchEvent(new CustomEvent('chatkit.response.end'));
    chatkit.dispatchEvent(new CustomEvent('chatkit.error', { detail: { error: boom } }));
    expect(events.map((e) => [e.type, e.detail])).to.deep.equal([
      ['chart-chat-response-start', null],
      ['chart-chat-thread-change', { threadId: 'thr_1234' }],
      ['chart-chat-response-end', null],
      ['chart-chat-error', { code: 'chatkit_error', message: 'boom', error: boom }],
    ]);
    expect(events.every((e) => e.bubbles && e.composed)).to.be.true;
    expect(el.threadId).to.equal('thr_1234');
  });

  it('lets go of a thread the server no longer has: ChatKit is set to a new thread, and thread_gone says why', async () => {
    const { el, chatkit } = await chatkitChat();
    const errors = record<CustomEvent>(el, 'chart-chat-error');
    const input = { content: [{ type: 'input_text', text: 'hello' }], attachments: [], inference_options: {} };
    const created = await chatkit.request({ type: 'threads.create', params: { input } });
    const threadId = created.find((e) => e.type === 'thread.created')!.thread.id as string;
    chatkit.dispatchEvent(new CustomEvent('chatkit.thread.change', { detail: { threadId } }));
    const deleted = await chatkit.options.api.fetch!('/api/chatkit', { method: 'POST', body: JSON.stringify({ type: 'threads.delete', params: { thread_id: threadId } }) });
    expect(deleted.status).to.equal(200);
    expect(chatkit.threadIds).to.deep.equal([]);

    const refused = await chatkit.request({ type: 'threads.add_user_message', params: { thread_id: threadId, input } }).catch((e: Error) => e);
    expect(String(refused)).to.contain('HTTP 404');
    expect(chatkit.threadIds).to.deep.equal([null]);
    expect(el.threadId).to.equal(null);
    expect(errors.map((e) => e.detail.code)).to.deep.equal(['thread_gone']);
    expect(errors[0]!.detail.message).to.contain(threadId);
  });

  it('a 404 for anything but a message to the thread on screen leaves the thread alone', async () => {
    const { el, chatkit } = await chatkitChat();
    const errors = record<CustomEvent>(el, 'chart-chat-error');
    chatkit.dispatchEvent(new CustomEvent('chatkit.thread.change', { detail: { threadId: 'thr_on_screen' } }));
    await chatkit.request({ type: 'threads.get_by_id', params: { thread_id: 'thr_some_other' } }).catch(() => undefined);
    expect(chatkit.threadIds).to.deep.equal([]);
    expect(el.threadId).to.equal('thr_on_screen');
    expect(errors).to.deep.equal([]);
  });

  it('delegates sendMessage, newThread and focusComposer to ChatKit', async () => {
    const { el, chatkit } = await chatkitChat();
    await el.sendMessage('draw support');
    el.newThread();
    el.focusComposer();
    expect(chatkit.sent).to.deep.equal([{ text: 'draw support' }]);
    expect(chatkit.threadIds).to.deep.equal([null]);
    expect(chatkit.focused).to.equal(1);
  });

  it('is accessible', async () => {
    const { el } = await chatkitChat();
    await expect(el).to.be.accessible();
  });

  it('merges chatkitOptions under its own api, fetch and client tools, typed as ChatKit options', async () => {
    const widgetActions: unknown[] = [];
    const hostTools: string[] = [];
    const chatkitOptions: ChartChat['chatkitOptions'] = {
      history: { enabled: true, showDelete: false },
      header: { enabled: true, title: { text: 'Chart chat' } },
      threadItemActions: { feedback: true, retry: true },
      composer: { attachments: { enabled: true, maxCount: 2 }, tools: [{ id: 'levels', label: 'Levels', icon: 'chart' }] },
      entities: { showComposerMenu: false },
      widgets: { onAction: async (action) => void widgetActions.push(action) },
      disclaimer: { text: 'Not financial advice.' },
      theme: { colorScheme: 'dark', radius: 'soft', color: { accent: { primary: '#7c3aed', level: 2 } } },
      initialThread: 'thr_saved',
      startScreen: { prompts: [{ label: 'Icon prompt', prompt: 'p', icon: 'chart' }] },
      api: { uploadStrategy: { type: 'two_phase' } },
      onClientTool: ({ name }) => (hostTools.push(name), { mine: true }),
      // What the element owns wins, even when an integrator (wrongly) passes it in:
      ...({ api: { url: '/elsewhere', domainKey: 'domain_pk_x', fetch: () => Promise.reject(Error('no')), uploadStrategy: { type: 'two_phase' } } } as object),
    };
    const { el, chatkit } = await chatkitChat(html`<chart-chat
      renderer="chatkit"
      .chatkitTimeout=${TIMEOUT}
      placeholder="Ask"
      .chartContext=${CONTEXT}
      .chatkitOptions=${chatkitOptions}
    ></chart-chat>`);
    const o = chatkit.options;
    expect(o).to.deep.include({
      history: { enabled: true, showDelete: false },
      header: { enabled: true, title: { text: 'Chart chat' } },
      threadItemActions: { feedback: true, retry: true },
      entities: { showComposerMenu: false },
      disclaimer: { text: 'Not financial advice.' },
      initialThread: 'thr_saved',
      theme: { colorScheme: 'dark', radius: 'soft', color: { accent: { primary: '#7c3aed', level: 2 } } },
    });
    expect(o.composer).to.deep.equal({ attachments: { enabled: true, maxCount: 2 }, tools: [{ id: 'levels', label: 'Levels', icon: 'chart' }], placeholder: 'Ask' });
    expect(o.startScreen!.prompts).to.deep.equal([{ label: 'Icon prompt', prompt: 'p', icon: 'chart' }], 'no element prompts: the integrator keeps theirs');
    expect(o.api).to.include({ url: '/api/chatkit', domainKey: 'local-dev' });
    // The element's fetch (its transport, which adds the chart context), not the integrator's rejecting one.
    const res = await o.api.fetch!('/api/chatkit', { method: 'POST', body: JSON.stringify({ type: 'threads.list', params: {} }) });
    expect(res.status).to.equal(200);
    expect(JSON.parse((await seenRequests()).at(-1)!.body).metadata.chart_context).to.include({ symbol: CONTEXT.symbol, timeframe: CONTEXT.timeframe });
    expect(o.api.uploadStrategy).to.deep.equal({ type: 'two_phase' });
    await o.widgets!.onAction!({ type: 'custom', payload: { a: 1 } }, { id: 'w1', widget: {} as never });
    expect(widgetActions).to.deep.equal([{ type: 'custom', payload: { a: 1 } }]);
    // The element answers its own client tools; any other goes to the integrator's handler.
    const expected = parseChartContext(CONTEXT);
    expect(await o.onClientTool!({ name: 'get_chart_context', params: {} })).to.deep.equal(expected.success && expected.output);
    expect(await o.onClientTool!({ name: 'open_pod_bay_doors', params: {} })).to.deep.equal({ mine: true });
    expect(hostTools).to.deep.equal(['open_pod_bay_doors']);
    // Its own requests still go through the element's transport to the real server.
    expect(answerOf(await chatkit.converse('hi'))).to.deep.equal(['You said: hi [chart: TSLA 1D, 2 bars]']);
    // A theme string from the element, when the integrator's theme is no object.
    el.chatkitOptions = { theme: 'dark' } as ChartChat['chatkitOptions'];
    el.theme = 'light';
    await el.updateComplete;
    expect(chatkit.options.theme).to.equal('light');
  });

  it("maps locales to ChatKit's: region when ChatKit has it, else the language, else none", async () => {
    expect(['de-AT', 'de', 'DE_ch', 'pt-BR', 'pt-AO', 'zh-TW', 'zh-Hant', 'es-419', 'es-MX', 'fr-CA', 'en-GB', 'nb-NO', 'xx-YY', '', undefined].map(chatkitLocale)).to.deep.equal(
      ['de', 'de', 'de', 'pt-BR', 'pt', 'zh-TW', 'zh-Hant', 'es-419', 'es', 'fr-CA', 'en', 'nb', undefined, undefined, undefined],
    );
    const { chatkit } = await chatkitChat(html`<chart-chat renderer="chatkit" .chatkitTimeout=${TIMEOUT} locale="de-AT"></chart-chat>`);
    expect(chatkit.options.locale).to.equal('de');
  });
});

describe('ChatKit that fails while it starts (stand-in)', () => {
  afterEach(() => delete document.documentElement.dataset['chatkit']);

  const cases: [mode: string, why: RegExp][] = [
    ['never', /not ready within 400 ms/],
    ['refuse', /Domain verification request failed/],
    ['vanish', /removed its frame/],
  ];
  for (const [mode, why] of cases) {
    it(`auto falls back to a working lite UI when ChatKit ${mode === 'never' ? 'is never ready' : mode === 'refuse' ? 'refuses the domain' : 'drops its frame'}`, async () => {
      document.documentElement.dataset['chatkit'] = mode;
      const el = document.createElement('chart-chat');
      el.chatkitTimeout = TIMEOUT;
      const events = record<CustomEvent>(el, 'chart-chat-error', 'chart-chat-ready');
      await fixture(html`<div>${el}</div>`);
      await waitUntil(() => el.activeRenderer === 'lite', 'no fallback', { timeout: 5000 });
      const unavailable = events.find((e) => e.type === 'chart-chat-error' && e.detail.code === 'chatkit_unavailable');
      expect(unavailable, events.map((e) => e.detail.code).join()).to.exist;
      expect(unavailable!.detail.message).to.match(why);
      // One ready event, for the lite UI; ChatKit was never shown and is gone.
      expect(events.filter((e) => e.type === 'chart-chat-ready').map((e) => e.detail)).to.deep.equal([{ renderer: 'lite' }]);
      expect(el.shadowRoot!.querySelector('openai-chatkit')).to.equal(null);
      await el.sendMessage('still there?');
      await waitUntil(() => el.shadowRoot!.querySelector('[part~="assistant-message"]')?.textContent?.includes('You said: still there?'), 'no answer');
    });
  }

  it('renderer="chatkit" reports a ChatKit that is never ready and shows why, not a blank box', async () => {
    document.documentElement.dataset['chatkit'] = 'never';
    const el = document.createElement('chart-chat');
    el.renderer = 'chatkit';
    el.chatkitTimeout = TIMEOUT;
    const error = oneEvent(el, 'chart-chat-error');
    await fixture(html`<div>${el}</div>`);
    expect((await error).detail.code).to.equal('chatkit_unavailable');
    await el.updateComplete;
    expect(el.activeRenderer).to.equal(undefined);
    expect(el.shadowRoot!.querySelector('[part=status]')!.textContent).to.contain('could not be loaded');
    expect(el.shadowRoot!.querySelector('openai-chatkit')).to.equal(null);
  });

  it('keeps ChatKit invisible until it has been healthy through the grace window', async () => {
    const el = document.createElement('chart-chat');
    el.renderer = 'chatkit';
    el.chatkitTimeout = 1000; // grace 500 ms
    // ChatKit's ready event is composed: it reaches the element (listen before it can fire).
    const chatkitReady = oneEvent(el, 'chatkit.ready' as 'chart-chat-ready');
    await fixture(html`<div>${el}</div>`);
    await chatkitReady;
    const chatkit = el.shadowRoot!.querySelector<HTMLElement>('openai-chatkit')!;
    expect(chatkit.style.opacity).to.equal('0');
    expect(el.activeRenderer).to.equal(undefined);
    expect(el.shadowRoot!.querySelector('[part=status]')!.textContent).to.contain('Loading');
    await oneEvent(el, 'chart-chat-ready');
    expect(chatkit.style.opacity).to.equal('');
    expect(el.activeRenderer).to.equal('chatkit');
    expect(el.shadowRoot!.querySelector('[part=status]')).to.equal(null);
  });
});
