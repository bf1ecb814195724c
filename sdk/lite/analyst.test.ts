// The lite renderer with the server's built-in analyst: a progress line while it works, chart
// commands computed from the context's bars, and the streamed analysis.
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import type { ChartChat } from '../chart-chat.js';
import type { ChartContextInput } from '../contract/index.js';
import type { ChartCommandEvent } from '../events.js';
import { answered, part, record } from '../test-support/helpers.js';
import '../define.js';

/** 120 daily bars of a market ranging between ~92 and ~108 (repeated swing highs and lows). */
function barsContext(): ChartContextInput {
  const start = 1_700_000_000 - (1_700_000_000 % 86_400);
  const bars = Array.from({ length: 120 }, (_, i) => {
    const mid = 100 + 8 * Math.sin(i / 6);
    return { time: start + i * 86_400, open: mid - 1, high: mid + 2, low: mid - 2, close: mid + 1 };
  });
  return { symbol: 'ACME', timeframe: '1D', bars, lastPrice: bars.at(-1)!.close };
}

describe('<chart-chat renderer="lite"> with the analyst', () => {
  it('shows progress, applies the analysis as chart commands and streams the answer', async () => {
    const el = await fixture<ChartChat>(html`<chart-chat renderer="lite" api-url="/analyst/api/chatkit" .chartContext=${barsContext()}></chart-chat>`);
    await waitUntil(() => el.activeRenderer === 'lite', 'lite renderer did not mount', { timeout: 5000 });
    const commands = record<ChartCommandEvent>(el, 'chart-command');
    const errors = record(el, 'chart-command-error');
    // The progress line is up only until the first text arrives: watch the DOM for it.
    const progress: string[] = [];
    const observer = new MutationObserver(() => {
      const line = part(el, 'progress')?.textContent;
      if (line && progress.at(-1) !== line) progress.push(line);
    });
    observer.observe(el.shadowRoot!, { subtree: true, childList: true, characterData: true });
    await el.sendMessage('find support and resistance levels');
    observer.disconnect();
    expect(progress).to.deep.equal(['Analysing ACME on 1D…']);
    const text = await answered(el);
    expect(part(el, 'progress')).to.equal(null);
    expect(text).to.contain('ACME');
    expect(commands.length).to.be.greaterThan(0);
    expect(errors).to.have.length(0);
    for (const { detail } of commands) {
      expect(detail.type).to.equal('price_line');
      if (detail.type === 'price_line') expect(detail.role).to.be.oneOf(['support', 'resistance', 'level']);
    }
  });
});
