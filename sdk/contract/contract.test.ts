import { expect } from '@open-wc/testing';
import * as v from 'valibot';
import {
  Bar,
  CHART_COMMAND_TYPES,
  ChartContext,
  isBar,
  MAX_CONTEXT_BARS,
  MAX_INPUT_BARS,
  parseChartCommand,
  parseChartContext,
  type ChartCommandInput,
} from './index.js';

const T0 = 1_700_000_000;
const bar = (i: number, close = 100 + i) => ({ time: T0 + i * 86_400, open: close - 1, high: close + 2, low: close - 2, close });

/** One valid example per command type; the table below keeps them honest. */
const VALID: Record<(typeof CHART_COMMAND_TYPES)[number], ChartCommandInput> = {
  price_line: { type: 'price_line', id: 's1', price: 245.5, role: 'support', label: 'Key level', color: '#26a69a', style: 'dashed' },
  trendline: { type: 'trendline', id: 't1', p1: { time: T0, price: 100 }, p2: { time: T0 + 86_400, price: 110 }, extend: true },
  zone: { type: 'zone', id: 'z1', top: 120, bottom: 110, from: T0, to: T0 + 86_400 },
  fib: { type: 'fib', id: 'f1', from: { time: T0, price: 100 }, to: { time: T0 + 86_400, price: 150 } },
  marker: { type: 'marker', id: 'm1', time: T0, position: 'above', shape: 'arrowDown', text: 'High' },
  indicator: { type: 'indicator', id: 'i1', indicator: 'sma', params: { period: 20 } },
  set_symbol: { type: 'set_symbol', symbol: 'AAPL' },
  set_timeframe: { type: 'set_timeframe', timeframe: '1h' },
  set_visible_range: { type: 'set_visible_range', from: T0, to: T0 + 86_400 },
  remove: { type: 'remove', id: 's1' },
  clear: { type: 'clear', scope: 'drawings', source: 'ai' },
};

describe('ChartCommand', () => {
  for (const type of CHART_COMMAND_TYPES) {
    it(`accepts a valid ${type}`, () => {
      const result = parseChartCommand(VALID[type]);
      expect(result.success, result.success ? '' : result.message).to.equal(true);
    });
  }

  it('normalizes: extend true -> "right", zone upside down -> swapped, extra keys stripped', () => {
    const trend = parseChartCommand(VALID.trendline);
    expect(trend.success && trend.output.type === 'trendline' && trend.output.extend).to.equal('right');
    const zone = parseChartCommand({ ...VALID.zone, top: 100, bottom: 130, evil: '<script>' });
    expect(zone.success && zone.output).to.deep.include({ top: 130, bottom: 100 });
    expect(zone.success && 'evil' in zone.output).to.equal(false);
  });

  it('cleans labels and texts of bidi overrides and control characters', () => {
    const line = parseChartCommand({ ...VALID.price_line, label: 'Sell \u202Eyub\u202C now\u0007' });
    expect(line.success && line.output.type === 'price_line' && line.output.label).to.equal('Sell yub now');
    const marker = parseChartCommand({ ...VALID.marker, text: '\u2066a\u2069\u200Fb\nc' });
    expect(marker.success && marker.output.type === 'marker' && marker.output.text).to.equal('abc');
    const why = parseChartCommand({ ...VALID.price_line, why: 'x\u202Ey', evidence: [{ time: T0, price: 1 }] });
    expect(why.success && why.output.type === 'price_line' && why.output.why).to.equal('xy');
  });

  const invalid: [string, unknown][] = [
    ['not an object', 'price_line'],
    ['unknown type', { type: 'draw_everything', id: 'x' }],
    ['missing id', { type: 'price_line', price: 10, role: 'support' }],
    ['NaN price', { ...VALID.price_line, price: Number.NaN }],
    ['Infinity price', { ...VALID.price_line, price: Number.POSITIVE_INFINITY }],
    ['zero price', { ...VALID.price_line, price: 0 }],
    ['negative price', { ...VALID.price_line, price: -5 }],
    ['price as string', { ...VALID.price_line, price: '245' }],
    ['bad role', { ...VALID.price_line, role: 'floor' }],
    ['huge label', { ...VALID.price_line, label: 'x'.repeat(10 * 1024 * 1024) }],
    ['id with markup', { ...VALID.price_line, id: '<img src=x onerror=alert(1)>' }],
    ['colour with url()', { ...VALID.price_line, color: 'url(javascript:alert(1))' }],
    ['fractional time', { ...VALID.marker, time: T0 + 0.5 }],
    ['negative time', { ...VALID.marker, time: -1 }],
    ['marker at price without price', { ...VALID.marker, position: 'price' }],
    ['reversed visible range', { type: 'set_visible_range', from: T0 + 10, to: T0 }],
    ['bad timeframe', { type: 'set_timeframe', timeframe: 'forever' }],
    ['symbol with spaces and markup', { type: 'set_symbol', symbol: '<b>AAPL</b>' }],
    ['unknown indicator', { ...VALID.indicator, indicator: 'macd' }],
    ['period 0', { ...VALID.indicator, params: { period: 0 } }],
    ['too many fib levels', { ...VALID.fib, levels: Array.from({ length: 50 }, (_, i) => i / 50) }],
    ['nested garbage', { type: 'trendline', id: 't', p1: { time: { $gt: 1 }, price: [1] }, p2: null }],
  ];
  for (const [name, input] of invalid) {
    it(`rejects ${name} with a readable message`, () => {
      const result = parseChartCommand(input);
      expect(result.success).to.equal(false);
      expect(!result.success && result.message.length).to.be.within(1, 600);
    });
  }
});

describe('ChartContext', () => {
  it('accepts a minimal context and defaults the lists', () => {
    const result = parseChartContext({ symbol: 'TSLA', timeframe: '1D' });
    expect(result.success && result.output).to.deep.equal({ symbol: 'TSLA', timeframe: '1D', bars: [], indicators: [], drawings: [] });
  });

  it(`caps bars to the newest ${MAX_CONTEXT_BARS}, oldest first, duplicates dropped`, () => {
    const bars = Array.from({ length: 1200 }, (_, i) => bar(i)).reverse();
    bars.push(bar(1199, 999));
    const result = parseChartContext({ symbol: 'TSLA', timeframe: '1D', bars });
    expect(result.success).to.equal(true);
    if (!result.success) return;
    expect(result.output.bars.length).to.equal(MAX_CONTEXT_BARS);
    expect(result.output.bars[0]!.time).to.equal(T0 + 700 * 86_400);
    expect(result.output.bars.at(-1)).to.deep.equal(bar(1199, 999));
  });

  const invalid: [string, unknown][] = [
    ['no symbol', { timeframe: '1D' }],
    ['bar with NaN close', { symbol: 'A', timeframe: '1D', bars: [{ ...bar(0), close: Number.NaN }] }],
    ['bar whose high is below its close', { symbol: 'A', timeframe: '1D', bars: [{ ...bar(0), high: 50 }] }],
    ['reversed visible range', { symbol: 'A', timeframe: '1D', visibleRange: { from: T0 + 5, to: T0 } }],
    ['oversized meta', { symbol: 'A', timeframe: '1D', meta: { blob: 'x'.repeat(10_000) } }],
    ['too many bars', { symbol: 'A', timeframe: '1D', bars: Array.from({ length: 20_001 }, (_, i) => bar(i)) }],
  ];
  for (const [name, input] of invalid) {
    it(`rejects ${name}`, () => {
      const result = parseChartContext(input);
      expect(result.success).to.equal(false);
    });
  }
});

describe('bars: one cheap loop after an early length check, held to the Bar schema', () => {
  it('isBar accepts exactly what the Bar schema accepts (edge cases and random mutations)', () => {
    const base = bar(3);
    const odd: unknown[] = [Number.NaN, Infinity, -Infinity, 0, -1, 1e12, 1e12 + 1, Number.MIN_VALUE, 5e-324, 1.5, '100', null, undefined, true, [], {}, 7_258_118_400, 7_258_118_401, Number.MAX_VALUE];
    const cases: unknown[] = [base, { ...base, volume: 0 }, { ...base, volume: 10 }, { ...base, extra: 'kept out' }, null, [], 'bar', 42, [base], {}, { time: T0 }];
    for (const key of ['time', 'open', 'high', 'low', 'close', 'volume']) {
      for (const value of odd) cases.push({ ...base, [key]: value });
      const { [key]: _dropped, ...without } = base as Record<string, unknown>;
      cases.push(without);
    }
    let seed = 7;
    const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
    for (let i = 0; i < 2000; i++) {
      const close = 1 + random() * 200;
      cases.push({ time: T0 + Math.floor(random() * 1e6) * (random() < 0.05 ? 0.5 : 1), open: close + (random() - 0.5) * 10, high: close + (random() - 0.2) * 10, low: close - (random() - 0.2) * 10, close, ...(random() < 0.5 ? { volume: (random() - 0.1) * 1e6 } : {}) });
    }
    let disagreements = 0;
    for (const candidate of cases) if (isBar(candidate) !== v.is(Bar, candidate)) disagreements++;
    expect(disagreements).to.equal(0);
    // The random cases cover both answers.
    expect(cases.some((c) => isBar(c))).to.equal(true);
    expect(cases.filter((c) => !isBar(c)).length).to.be.greaterThan(100);
  });

  it('refuses too many bars before looking at any of them', () => {
    const result = v.safeParse(ChartContext, { symbol: 'A', timeframe: '1D', bars: Array.from({ length: MAX_INPUT_BARS + 1 }, () => null) });
    expect(result.success).to.equal(false);
    expect(result.issues?.map((issue) => v.getDotPath(issue))).to.deep.equal(['bars']);
  });

  it('describes a refused bar with the Bar schema, its index in the path', () => {
    const bars = [bar(0), bar(1), bar(2), { ...bar(3), high: 'x' }];
    const result = parseChartContext({ symbol: 'A', timeframe: '1D', bars });
    expect(result.success).to.equal(false);
    if (!result.success) expect(result.message).to.match(/^bars\.3\.high: /);
  });

  it('copies kept bars without unknown keys', () => {
    const result = parseChartContext({ symbol: 'A', timeframe: '1D', bars: [{ ...bar(0), note: '<b>' }] });
    expect(result.success && result.output.bars).to.deep.equal([bar(0)]);
  });
});
