// The adapter's other half: the chart context it keeps on the element (coalesced, valid, fresh
// objects), market changes through the host's callbacks, time mapping, and disconnect.
import { expect, waitUntil } from '@open-wc/testing';
import type { Logical, Time } from 'lightweight-charts';
import { parseChartContext } from '../contract/index.js';
import { connectLightweightCharts, type LightweightChartsConnection } from './lightweight-charts.js';
import { SeriesBars } from './lightweight-charts/series-bars.js';
import { TimeAxis } from './lightweight-charts/time-axis.js';
import { chartFixture, ContextRecorder, DAY, makeBars, nextFrame, painted, type ChartFixture } from '../test-support/lightweight-charts.js';

describe('connectLightweightCharts: context and lifecycle', () => {
  let fx: ChartFixture;
  let target: ContextRecorder;
  let handle: LightweightChartsConnection;
  const send = (command: unknown) => target.dispatchEvent(new CustomEvent('chart-command', { detail: command, cancelable: true }));

  beforeEach(() => {
    fx = chartFixture(400);
    target = new ContextRecorder();
    handle = connectLightweightCharts(target, { chart: fx.chart, series: fx.series, symbol: 'TSLA', timeframe: '1D' });
  });
  afterEach(() => {
    handle.disconnect();
    fx.dispose();
  });

  it('assigns a valid context right away: market, last price, the newest bars (capped)', () => {
    expect(target.assigned).to.have.length(1);
    const context = target.chartContext!;
    const parsed = parseChartContext(context);
    expect(parsed.success, parsed.success ? '' : parsed.message).to.equal(true);
    expect(context).to.deep.include({ symbol: 'TSLA', timeframe: '1D', lastPrice: fx.bars.at(-1)!.close });
    expect(context.bars).to.have.length(300);
    expect(context.bars![0]!.time).to.equal(fx.bars[100]!.time);
    expect(context.bars!.at(-1)).to.deep.equal({ ...fx.bars.at(-1)! });
  });

  it('carries volume from customValues.volume into the context bars', () => {
    fx.series.setData(fx.bars.map((b, i) => ({ ...b, customValues: { volume: 1000 + i } })));
    handle.refreshContext();
    expect(target.chartContext!.bars!.at(-1)).to.deep.equal({ ...fx.bars.at(-1)!, volume: 1000 + fx.bars.length - 1 });
  });

  it('coalesces: many changes within one frame give exactly one new context object', async () => {
    await painted();
    const before = target.assigned.length;
    send({ type: 'price_line', id: 's1', price: 101, role: 'support' });
    send({ type: 'price_line', id: 'r1', price: 120, role: 'resistance', label: 'R1' });
    send({ type: 'trendline', id: 't1', p1: { time: fx.bars[10]!.time as number, price: 100 }, p2: { time: fx.bars[20]!.time as number, price: 110 } });
    send({ type: 'indicator', id: 'rsi', indicator: 'rsi', params: {} });
    fx.series.update({ ...fx.bars.at(-1)!, close: fx.bars.at(-1)!.close + 0.5, high: fx.bars.at(-1)!.high + 0.5 });
    handle.setMarket({ timeframe: '1W' });
    expect(target.assigned.length, 'nothing assigned synchronously').to.equal(before);
    await nextFrame();
    await nextFrame();
    expect(target.assigned.length).to.equal(before + 1);
    const context = target.chartContext!;
    expect(context).to.not.equal(target.assigned[before - 1]);
    expect(context.timeframe).to.equal('1W');
    expect(context.lastPrice).to.equal(fx.bars.at(-1)!.close + 0.5);
    expect(context.drawings).to.deep.equal([
      { id: 's1', kind: 'price_line', source: 'ai', price: 101 },
      { id: 'r1', kind: 'price_line', source: 'ai', label: 'R1', price: 120 },
      { id: 't1', kind: 'trendline', source: 'ai', p1: { time: fx.bars[10]!.time, price: 100 }, p2: { time: fx.bars[20]!.time, price: 110 } },
    ]);
    expect(context.indicators).to.deep.equal([{ id: 'rsi', indicator: 'rsi', params: { period: 14, source: 'close' } }]);
    const parsed = parseChartContext(context);
    expect(parsed.success, parsed.success ? '' : parsed.message).to.equal(true);
  });

  it('follows the visible range when the user scrolls or zooms', async () => {
    await painted();
    fx.chart.timeScale().setVisibleLogicalRange({ from: 50, to: 99 });
    await waitUntil(() => target.chartContext?.visibleRange?.from === fx.bars[50]!.time, 'visible range in the context');
    expect(target.chartContext!.visibleRange).to.deep.equal({ from: fx.bars[50]!.time, to: fx.bars[99]!.time });
  });

  it('set_symbol / set_timeframe go to the host\'s callbacks; the market changes once they resolve', async () => {
    const calls: string[] = [];
    handle.disconnect();
    handle = connectLightweightCharts(target, {
      chart: fx.chart,
      series: fx.series,
      symbol: 'TSLA',
      timeframe: '1D',
      onSymbol: async (symbol) => {
        calls.push(`symbol:${symbol}`);
        await new Promise((r) => setTimeout(r, 10));
        fx.series.setData(makeBars(200, fx.bars[0]!.time as number, 190));
      },
      onTimeframe: (tf) => {
        calls.push(`timeframe:${tf}`);
        return tf !== '1M'; // the host refuses monthly
      },
    });
    handle.addHostPriceLine({ id: 'prev-close', price: 104, label: 'Prev close' });
    send({ type: 'price_line', id: 'tsla-support', price: 101, role: 'support' });
    expect(send({ type: 'set_symbol', symbol: 'AAPL' })).to.equal(true);
    expect(send({ type: 'set_timeframe', timeframe: '1h' })).to.equal(true);
    expect(send({ type: 'set_timeframe', timeframe: '1M' })).to.equal(true);
    expect(calls).to.deep.equal(['symbol:AAPL', 'timeframe:1h', 'timeframe:1M']);
    expect(handle.market.symbol, 'not before the host has loaded').to.equal('TSLA');
    await waitUntil(() => handle.market.symbol === 'AAPL', 'symbol switched');
    expect(handle.market).to.deep.equal({ symbol: 'AAPL', timeframe: '1h' });
    // The AI's TSLA levels went with TSLA; the host's line is the host's business.
    expect(handle.drawings.map((d) => d.id)).to.deep.equal(['prev-close']);
    await waitUntil(() => target.chartContext?.symbol === 'AAPL' && target.chartContext.bars?.length === 200, 'context for AAPL');
    expect(target.chartContext!.timeframe).to.equal('1h');
  });

  it('rejects symbol changes when the host gave no callback', () => {
    const event = new CustomEvent('chart-command', { detail: { type: 'set_symbol', symbol: 'AAPL' }, cancelable: true });
    const errors: string[] = [];
    handle.disconnect();
    handle = connectLightweightCharts(target, { chart: fx.chart, series: fx.series, symbol: 'TSLA', timeframe: '1D', onError: (m) => errors.push(m) });
    target.dispatchEvent(event);
    expect(event.defaultPrevented).to.equal(true);
    expect(errors).to.deep.equal(['this chart does not switch symbols']);
  });

  it('rejects an invalid market from the host', () => {
    expect(() => handle.setMarket({ symbol: '<b>x</b>' })).to.throw(TypeError, /invalid symbol/);
    expect(() => connectLightweightCharts(target, { chart: fx.chart, series: fx.series, symbol: 'TSLA', timeframe: 'forever' })).to.throw(TypeError);
  });

  it('disconnect: stops listening, stops updating the context and takes its drawings off the chart', async () => {
    send({ type: 'price_line', id: 's1', price: 101, role: 'support' });
    send({ type: 'indicator', id: 'rsi', indicator: 'rsi', params: {} });
    await painted();
    const count = target.assigned.length;
    handle.disconnect();
    expect(fx.series.priceLines()).to.have.length(0);
    expect(fx.chart.panes()).to.have.length(1);
    expect(send({ type: 'price_line', id: 's2', price: 102, role: 'support' }), 'nobody rejects it either').to.equal(true);
    fx.series.setData(makeBars(50));
    fx.chart.timeScale().fitContent();
    await painted();
    await painted();
    expect(fx.series.priceLines()).to.have.length(0);
    expect(target.assigned.length).to.equal(count);
    expect(handle.apply({ type: 'price_line', id: 's3', price: 103, role: 'support' }).ok).to.equal(false);
    handle.disconnect(); // twice is fine
  });

  it('a chart removed before disconnect: no throw from the pending frame or from disconnect', async () => {
    const errors: string[] = [];
    handle.disconnect();
    handle = connectLightweightCharts(target, { chart: fx.chart, series: fx.series, symbol: 'TSLA', timeframe: '1D', onError: (m) => errors.push(m) });
    send({ type: 'price_line', id: 's1', price: 101, role: 'support' }); // schedules a context update
    fx.chart.remove();
    await painted();
    expect(errors.length).to.be.at.most(1);
    expect(() => handle.disconnect()).to.not.throw();
    fx.dispose = () => fx.container.remove();
  });
});

describe('TimeAxis: times to x beyond what the chart maps itself', () => {
  let fx: ChartFixture;
  let axis: TimeAxis;
  beforeEach(async () => {
    fx = chartFixture(100);
    axis = new TimeAxis(fx.chart, new SeriesBars(fx.series));
    await painted();
  });
  afterEach(() => fx.dispose());

  const ts = () => fx.chart.timeScale();
  const at = (logical: number) => ts().logicalToCoordinate(logical as Logical)!;

  it('exact bar times are the chart\'s own coordinates', () => {
    expect(axis.x(fx.bars[42]!.time as number)).to.equal(ts().timeToCoordinate(fx.bars[42]!.time as Time));
  });

  it('between two bars: interpolated', () => {
    const x = axis.x((fx.bars[42]!.time as number) + DAY / 4)!;
    expect(x).to.be.closeTo(at(42) + (at(43) - at(42)) / 4, 1e-6);
  });

  it('beyond the last bar: extrapolated by the bar spacing, fractions included', () => {
    const lastTime = fx.bars[99]!.time as number;
    expect(axis.x(lastTime + 5 * DAY)).to.be.closeTo(at(104), 1e-6);
    expect(axis.x(lastTime + 5.5 * DAY)).to.be.closeTo((at(104) + at(105)) / 2, 1e-6);
  });

  it('before the first bar: extrapolated backwards', () => {
    expect(axis.x((fx.bars[0]!.time as number) - 3 * DAY)).to.be.closeTo(at(-3), 1e-6);
  });

  it('uses the typical spacing, not a weekend gap', () => {
    // Weekdays only: gaps of 1 day and, once a week, 3 days.
    const weekdays = makeBars(140).filter((b) => ![0, 6].includes(new Date((b.time as number) * 1000).getUTCDay()));
    fx.series.setData(weekdays);
    const bars = new SeriesBars(fx.series);
    expect(bars.spacing).to.equal(DAY);
    const lastTime = weekdays.at(-1)!.time as number;
    expect(new TimeAxis(fx.chart, bars).logical(lastTime + 2 * DAY)).to.equal(weekdays.length - 1 + 2);
  });
});
