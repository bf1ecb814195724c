// The lite renderer against hostile model output (issue 14.7), through the real server: the
// EchoResponder streams "You said: <text>" back word by word, so what we send is what the model says.
import { expect } from '@open-wc/testing';
import { render } from 'lit';
import { answered, lastAnswer, liteChat, part, parts } from '../test-support/helpers.js';
import type { ChartChat } from '../chart-chat.js';
import { MarkdownStream } from './markdown.js';

const N = 100_000;

/** The text the answer must show: the same words parsed in one go. */
function expectedText(source: string) {
  const host = document.createElement('div');
  render(new MarkdownStream().render(source), host);
  return host.textContent!.trim();
}

/** The message box holds its content: nothing sticks out sideways, and the log never scrolls sideways. */
function expectInside(el: ChartChat, box: HTMLElement, what: string) {
  const log = part(el, 'log')!;
  expect(box.scrollWidth, `${what} overflows its box`).to.be.at.most(box.clientWidth + 1);
  expect(box.getBoundingClientRect().right, `${what} sticks out of the log`).to.be.at.most(log.getBoundingClientRect().right + 1);
  expect(log.scrollWidth, 'the log scrolls sideways').to.be.at.most(log.clientWidth + 1);
}

async function chat() {
  const el = await liteChat();
  el.style.cssText = 'display:block;width:360px;height:480px';
  return el;
}

describe('<chart-chat renderer="lite"> under hostile model output', () => {
  it('shows a 100,000-character line without spaces in full, wrapped inside the message box', async () => {
    const el = await chat();
    const line = 'x'.repeat(N);
    await el.sendMessage(line);
    await answered(el);
    expect(lastAnswer(el)).to.equal(`You said: ${line}`);
    expectInside(el, parts(el, 'assistant-message').at(-1)!, 'the answer');
    expectInside(el, parts(el, 'user-message').at(-1)!, 'the question');
    // Wrapped into many lines of the box's width, not one 100,000-character line.
    expect(parts(el, 'assistant-message').at(-1)!.getBoundingClientRect().height).to.be.above(1000);
  });

  for (const [name, run] of Object.entries({
    '100,000 [': '['.repeat(N),
    '50,000 ](': ']('.repeat(N / 2),
    '100,000 *': '*'.repeat(N),
    '100,000 backticks in a line': 'a' + '`'.repeat(N - 1), // the server takes up to 100,000 characters
    '100,000 _': '_'.repeat(N),
    'nested brackets': '['.repeat(N / 2) + ']'.repeat(N / 2),
    '[a]( repeated': '[a]('.repeat(N / 4),
    '[a](http:// repeated': '[a](http://'.repeat(N / 11),
    '**a repeated': '**a'.repeat(N / 3),
    '25,000 list items': '- a\n'.repeat(N / 4),
    '33,333 paragraphs': 'a\n\n'.repeat(N / 3),
  }))
    it(`renders ${name} as the parser reads it in one go, inside the message box`, async () => {
      const el = await chat();
      await el.sendMessage(run);
      await answered(el);
      expect(lastAnswer(el)).to.equal(expectedText(`You said: ${run}`));
      expect(lastAnswer(el).length).to.be.above(N / 4);
      expectInside(el, parts(el, 'assistant-message').at(-1)!, 'the answer');
    });

  it('paces renders by their cost while a costly block streams, so the page stays responsive', async () => {
    const el = await chat();
    // One paragraph that keeps growing: a 50,000-character word, then 20,000 one-word deltas.
    const text = 'x'.repeat(N / 2) + ' y'.repeat(20_000);
    // Each update cycle, from the controllers' hostUpdate to their hostUpdated (the renderer's
    // controller comes first in both, and counts until the update has finished).
    const updates: Array<{ start: number; end: number; busy: boolean }> = [];
    let start = 0;
    el.addController({
      hostUpdate: () => void (start = performance.now()),
      hostUpdated: () => void updates.push({ start, end: performance.now(), busy: !!part(el, 'stop-button') }),
    });
    await el.sendMessage(text);
    await answered(el);
    expect(lastAnswer(el)).to.equal(`You said: ${text}`);
    const streaming = updates.filter((u) => u.busy);
    const trace = JSON.stringify(updates.map((u) => [Math.round(u.start - updates[0]!.start), Math.round(u.end - u.start), u.busy]));
    expect(streaming.length, 'renders while streaming').to.be.at.least(2);
    // After each render, the UI waits at least as long as that render took before the next one.
    for (let k = 1; k < streaming.length; k++) {
      const [before, next] = [streaming[k - 1]!, streaming[k]!];
      expect(next.start - before.end, `idle after render ${k} of ${before.end - before.start} ms: ${trace}`).to.be.at.least(before.end - before.start - 1);
    }
    // 20,000 deltas arrived; the costly renders took many of them at a time.
    expect(streaming.length).to.be.below(2000);
  });

  it('keeps the finished blocks of a long streamed answer in the DOM, as they were first rendered', async () => {
    const el = await chat();
    const paragraphs = Array.from({ length: 120 }, (_, i) => `Paragraph ${i} with **bold ${i}** and [a link](https://example.com/${i}).`);
    const source = paragraphs.join('\n\n');
    let first: Element | null = null;
    const seen = new Set<Element | null>();
    const watch = new MutationObserver(() => {
      const p = parts(el, 'assistant-message').at(-1)?.querySelector('.kept > p') ?? null;
      if (p) (first ??= p), seen.add(p);
    });
    watch.observe(el.shadowRoot!, { childList: true, subtree: true });
    try {
      await el.sendMessage(source);
      await answered(el);
    } finally {
      watch.disconnect();
    }
    const answer = parts(el, 'assistant-message').at(-1)!;
    expect(answer.querySelectorAll('p')).to.have.length(120);
    expect(answer.querySelectorAll('strong')).to.have.length(120);
    expect(answer.querySelectorAll('a')).to.have.length(120);
    expect(lastAnswer(el)).to.equal(expectedText(`You said: ${source}`));
    expect(first, 'a kept first paragraph').to.not.equal(null);
    expect([...seen], 'the first kept paragraph was never replaced').to.deep.equal([first]);
    expect(answer.querySelector('p')).to.equal(first);
  });
});
