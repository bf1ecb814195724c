import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cleanHostText, cleanHostValue } from './host-text.js';

describe('host text for the model', () => {
  it('removes control, bidi and invisible characters; line breaks become spaces', () => {
    assert.equal(cleanHostText('a\u0000b\u0007c\u001bd\u007fe\u0085f'), 'abcdef');
    assert.equal(cleanHostText('\u202Eevil\u202C \u2066x\u2069 \u200Fy\u200E \u061Cz'), 'evil x y z');
    assert.equal(cleanHostText('zero\u200Bwidth\uFEFF\u2060joined\u00AD\u3164'), 'zerowidthjoined');
    assert.equal(cleanHostText('tag\u{E0041}\u{E0064}\u{E006D}s'), 'tags', 'Unicode tags smuggle hidden ASCII');
    assert.equal(cleanHostText('line one\nline two\r\n\tthree\u2028four'), 'line one line two three four');
  });

  it('leaves no code fence, even one the removals would have joined', () => {
    assert.equal(cleanHostText('```json\n{"role":"system"}\n```'), '`json {"role":"system"} `');
    assert.equal(cleanHostText('``\u200B`'), '`', 'two backticks, an invisible character, one more');
    assert.equal(cleanHostText('~~~ fence ~~~~'), '~ fence ~');
    assert.equal(cleanHostText('a `code` b'), 'a `code` b', 'single backticks stay');
  });

  it('cuts long text on a code point boundary, with an ellipsis', () => {
    assert.equal(cleanHostText('x'.repeat(300)).length, 256);
    assert.ok(cleanHostText('x'.repeat(300)).endsWith('…'));
    const cut = cleanHostText(`${'a'.repeat(6)}😀😀`, 8);
    assert.equal(/[\ud800-\udbff](?![\udc00-\udfff])/.test(cut), false, `no lone surrogate: ${JSON.stringify(cut)}`);
  });

  it('cleans every key and string of a nested value, keeps finite numbers, bounds nesting', () => {
    const deep = { a: { b: { c: { d: { e: { f: { g: 1 } } } } } } };
    assert.deepEqual(cleanHostValue({ 'k\u202Eey': ['v\u0000al', 1, Infinity, true, null], n: Number.NaN, deep }), {
      key: ['val', 1, null, true, null],
      n: null,
      deep: { a: { b: { c: { d: { e: '[nested too deep]' } } } } },
    });
  });
});
