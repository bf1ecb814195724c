import { expect } from '@open-wc/testing';
import { html, render, type TemplateResult } from 'lit';
import { MarkdownStream } from './markdown.js';

/** The markup without Lit's comment markers and without the box of kept blocks (it holds the same blocks). */
const markup = (host: HTMLElement) => host.innerHTML.replace(/<!--[^>]*-->|<div class="kept">|<\/div>/g, '');

function show(source: string) {
  const host = document.createElement('div');
  render(new MarkdownStream().render(source), host);
  return markup(host);
}

/**
 * Test-only: the backtracking regex parser this scanner replaced (quadratic on runs of `[`), kept
 * as the reference for what ordinary Markdown must still look like.
 */
function reference(source: string): TemplateResult[] {
  const LIST_ITEM = /^\s*(?:[-*+]|(\d+)[.)])\s+/;
  const INLINE = /`([^`\n]+)`|\*\*(.+?)\*\*|\*([^*\s](?:[^*\n]*[^*\s])?)\*|\[([^\]\n]+)\]\((https?:\/\/[^\s)]+)\)/g;
  const inline = (text: string): unknown[] => {
    const out: unknown[] = [];
    let last = 0;
    for (const m of text.matchAll(INLINE)) {
      out.push(text.slice(last, m.index));
      last = m.index! + m[0].length;
      out.push(
        m[1] !== undefined
          ? html`<code>${m[1]}</code>`
          : m[2] !== undefined
            ? html`<strong>${inline(m[2])}</strong>`
            : m[3] !== undefined
              ? html`<em>${m[3]}</em>`
              : html`<a href=${m[5]!} target="_blank" rel="noopener noreferrer">${m[4]}</a>`,
      );
    }
    out.push(text.slice(last));
    return out;
  };
  const lines = source.replace(/\r\n?/g, '\n').split('\n');
  const blocks: TemplateResult[] = [];
  for (let i = 0; i < lines.length; ) {
    const line = lines[i]!;
    if (line.startsWith('```')) {
      const code: string[] = [];
      while (++i < lines.length && !lines[i]!.startsWith('```')) code.push(lines[i]!);
      i++;
      blocks.push(html`<pre><code>${code.join('\n')}</code></pre>`);
    } else if (!line.trim()) {
      i++;
    } else if (LIST_ITEM.test(line)) {
      const ordered = LIST_ITEM.exec(line)![1] !== undefined;
      const items: TemplateResult[] = [];
      for (let m; i < lines.length && (m = LIST_ITEM.exec(lines[i]!)) && (m[1] !== undefined) === ordered; i++)
        items.push(html`<li>${inline(lines[i]!.slice(m[0].length))}</li>`);
      blocks.push(ordered ? html`<ol>${items}</ol>` : html`<ul>${items}</ul>`);
    } else {
      const text: string[] = [];
      while (i < lines.length && lines[i]!.trim() && !lines[i]!.startsWith('```') && !LIST_ITEM.test(lines[i]!)) text.push(lines[i++]!);
      blocks.push(html`<p>${inline(text.join('\n'))}</p>`);
    }
  }
  return blocks;
}

function showReference(source: string) {
  const host = document.createElement('div');
  render(reference(source), host);
  return markup(host);
}

/** A seeded PRNG, so a failing case can be replayed. */
function random(seed: number) {
  return () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
}

const PIECES = ['a', 'b c', ' ', '  ', '\n', '\n\n', '\r\n', '\r', '\u2028', '\t', '*', '**', '`', '```', '[', ']', '(', ')', '](', 'http://e.com/x', 'https://e.com', '- ', '* ', '+ ', '1. ', '2) ', '12.', '_', 'x*y', '[a](https://e.com/a)'];

/** A long, ordinary answer: paragraphs with inline styles and links, lists, code blocks. */
function longAnswer(length: number): string {
  const blocks: string[] = [];
  for (let i = 0; blocks.join('\n\n').length < length; i++) {
    if (i % 5 === 3) blocks.push(`- level **${100 + i}** held\n- [source ${i}](https://example.com/${i})\n- *watch* \`SMA(${i})\``);
    else if (i % 7 === 6) blocks.push('```\nconst level = ' + i + ';\nreturn level * 2;\n```');
    else blocks.push(`Support at **${200 + i}** with *rising* volume and \`RSI(14)\` near ${i % 70}; see [the chart](https://example.com/c/${i}).`);
  }
  return blocks.join('\n\n').slice(0, length);
}

/** The fastest of a few runs (the least disturbed by other work on the machine). */
function fastest(fn: () => void, runs = 3) {
  let best = Infinity;
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    fn();
    best = Math.min(best, performance.now() - start);
  }
  return best;
}

describe('markdown subset', () => {
  it('renders paragraphs, lists, code blocks and inline styles', () => {
    const src = 'Support at **242**, *watch* `SMA(20)`.\nSecond line\n\n- one\n- [two](https://example.com/x?a=1)\n\n1. first\n2) second\n\n```\nconst a = "<b>";\n```';
    expect(show(src)).to.equal(
      '<p>Support at <strong>242</strong>, <em>watch</em> <code>SMA(20)</code>.\nSecond line</p>' +
        '<ul><li>one</li><li><a target="_blank" rel="noopener noreferrer" href="https://example.com/x?a=1">two</a></li></ul>' +
        '<ol><li>first</li><li>second</li></ol>' +
        '<pre><code>const a = "&lt;b&gt;";</code></pre>',
    );
  });

  it('never turns text into markup or unsafe links', () => {
    const html = show('<script>alert(1)</script> [x](javascript:alert(1)) [y](data:text/html,hi) <a href="https://e.com">z</a>');
    expect(html).to.not.contain('<script');
    expect(html).to.not.contain('<a');
    expect(html).to.contain('&lt;script&gt;');
  });

  it('keeps unmatched markers as text and handles an unterminated code fence while streaming', () => {
    expect(show('2 * 3 = 6 and **open')).to.equal('<p>2 * 3 = 6 and **open</p>');
    expect(show('```\npartial code')).to.equal('<pre><code>partial code</code></pre>');
  });

  it('renders ordinary and odd Markdown exactly as the regex parser it replaced', () => {
    const next = random(7);
    for (let n = 0; n < 2000; n++) {
      let source = '';
      for (let k = 1 + Math.floor(next() * 14); k > 0; k--) source += PIECES[Math.floor(next() * PIECES.length)];
      expect(show(source), JSON.stringify(source)).to.equal(showReference(source));
    }
    const answer = longAnswer(5000);
    expect(show(answer)).to.equal(showReference(answer));
  });

  it('parses adversarial runs in linear time: 10× the input costs about 10× the time, not 100×', () => {
    const runs = {
      '[': (n: number) => '['.repeat(n),
      '](': (n: number) => ']('.repeat(n / 2),
      '*': (n: number) => '*'.repeat(n),
      '`': (n: number) => '`'.repeat(n),
      '`a': (n: number) => '`a'.repeat(n / 2),
      '_': (n: number) => '_'.repeat(n),
      'nested brackets': (n: number) => '['.repeat(n / 2) + ']'.repeat(n / 2),
      '[a](': (n: number) => '[a]('.repeat(n / 4),
      '[a](http://': (n: number) => '[a](http://'.repeat(n / 11),
      '**a': (n: number) => '**a'.repeat(n / 3),
      '*a': (n: number) => '*a'.repeat(n / 2),
      'spaces then a marker': (n: number) => ' '.repeat(n) + '-',
    };
    const host = document.createElement('div');
    for (const [name, make] of Object.entries(runs)) {
      expect(show(make(500)), name).to.equal(showReference(make(500))); // under the 200-span cap
      const time = (n: number) => {
        const source = make(n);
        return fastest(() => render(new MarkdownStream().render(source), host));
      };
      time(20_000); // warm-up
      const ratio = time(200_000) / Math.max(time(20_000), 0.5);
      // Quadratic parsing would be about 100×; rendering the text adds a linear part.
      expect(ratio, `${name}: 200k vs 20k characters`).to.be.below(35);
    }
  });

  it('streams: each delta re-parses only the open block, kept blocks stay in the DOM, the result is the whole text parsed', () => {
    const answer = longAnswer(50_000);
    const view = new MarkdownStream();
    const host = document.createElement('div');
    const costs: Array<[length: number, parsed: number]> = [];
    let first: Node | undefined;
    for (let end = 20; end < answer.length + 20; end += 20) {
      const text = answer.slice(0, end);
      const before = view.parsed;
      render(view.render(text), host);
      costs.push([text.length, view.parsed - before]);
      if (end === 2000) first = host.querySelector('p')!;
      if (end % 2000 === 0) expect(markup(host), `at ${end}`).to.equal(showReference(text));
    }
    expect(markup(host)).to.equal(show(answer));
    expect(host.querySelector('p'), 'the first paragraph was rendered once and kept').to.equal(first);
    // The largest re-parse per delta near 1k and near 50k characters: the open block, not the answer.
    const worst = (from: number, to: number) => Math.max(...costs.filter(([length]) => length > from && length <= to).map(([, p]) => p));
    const block = Math.max(...answer.split('\n\n').map((b) => b.length));
    expect(worst(500, 1500)).to.be.at.most(2 * block + 40);
    expect(worst(45_000, 50_000)).to.be.at.most(2 * block + 40);
  });

  it('styles at most 200 spans per paragraph or list item and shows the rest as plain text', () => {
    const host = document.createElement('div');
    render(new MarkdownStream().render('**a** '.repeat(1000) + '\n\n- ' + '`b`'.repeat(300)), host);
    const [paragraph, item] = [host.querySelector('p')!, host.querySelector('li')!];
    expect(paragraph.querySelectorAll('strong')).to.have.length(200);
    expect(paragraph.textContent).to.equal('a '.repeat(200) + '**a** '.repeat(800));
    expect(item.querySelectorAll('code')).to.have.length(200);
    expect(item.textContent).to.equal('b'.repeat(200) + '`b`'.repeat(100));
  });

  it('makes at most 5,000 elements per message and shows the rest as one plain paragraph, streamed or not', () => {
    const source = '- a\n'.repeat(25_000) + '\nlast **words**';
    const host = document.createElement('div');
    render(new MarkdownStream().render(source), host);
    expect(host.querySelectorAll('*:not(.kept)').length, 'the budget and the plain paragraph').to.be.at.most(5001);
    expect(host.querySelectorAll('li')).to.have.length(4999);
    const rest = [...host.querySelectorAll('p')].at(-1)!;
    expect(rest.textContent).to.equal('- a\n'.repeat(25_000 - 4999) + '\nlast **words**');
    // Streamed in 997-character deltas, the same.
    const view = new MarkdownStream();
    const streamed = document.createElement('div');
    for (let end = 997; end < source.length + 997; end += 997) render(view.render(source.slice(0, end)), streamed);
    expect(markup(streamed)).to.equal(markup(host));
    // An ordinary long answer stays under the budget.
    const answer = longAnswer(50_000);
    expect(show(answer)).to.equal(showReference(answer));
  });

  it('parses a text that changed other than at its end afresh', () => {
    const view = new MarkdownStream();
    const host = document.createElement('div');
    render(view.render('first **one**\n\nsecond\n\nthird'), host);
    render(view.render('other *one*\n\nsecond\n\nthird'), host);
    expect(markup(host)).to.equal('<p>other <em>one</em></p><p>second</p><p>third</p>');
    render(view.render('short'), host);
    expect(markup(host)).to.equal('<p>short</p>');
  });
});
