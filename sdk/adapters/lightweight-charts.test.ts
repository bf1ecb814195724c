// The adapter against a real lightweight-charts chart in Chromium: every command kind, checked in
// the adapter's state and in the chart's own (price lines, panes, series, pixels it painted).
import { expect } from '@open-wc/testing';
import { LineStyle, type Logical, type Time } from 'lightweight-charts';
import { connectLightweightCharts, type LightweightChartsConnection } from './lightweight-charts.js';
import { sma } from '../indicators/index.js';
import { ChartCommandEvent } from '../events.js';
import { DRAWING_COLORS } from './lightweight-charts/styles.js';
import { chartFixture, ContextRecorder, DAY, hasColorNear, makeBars, painted, pixelAt, type ChartFixture } from '../test-support/lightweight-charts.js';

describe('connectLightweightCharts: commands', () => {
  let fx: ChartFixture;
  let target: ContextRecorder;
  let handle: LightweightChartsConnection;
  const last = () => fx.bars[fx.bars.length - 1]!;
  const timeAt = (i: number) => fx.bars[i]!.time as number;

  beforeEach(() => {
    fx = chartFixture();
    target = new ContextRecorder();
    handle = connectLightweightCharts(target, { chart: fx.chart, series: fx.series, symbol: 'TSLA', timeframe: '1D' });
  });
  afterEach(() => {
    handle.disconnect();
    fx.dispose();
  });

  /** Dispatches like `<chart-chat>` does; returns false when the adapter rejected the command. */
  const send = (command: unknown) => target.dispatchEvent(new CustomEvent('chart-command', { detail: command, cancelable: true }));
  const lineOptions = () => fx.series.priceLines().map((l) => l.options());

  it('price_line: a titled price line coloured by role, tagged as the AI\'s', () => {
    expect(send({ type: 'price_line', id: 's1', price: 101.5, role: 'support', label: 'S1', style: 'dashed' })).to.equal(true);
    expect(send({ type: 'price_line', id: 'r1', price: 118, role: 'resistance' })).to.equal(true);
    expect(send({ type: 'price_line', id: 'l1', price: 110, role: 'level', color: '#123456', style: 'dotted' })).to.equal(true);
    const [s1, r1, l1] = lineOptions();
    expect(s1).to.include({ id: 's1', price: 101.5, title: 'S1', color: '#26a69a', lineStyle: LineStyle.Dashed, axisLabelVisible: true });
    expect(r1).to.include({ id: 'r1', price: 118, title: 'Resistance', color: '#ef5350' });
    expect(l1).to.include({ id: 'l1', price: 110, color: '#123456', lineStyle: LineStyle.Dotted });
    expect(handle.drawings.map((d) => [d.id, d.kind, d.source, d.price])).to.deep.equal([
      ['s1', 'price_line', 'ai', 101.5],
      ['r1', 'price_line', 'ai', 118],
      ['l1', 'price_line', 'ai', 110],
    ]);
  });

  it('trendline: a primitive painted through its two anchors, extended to the right edge', async () => {
    const p1 = { time: timeAt(60), price: fx.bars[60]!.low };
    const p2 = { time: timeAt(100), price: fx.bars[100]!.high };
    expect(send({ type: 'trendline', id: 't1', p1, p2, color: '#ff00ff', label: 'Trend' })).to.equal(true);
    expect(send({ type: 'trendline', id: 't2', p1, p2: { time: timeAt(70), price: p1.price + 0.5 }, color: '#00ffff', extend: 'right' })).to.equal(true);
    await painted();
    const ts = fx.chart.timeScale();
    const x = (ts.timeToCoordinate(p1.time as Time)! + ts.timeToCoordinate(p2.time as Time)!) / 2;
    const y = (fx.series.priceToCoordinate(p1.price)! + fx.series.priceToCoordinate(p2.price)!) / 2;
    expect(hasColorNear(fx.chart, x, y, '#ff00ff')).to.equal(true);
    // Not extended: nothing magenta past p2. Extended: cyan still present in the empty future area.
    const future = ts.logicalToCoordinate((fx.bars.length + 10) as Logical)!;
    const slope = 0.5 / 10; // price per bar of t2
    const yFuture = fx.series.priceToCoordinate(p1.price + slope * (fx.bars.length + 10 - 60))!;
    expect(hasColorNear(fx.chart, future, yFuture, '#00ffff', 4)).to.equal(true);
    expect(handle.drawings.find((d) => d.id === 't1')).to.deep.include({ kind: 'trendline', p1, p2, label: 'Trend', source: 'ai' });
  });

  it('zone: a band painted under the candles, in the future area beyond the data (extrapolated times)', async () => {
    const from = timeAt(fx.bars.length - 1) + 3 * DAY;
    const to = from + 10 * DAY;
    expect(send({ type: 'zone', id: 'z1', top: 115, bottom: 105, from, to, color: '#0000ff', label: 'Demand' })).to.equal(true);
    await painted();
    const ts = fx.chart.timeScale();
    const n = fx.bars.length;
    const xMid = ts.logicalToCoordinate((n - 1 + 8) as Logical)!;
    const yMid = fx.series.priceToCoordinate(110)!;
    const [r, g, b] = pixelAt(fx.chart, xMid, yMid);
    expect(b).to.be.greaterThan(r + 20); // white with a 16% blue fill
    expect(b).to.be.greaterThan(g + 20);
    // Outside the band (before `from`) the background stays white.
    expect(pixelAt(fx.chart, ts.logicalToCoordinate((n - 1 + 1) as Logical)!, yMid)).to.deep.equal([255, 255, 255]);
    expect(handle.drawings[0]).to.deep.include({ kind: 'zone', p1: { time: from, price: 115 }, p2: { time: to, price: 105 } });
  });

  it('fib: one level per ratio, from the earlier anchor to the right edge', async () => {
    const from = { time: timeAt(40), price: 90 };
    const to = { time: timeAt(90), price: 130 };
    expect(send({ type: 'fib', id: 'f1', from, to })).to.equal(true);
    await painted();
    const x = fx.chart.timeScale().logicalToCoordinate((fx.bars.length + 5) as Logical)!; // empty future area
    // 50% level, the fourth default colour.
    expect(hasColorNear(fx.chart, x, fx.series.priceToCoordinate(110)!, DRAWING_COLORS.fib[3], 1, 30)).to.equal(true);
    // 61.8%: 130 - 40 * 0.618
    expect(hasColorNear(fx.chart, x, fx.series.priceToCoordinate(130 - 40 * 0.618)!, DRAWING_COLORS.fib[4], 1, 30)).to.equal(true);
    expect(handle.drawings[0]).to.deep.include({ kind: 'fib', p1: from, p2: to });
  });

  it('marker: painted at its bar, above the high', async () => {
    const i = 100;
    expect(send({ type: 'marker', id: 'm1', time: timeAt(i), position: 'above', shape: 'arrowDown', text: 'Top', color: '#0000ff' })).to.equal(true);
    await painted();
    const x = fx.chart.timeScale().timeToCoordinate(timeAt(i) as Time)!;
    const high = fx.series.priceToCoordinate(fx.bars[i]!.high)!;
    let found = false;
    for (let y = high - 4; y > high - 40 && !found; y -= 2) found = hasColorNear(fx.chart, x, y, '#0000ff', 2);
    expect(found, 'a blue marker above the bar').to.equal(true);
    expect(handle.drawings[0]).to.deep.include({ kind: 'marker', label: 'Top', p1: { time: timeAt(i), price: fx.bars[i]!.close } });
  });

  it('indicator: SMA/EMA/Bollinger in the main pane, RSI in its own pane with 70/30 lines, recomputed on new data', () => {
    expect(send({ type: 'indicator', id: 'sma20', indicator: 'sma', params: { period: 20 } })).to.equal(true);
    expect(send({ type: 'indicator', id: 'ema9', indicator: 'ema', params: { period: 9 } })).to.equal(true);
    expect(send({ type: 'indicator', id: 'bb', indicator: 'bollinger', params: {} })).to.equal(true);
    expect(fx.chart.panes()).to.have.length(1);
    expect(fx.chart.panes()[0]!.getSeries()).to.have.length(1 + 1 + 1 + 3);
    expect(send({ type: 'indicator', id: 'rsi', indicator: 'rsi', params: { period: 14 } })).to.equal(true);
    const panes = fx.chart.panes();
    expect(panes).to.have.length(2);
    const [rsiSeries] = panes[1]!.getSeries();
    expect(rsiSeries!.priceLines().map((l) => l.options().price)).to.deep.equal([70, 30]);
    const rsiValues = rsiSeries!.data().map((d) => (d as { value: number }).value);
    expect(rsiValues).to.have.length(fx.bars.length - 14);
    expect(rsiValues.every((v) => v >= 0 && v <= 100)).to.equal(true);

    const smaSeries = panes[0]!.getSeries()[1]!;
    const expected = sma(fx.bars.map((b) => b.close), 20);
    expect((smaSeries.data().at(-1) as { value: number }).value).to.be.closeTo(expected.at(-1)!, 1e-9);
    expect(smaSeries.data()).to.have.length(fx.bars.length - 19);

    // New data (a symbol switch): every indicator follows.
    const next = makeBars(80, fx.bars[0]!.time as number, 300);
    fx.series.setData(next);
    expect(smaSeries.data()).to.have.length(80 - 19);
    expect((smaSeries.data().at(-1) as { value: number }).value).to.be.closeTo(sma(next.map((b) => b.close), 20).at(-1)!, 1e-9);
    expect(handle.indicators.map((i) => [i.id, i.indicator, i.params.period, i.paneIndex])).to.deep.equal([
      ['sma20', 'sma', 20, 0],
      ['ema9', 'ema', 9, 0],
      ['bb', 'bollinger', 20, 0],
      ['rsi', 'rsi', 14, 1],
    ]);
  });

  it('set_visible_range: the time scale shows that range', async () => {
    expect(send({ type: 'set_visible_range', from: timeAt(30), to: timeAt(60) })).to.equal(true);
    await painted(); // the time scale applies it on its next frame
    const range = fx.chart.timeScale().getVisibleRange()!;
    expect(range.from).to.equal(timeAt(30));
    expect(range.to).to.equal(timeAt(60));
  });

  it('remove: takes any kind off the chart by id', () => {
    send({ type: 'price_line', id: 'a', price: 100, role: 'support' });
    send({ type: 'trendline', id: 'b', p1: { time: timeAt(1), price: 100 }, p2: { time: timeAt(5), price: 101 } });
    send({ type: 'indicator', id: 'c', indicator: 'rsi', params: {} });
    send({ type: 'marker', id: 'd', time: timeAt(3), position: 'below', shape: 'arrowUp' });
    expect(fx.chart.panes()).to.have.length(2);
    for (const id of ['a', 'b', 'c', 'd']) expect(send({ type: 'remove', id }), id).to.equal(true);
    expect(fx.series.priceLines()).to.have.length(0);
    expect(fx.chart.panes()).to.have.length(1); // the RSI pane went with its series
    expect(handle.drawings).to.have.length(0);
    expect(handle.indicators).to.have.length(0);
    expect(send({ type: 'remove', id: 'a' }), 'unknown id is rejected').to.equal(false);
  });

  it('same id again replaces the drawing, even with another kind', async () => {
    send({ type: 'price_line', id: 'x', price: 100, role: 'support' });
    send({ type: 'price_line', id: 'x', price: 105, role: 'resistance', label: 'moved' });
    expect(lineOptions().map((o) => [o.id, o.price, o.title])).to.deep.equal([['x', 105, 'moved']]);
    send({ type: 'trendline', id: 'x', p1: { time: timeAt(1), price: 100 }, p2: { time: timeAt(5), price: 101 } });
    expect(fx.series.priceLines()).to.have.length(0);
    expect(handle.drawings.map((d) => [d.id, d.kind])).to.deep.equal([['x', 'trendline']]);
    send({ type: 'indicator', id: 'i', indicator: 'sma', params: { period: 5 } });
    send({ type: 'indicator', id: 'i', indicator: 'sma', params: { period: 10 } });
    expect(fx.chart.panes()[0]!.getSeries()).to.have.length(2);
    expect(handle.indicators.map((i) => i.params.period)).to.deep.equal([10]);
  });

  it('clear: removes only the AI\'s drawings by default; the host\'s line stays', () => {
    expect(handle.addHostPriceLine({ id: 'prev-close', price: 104, label: 'Prev close' }).ok).to.equal(true);
    send({ type: 'price_line', id: 's', price: 100, role: 'support' });
    send({ type: 'zone', id: 'z', top: 110, bottom: 105 });
    send({ type: 'indicator', id: 'sma', indicator: 'sma', params: {} });
    send({ type: 'clear', scope: 'drawings' });
    expect(lineOptions().map((o) => o.id)).to.deep.equal(['prev-close']);
    expect(handle.drawings.map((d) => [d.id, d.source])).to.deep.equal([['prev-close', 'host']]);
    expect(handle.indicators).to.have.length(1); // scope "drawings" keeps indicators
    send({ type: 'clear' }); // default scope: everything of the AI's
    expect(handle.indicators).to.have.length(0);
    expect(lineOptions().map((o) => o.id)).to.deep.equal(['prev-close']);
    send({ type: 'clear', source: 'all' });
    expect(fx.series.priceLines()).to.have.length(0);
  });

  it('the AI cannot overwrite a host drawing by reusing its id', () => {
    handle.addHostPriceLine({ id: 'prev-close', price: 104, label: 'Prev close' });
    expect(send({ type: 'price_line', id: 'prev-close', price: 1, role: 'support' })).to.equal(false);
    expect(lineOptions().map((o) => [o.id, o.price])).to.deep.equal([['prev-close', 104]]);
  });

  it('caps the number of drawings; replacing stays possible at the cap', () => {
    handle.disconnect();
    handle = connectLightweightCharts(target, { chart: fx.chart, series: fx.series, symbol: 'TSLA', timeframe: '1D', maxDrawings: 2 });
    expect(send({ type: 'price_line', id: 'a', price: 100, role: 'level' })).to.equal(true);
    expect(send({ type: 'price_line', id: 'b', price: 101, role: 'level' })).to.equal(true);
    const rejected = handle.apply({ type: 'price_line', id: 'c', price: 102, role: 'level' });
    expect(rejected.ok).to.equal(false);
    expect(!rejected.ok && rejected.error).to.match(/at most 2/);
    expect(send({ type: 'price_line', id: 'b', price: 103, role: 'level' })).to.equal(true);
    expect(lineOptions().map((o) => o.price)).to.deep.equal([100, 103]);
  });

  it('invalid commands through apply() are rejected and draw nothing', () => {
    const bad = [
      { type: 'price_line', id: 'x', price: Number.NaN, role: 'support' },
      { type: 'price_line', price: 100, role: 'support' },
      { type: 'laser', id: 'x' },
      { type: 'trendline', id: 'x', p1: { time: -5, price: 1 }, p2: { time: 1, price: 1 } },
      'clear',
    ];
    for (const command of bad) {
      const result = handle.apply(command);
      expect(result.ok, JSON.stringify(command)).to.equal(false);
      expect(!result.ok && result.error.length).to.be.greaterThan(0);
    }
    expect(send({ type: 'price_line', id: 'x', price: -1, role: 'support' }), 'the event is rejected too').to.equal(false);
    expect(fx.series.priceLines()).to.have.length(0);
    expect(handle.drawings).to.have.length(0);
  });

  it('leaves alone a command another listener already rejected (preventDefault)', () => {
    handle.disconnect();
    target.addEventListener('chart-command', (e) => e.preventDefault()); // e.g. a host veto, registered first
    handle = connectLightweightCharts(target, { chart: fx.chart, series: fx.series, symbol: 'TSLA', timeframe: '1D' });
    expect(send({ type: 'price_line', id: 'vetoed', price: 100, role: 'support' })).to.equal(false);
    expect(fx.series.priceLines()).to.have.length(0);
    expect(handle.drawings).to.have.length(0);
  });

  it('labels are drawn as text, never parsed as HTML', async () => {
    send({ type: 'trendline', id: 't', p1: { time: timeAt(10), price: 100 }, p2: { time: timeAt(20), price: 105 }, label: '<img src=x onerror=alert(1)>' });
    send({ type: 'price_line', id: 'p', price: 100, role: 'level', label: '<b>bold</b>' });
    await painted();
    expect(fx.container.querySelector('img, b')).to.equal(null);
    expect(fx.series.priceLines()[0]!.options().title).to.equal('<b>bold</b>');
  });

  it('anchors are time/price, so drawings stay put when older history is prepended', async () => {
    const p1 = { time: timeAt(80), price: 100 };
    const p2 = { time: timeAt(110), price: 112 };
    send({ type: 'trendline', id: 't', p1, p2, color: '#ff00ff' });
    const older = makeBars(60, (fx.bars[0]!.time as number) - 60 * DAY, 90);
    fx.series.setData([...older, ...fx.bars]);
    fx.chart.timeScale().scrollToRealTime();
    await painted();
    const ts = fx.chart.timeScale();
    const x = (ts.timeToCoordinate(p1.time as Time)! + ts.timeToCoordinate(p2.time as Time)!) / 2;
    const y = fx.series.priceToCoordinate(106)!;
    expect(hasColorNear(fx.chart, x, y, '#ff00ff')).to.equal(true);
  });

  it('applies commands dispatched by a real <chart-chat> element and feeds it the context', async () => {
    await import('../define.js');
    const el = document.createElement('chart-chat');
    el.setAttribute('renderer', 'lite');
    document.body.append(el);
    const h = connectLightweightCharts(el, { chart: fx.chart, series: fx.series, symbol: 'AAPL', timeframe: '1h' });
    try {
      const event = new ChartCommandEvent({ type: 'price_line', id: 'el', price: 101, role: 'resistance' });
      el.dispatchEvent(event);
      expect(event.defaultPrevented).to.equal(false);
      expect(fx.series.priceLines().map((l) => l.options().id)).to.include('el');
      h.refreshContext();
      expect(el.chartContext?.symbol).to.equal('AAPL');
      expect(el.chartContext?.drawings?.map((d) => d.id)).to.include('el');
      expect(last().close).to.equal(el.chartContext?.lastPrice);
    } finally {
      h.disconnect();
      el.remove();
    }
  });
});
