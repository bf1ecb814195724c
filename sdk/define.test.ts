import { expect } from '@open-wc/testing';
import { ChartChat } from './index.js';

describe('define', () => {
  it('registers <chart-chat> with the ChartChat class', () => {
    expect(customElements.get('chart-chat')).to.equal(ChartChat);
    expect(document.createElement('chart-chat')).to.be.instanceOf(ChartChat);
  });

  it('types the tag and its events for TypeScript users', () => {
    // Compile-time checks: no casts needed for the tag or any event's detail.
    const el = document.createElement('chart-chat');
    const seen: string[] = [];
    el.addEventListener('chart-command', (e) => seen.push(e.detail.type));
    el.addEventListener('chart-command-error', (e) => seen.push(e.detail.message));
    el.addEventListener('chart-chat-error', (e) => seen.push(e.detail.code));
    el.addEventListener('chart-chat-thread-change', (e) => seen.push(String(e.detail.threadId)));
    el.dispatchEvent(new CustomEvent('chart-chat-error', { detail: { code: 'x', message: 'y' } }));
    expect(seen).to.deep.equal(['x']);
    expect(el.apiUrl).to.equal('/api/chatkit');
  });

  it('can be loaded twice without throwing', async () => {
    // Fresh copies of the modules (as a second bundle on the page would be) must not redefine the tag.
    await import(`./define.ts?copy=${Date.now()}`);
    await import(`./index.ts?copy=${Date.now()}`);
    expect(customElements.get('chart-chat')).to.equal(ChartChat);
  });
});
