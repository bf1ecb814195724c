import { expect } from '@open-wc/testing';
import { render } from 'lit';
import { markdown } from './markdown.js';

function show(source: string) {
  const host = document.createElement('div');
  render(markdown(source), host);
  // Drop Lit's comment markers to compare structure.
  return host.innerHTML.replace(/<!--[^>]*-->/g, '');
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
});
