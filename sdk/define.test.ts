import { expect } from '@open-wc/testing';
import { ChartChat } from './index.js';

describe('define', () => {
  it('registers <chart-chat> with the ChartChat class', () => {
    expect(customElements.get('chart-chat')).to.equal(ChartChat);
    expect(document.createElement('chart-chat')).to.be.instanceOf(ChartChat);
  });

  it('can be loaded twice without throwing', async () => {
    // Fresh copies of the modules (as a second bundle on the page would be) must not redefine the tag.
    await import(`./define.ts?copy=${Date.now()}`);
    await import(`./index.ts?copy=${Date.now()}`);
    expect(customElements.get('chart-chat')).to.equal(ChartChat);
  });
});
