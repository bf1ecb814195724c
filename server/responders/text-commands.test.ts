import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseChartCommand } from '../../sdk/contract/index.js';
import { extractTextCommands, headerState, parsePrice, parseTime, TextCommandExtractor } from './text-commands.js';

/** Feeds `text` in chunks of `size` characters and joins what comes out. */
function streamed(text: string, size: number) {
  const extractor = new TextCommandExtractor();
  let shown = '';
  const commands = [];
  const emissions: string[] = [];
  for (let i = 0; i < text.length; i += size) {
    const out = extractor.push(text.slice(i, i + size));
    emissions.push(out.text);
    shown += out.text;
    commands.push(...out.commands);
  }
  const last = extractor.end();
  return { text: shown + last.text, commands: [...commands, ...last.commands], emissions };
}

describe('text commands: prices and times', () => {
  it('reads prices with $, commas, USD and odd spacing', () => {
    assert.equal(parsePrice('450.00'), 450);
    assert.equal(parsePrice(' $1,234.5 '), 1234.5);
    assert.equal(parsePrice('1,234,567'), 1234567);
    assert.equal(parsePrice('470.5 USD'), 470.5);
    assert.equal(parsePrice('USD 12'), 12);
    assert.equal(parsePrice('$ 7'), 7);
  });

  it('rejects what is not a positive plain number', () => {
    for (const bad of ['', 'abc', '-5', '0', '1,23', '12,3456', '1e5', '4.5.6', '$', 'NaN', '450.', '450 EUR']) {
      assert.equal(parsePrice(bad), null, bad);
    }
  });

  it('reads UTC seconds and ISO dates as UTC', () => {
    assert.equal(parseTime('1704153600'), 1704153600);
    assert.equal(parseTime('2024-01-02'), 1704153600);
    assert.equal(parseTime('2024-01-02T12:30Z'), 1704153600 + 12 * 3600 + 1800);
    assert.equal(parseTime('2024-01-02 00:00:05'), 1704153605);
    assert.equal(parseTime('2024-02-31'), null);
    assert.equal(parseTime('yesterday'), null);
  });
});

describe('text commands: lines', () => {
  it('turns the documented forms into valid chart commands and removes them from the text', () => {
    const text = [
      'Here is my read.',
      'SUPPORT:450.00 "key level"',
      'resistance : $1,234.5 USD',
      '  - **Level:** 98.2',
      'Zone: 105 to 100 "demand"',
      'TRENDLINE:1704153600,101.5,1706745600,110 "uptrend"',
      'trendline: 2024-01-02; 1,200; 2024-02-01; 1,300.5',
      'FIB: 2024-01-02,100,2024-02-01,150',
      'MARKER: 2024-03-01, below, arrowUp "breakout"',
      '2. level: 77',
      'marker: 1709251200',
      'Done.',
    ].join('\n');
    const { text: shown, commands } = extractTextCommands(text);
    assert.equal(shown, 'Here is my read.\nDone.');
    assert.deepEqual(commands, [
      { type: 'price_line', id: 'txt-support-1', price: 450, role: 'support', label: 'key level' },
      { type: 'price_line', id: 'txt-resistance-1', price: 1234.5, role: 'resistance' },
      { type: 'price_line', id: 'txt-level-1', price: 98.2, role: 'level' },
      { type: 'zone', id: 'txt-zone-1', top: 105, bottom: 100, label: 'demand' },
      { type: 'trendline', id: 'txt-trendline-1', p1: { time: 1704153600, price: 101.5 }, p2: { time: 1706745600, price: 110 }, label: 'uptrend' },
      { type: 'trendline', id: 'txt-trendline-2', p1: { time: 1704153600, price: 1200 }, p2: { time: 1706745600, price: 1300.5 } },
      { type: 'fib', id: 'txt-fib-1', from: { time: 1704153600, price: 100 }, to: { time: 1706745600, price: 150 } },
      { type: 'marker', id: 'txt-marker-1', time: 1709251200, position: 'below', shape: 'arrowUp', text: 'breakout' },
      { type: 'price_line', id: 'txt-level-2', price: 77, role: 'level' },
      { type: 'marker', id: 'txt-marker-2', time: 1709251200, position: 'above', shape: 'arrowDown' },
    ]);
    for (const c of commands) assert.equal(parseChartCommand(c).success, true);
  });

  it('leaves invalid or prose lines in the text and draws nothing', () => {
    const text = [
      'SUPPORT: 0',
      'SUPPORT: -12',
      'Support: the 450 area held twice',
      'RESISTANCE: 1,23',
      'ZONE: 100',
      'TRENDLINE: 1704153600,101.5,1706745600',
      'MARKER: 2024-03-01, sideways',
      'Support is near 450.',
      'My SUPPORT: 450 call',
      'SUPPORTS: 450',
      'SUPPORT: 1e13',
      'SUPPORT: 2,000,000,000,000',
    ].join('\n');
    const { text: shown, commands } = extractTextCommands(text);
    assert.equal(shown, text);
    assert.deepEqual(commands, []);
  });

  it('cuts long labels to 64 characters and accepts curly quotes and CRLF', () => {
    const { text, commands } = extractTextCommands(`SUPPORT: 10 “${'x'.repeat(80)}”\r\nok`);
    assert.equal(text, 'ok');
    assert.equal((commands[0] as { label: string }).label.length, 64);
  });
});

describe('text commands: streaming', () => {
  const message = 'Levels below.\nSUPPORT:450.00 "key level"\nRESISTANCE: 470.5\nThat is all, support matters.\nZONE: 1-2';

  for (const size of [1, 2, 3, 5, 7, 1000]) {
    it(`gives the same result in chunks of ${size}`, () => {
      const out = streamed(message, size);
      assert.equal(out.text, 'Levels below.\nThat is all, support matters.\n');
      assert.deepEqual(
        out.commands.map((c) => c.type === 'price_line' ? [c.id, c.price] : c.type),
        [['txt-support-1', 450], ['txt-resistance-1', 470.5], 'zone'],
      );
    });
  }

  it('passes plain text through at once and holds back only possible command starts', () => {
    const extractor = new TextCommandExtractor();
    assert.deepEqual(extractor.push('Hello'), { text: 'Hello', commands: [] });
    assert.deepEqual(extractor.push(' world\nSup'), { text: ' world\n', commands: [] });
    assert.deepEqual(extractor.push('pose'), { text: 'Suppose', commands: [] });
    assert.deepEqual(extractor.push(' it rises'), { text: ' it rises', commands: [] });
    assert.deepEqual(extractor.push('\n- **RES'), { text: '\n', commands: [] });
    const done = extractor.push('ISTANCE**: 12\n');
    assert.equal(done.text, '');
    assert.equal(done.commands[0]?.type, 'price_line');
    assert.deepEqual(extractor.end(), { text: '', commands: [] });
  });

  it('releases a held-back line that never completes a command at the end', () => {
    const extractor = new TextCommandExtractor();
    assert.equal(extractor.push('Trend').text, '');
    assert.deepEqual(extractor.end(), { text: 'Trend', commands: [] });
  });

  it('classifies partial headers', () => {
    assert.equal(headerState(''), 'prefix');
    assert.equal(headerState('  - '), 'prefix');
    assert.equal(headerState('**sup'), 'prefix');
    assert.equal(headerState('SUPPORT '), 'prefix');
    assert.equal(headerState('SUPPORT:'), 'match');
    assert.equal(headerState('**Zone**:'), 'match');
    assert.equal(headerState('Supper'), 'no');
    assert.equal(headerState('The'), 'no');
    assert.equal(headerState('1.'), 'prefix');
    assert.equal(headerState('12) Res'), 'prefix');
    assert.equal(headerState('1.5 million'), 'no');
    assert.equal(headerState('2024 was'), 'no');
    assert.equal(headerState('3. The'), 'no');
  });
});
