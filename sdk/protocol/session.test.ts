// Session tokens against the real server with sessions required (see web-test-runner.config.mjs:
// /secure-a issues 2-second tokens; /secure-b uses another secret, so /secure-a tokens are 401 there).
import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import type { ChartChat } from '../chart-chat.js';
import { answered, isBusy, lastAnswer, part, parts, seenRequests, until } from '../test-support/helpers.js';
import '../define.js';

async function chat(apiUrl: string, sessionUrl?: string) {
  const el = await fixture<ChartChat>(html`<chart-chat renderer="lite" api-url=${apiUrl} session-url=${sessionUrl ?? ''}></chart-chat>`);
  if (!sessionUrl) el.removeAttribute('session-url');
  await waitUntil(() => el.activeRenderer === 'lite', 'lite renderer did not mount', { timeout: 5000 });
  await seenRequests();
  return el;
}

const route = (r: { method: string; path: string }) => `${r.method} ${r.path}`;

describe('client id', () => {
  it('falls back to one in-memory id per page when storage is blocked', async () => {
    const own = Object.getOwnPropertyDescriptor(window, 'localStorage');
    const proto = Object.getOwnPropertyDescriptor(Window.prototype, 'localStorage');
    const stored = localStorage.getItem('chart-chat:client-id');
    // As in a sandboxed iframe or with third-party storage blocked.
    Object.defineProperty(window, 'localStorage', {
      configurable: true,
      get() {
        throw new DOMException('blocked', 'SecurityError');
      },
    });
    try {
      const el = await chat('/api/chatkit');
      await el.sendMessage('one');
      await el.sendMessage('two');
      const ids = (await seenRequests()).map((r) => r.headers['x-chart-chat-client']);
      expect(ids).to.have.length(2);
      expect(ids[0]).to.match(/^[0-9a-f]{32}$/);
      expect(ids[1]).to.equal(ids[0]);
      expect(ids[0]).to.not.equal(stored);
    } finally {
      if (own) Object.defineProperty(window, 'localStorage', own);
      else delete (window as { localStorage?: Storage }).localStorage;
      if (proto) expect(localStorage).to.be.instanceOf(Storage);
    }
  });
});

describe('session tokens', () => {
  it('a server that requires sessions refuses the element without session-url', async () => {
    const el = await chat('/secure-a/api/chatkit');
    const error = oneEvent(el, 'chart-chat-error');
    await el.sendMessage('hello');
    expect((await error).detail.error).to.include({ code: 'session_required', status: 401 });
  });

  it('fetches a token from session-url and sends it as a bearer token', async () => {
    const el = await chat('/secure-a/api/chatkit', '/secure-a/api/session');
    await el.sendMessage('hello');
    expect(await answered(el)).to.equal('You said: hello');
    await el.sendMessage('again'); // the token is still fresh: no new session request
    await until(() => parts(el, 'assistant-message').length === 2 && !isBusy(el));
    const requests = await seenRequests();
    expect(requests.map(route)).to.deep.equal([
      'POST /secure-a/api/session',
      'POST /secure-a/api/chatkit',
      'POST /secure-a/api/chatkit',
    ]);
    const [session, first, second] = requests;
    expect(session!.body).to.equal('{}');
    expect(session!.headers['x-chart-chat-client'], 'a client id is no proof of identity').to.equal(undefined);
    expect(first!.headers['authorization']).to.match(/^Bearer \S+$/);
    expect(second!.headers['authorization']).to.equal(first!.headers['authorization']);
  });

  it('refreshes the token shortly before it expires, presenting the old one', async () => {
    const el = await chat('/secure-a/api/chatkit', '/secure-a/api/session');
    await el.sendMessage('one');
    await answered(el);
    await new Promise((r) => setTimeout(r, 1700)); // 2 s tokens are refreshed from 1.6 s on
    await el.sendMessage('two');
    await until(() => parts(el, 'assistant-message').length === 2 && !isBusy(el));
    expect(lastAnswer(el)).to.equal('You said: two');
    const requests = await seenRequests();
    expect(requests.map(route)).to.deep.equal([
      'POST /secure-a/api/session',
      'POST /secure-a/api/chatkit',
      'POST /secure-a/api/session',
      'POST /secure-a/api/chatkit',
    ]);
    const firstToken = requests[1]!.headers['authorization'];
    expect(requests[2]!.headers['authorization'], 'refresh presents the old token').to.equal(firstToken);
    // The device cookie from the first answer comes back, and page scripts cannot read it.
    expect(requests[2]!.headers['cookie']).to.match(/chart_chat_device=cc1\./);
    expect(document.cookie).to.not.include('chart_chat_device');
    expect(requests[3]!.headers['authorization']).to.match(/^Bearer /).and.not.equal(firstToken);
    // Same identity after the refresh: the thread is still ours.
    expect(el.threadId).to.match(/^thr_/);
    expect(part(el, 'error')).to.equal(null);
  });

  it('on a 401 renews the token once and retries once, then reports the error', async () => {
    const el = await chat('/secure-b/api/chatkit', '/secure-a/api/session');
    const error = oneEvent(el, 'chart-chat-error');
    await el.sendMessage('hello');
    expect((await error).detail.error).to.include({ code: 'invalid_token', status: 401 });
    expect((await seenRequests()).map(route)).to.deep.equal([
      'POST /secure-a/api/session',
      'POST /secure-b/api/chatkit',
      'POST /secure-a/api/session',
      'POST /secure-b/api/chatkit',
    ]);
    await until(() => part(el, 'error'));
  });

  it('reports a failing session endpoint as session_failed', async () => {
    const el = await chat('/secure-a/api/chatkit', '/secure-a/api/no-such-session');
    const errors: string[] = [];
    el.addEventListener('chart-chat-error', (e) => errors.push(e.detail.code));
    await el.sendMessage('hello');
    await until(() => part(el, 'error'), 'no error shown');
    expect(errors).to.deep.equal(['session_failed', 'request_failed']);
    expect((await seenRequests()).map(route)).to.deep.equal(['POST /secure-a/api/no-such-session']);
  });
});
