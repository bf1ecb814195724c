// Renderer selection when ChatKit cannot load (no <openai-chatkit> is defined in this page).
import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import type { ChartChat } from '../chart-chat.js';
import { answered, part } from '../test-support/helpers.js';
import '../define.js';

const scriptsFor = (src: string) => [...document.scripts].filter((s) => s.src === new URL(src, location.href).href);

describe('renderer selection without ChatKit', () => {
  it('auto falls back to the lite renderer when the ChatKit script 404s', async () => {
    const el = document.createElement('chart-chat');
    el.setAttribute('chatkit-src', '/no-such-chatkit.js');
    const error = oneEvent(el, 'chart-chat-error');
    const ready = oneEvent(el, 'chart-chat-ready');
    (await fixture(html`<div></div>`)).append(el);
    expect(el.renderer).to.equal('auto');
    expect((await error).detail).to.include({ code: 'chatkit_unavailable' });
    expect((await ready).detail).to.deep.equal({ renderer: 'lite' });
    expect(el.activeRenderer).to.equal('lite');
    await el.updateComplete;
    expect(part(el, 'input')).to.exist;
    expect(el.shadowRoot!.querySelector('openai-chatkit')).to.equal(null);
    // The fallback is fully working against the server.
    await el.sendMessage('still here');
    expect(await answered(el)).to.equal('You said: still here');
  });

  it('auto falls back when the script loads but never defines <openai-chatkit> in time', async () => {
    const el = await fixture<ChartChat>(html`<chart-chat chatkit-src="data:text/javascript,void 0" .chatkitTimeout=${200}></chart-chat>`);
    const error = await oneEvent(el, 'chart-chat-error');
    expect(error.detail.code).to.equal('chatkit_unavailable');
    expect(error.detail.message).to.contain('not defined within 200 ms');
    await waitUntil(() => el.activeRenderer === 'lite', 'no fallback', { timeout: 5000 });
  });

  it('renderer="chatkit" reports the failure and does not fall back', async () => {
    const el = await fixture<ChartChat>(html`<chart-chat renderer="chatkit" chatkit-src="/missing/chatkit.js"></chart-chat>`);
    const error = await oneEvent(el, 'chart-chat-error');
    expect(error.detail.code).to.equal('chatkit_unavailable');
    await el.updateComplete;
    expect(el.activeRenderer).to.equal(undefined);
    expect(part(el, 'status')!.textContent).to.contain('could not be loaded');
    expect(part(el, 'input')).to.equal(null);
  });

  it('loads one script per page for many elements', async () => {
    const src = '/one-script-per-page.js';
    // Count insertions, not what is left: a failed script removes itself, possibly before we look.
    const added: Node[] = [];
    const observer = new MutationObserver((records) =>
      records.forEach((r) => added.push(...[...r.addedNodes].filter((n) => (n as HTMLScriptElement).src?.endsWith(src)))),
    );
    observer.observe(document.head, { childList: true });
    const host = await fixture(html`<div>
      <chart-chat chatkit-src=${src} .chatkitTimeout=${300}></chart-chat>
      <chart-chat chatkit-src=${src} .chatkitTimeout=${300}></chart-chat>
    </div>`);
    const els = [...host.querySelectorAll('chart-chat')];
    await waitUntil(() => els.every((el) => el.activeRenderer === 'lite'), 'no fallback', { timeout: 5000 });
    observer.disconnect();
    expect(added).to.have.length(1);
  });

  it("does not add a second script when the host already added ChatKit's script tag", async () => {
    const src = '/host-added-chatkit.js';
    const tag = Object.assign(document.createElement('script'), { src });
    document.head.append(tag);
    const el = await fixture<ChartChat>(html`<chart-chat chatkit-src=${src} .chatkitTimeout=${300}></chart-chat>`);
    await waitUntil(() => el.activeRenderer === 'lite', 'no fallback', { timeout: 5000 });
    expect(scriptsFor(src)).to.have.length(1);
    tag.remove();
  });

  it('switching renderer at runtime remounts', async () => {
    const el = await fixture<ChartChat>(html`<chart-chat renderer="lite"></chart-chat>`);
    await waitUntil(() => el.activeRenderer === 'lite', 'lite renderer did not mount', { timeout: 5000 });
    el.renderer = 'chatkit';
    el.chatkitSrc = '/still-missing.js';
    await oneEvent(el, 'chart-chat-error');
    await el.updateComplete;
    expect(el.activeRenderer).to.equal(undefined);
    el.renderer = 'lite';
    await waitUntil(() => el.activeRenderer === 'lite' && part(el, 'input'), 'lite renderer did not mount', { timeout: 5000 });
  });
});
