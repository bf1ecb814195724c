// The adapter's side of proposals, honest outcomes and provenance, on a real lightweight-charts chart
// in Chromium: ghosts for `chart-proposal`, a roll-back when a later listener rejects, the reject
// reason, provenance in the context and on hover, and the AI layer hidden and shown in one call.
import { expect } from '@open-wc/testing';
import { sendMouse } from '@web/test-runner-commands';
import { LineStyle } from 'lightweight-charts';
import type { ChartCommand } from '../contract/index.js';
import { ChartCommandEvent, type ChartProposalDetail } from '../events.js';
import { connectLightweightCharts, type LightweightChartsConnection } from './lightweight-charts.js';
import { chartFixture, ContextRecorder, painted, type ChartFixture } from '../test-support/lightweight-charts.js';

describe('connectLightweightCharts: proposals, outcomes, provenance', () => {
  let fx: ChartFixture;
  let target: ContextRecorder;
  let handle: LightweightChartsConnection;

  beforeEach(() => {
    fx = chartFixture();
    target = new ContextRecorder();
    handle = connectLightweightCharts(target, { chart: fx.chart, series: fx.series, symbol: 'TSLA', timeframe: '1D' });
  });
  afterEach(() => {
    handle.disconnect();
    fx.dispose();
  });

  const propose = (id: string, status: ChartProposalDetail['status'], commands: ChartCommand[]) =>
    target.dispatchEvent(new CustomEvent('chart-proposal', { detail: { id, status, commands, apply() {}, dismiss() {} } }));
  const level = { type: 'price_line', id: 's1', price: 105, role: 'support', label: 'S1', why: '3 touches from 2024-01-02 to 2024-03-04' } as const;

  it('shows an open proposal as dashed, translucent ghosts marked proposed; they go when it is applied or dismissed', () => {
    propose('p1', 'open', [level, { type: 'set_symbol', symbol: 'AAPL' }]);
    const [ghost] = fx.series.priceLines().map((l) => l.options());
    expect(ghost).to.include({ price: 105, lineStyle: LineStyle.Dashed, title: 'proposed · S1' });
    expect(ghost!.color).to.match(/^rgba\(.*0\.6\)$/);
    expect(handle.drawings.map((d) => [d.id, d.proposed])).to.deep.equal([['s1', true]]);
    propose('p1', 'applied', [level]);
    expect(fx.series.priceLines()).to.have.length(0);
    propose('p2', 'open', [level]);
    propose('p2', 'dismissed', [level]);
    expect(fx.series.priceLines()).to.have.length(0);
  });

  it("rolls back a drawing when a listener after the adapter rejects it, and rejects with the adapter's reason", async () => {
    target.dispatchEvent(new ChartCommandEvent(level));
    target.addEventListener('chart-command', (e) => (e as ChartCommandEvent).detail.type === 'price_line' && (e as ChartCommandEvent).reject('desk rule'));
    const replaced = new ChartCommandEvent({ ...level, price: 110 });
    target.dispatchEvent(replaced);
    expect(replaced.reason).to.equal('desk rule');
    await Promise.resolve();
    expect(fx.series.priceLines().map((l) => l.options().price)).to.deep.equal([105], 'the replaced level is back');
    const far = new ChartCommandEvent({ type: 'remove', id: 'nothing-here' });
    target.dispatchEvent(far);
    expect(far.reason).to.contain('nothing on the chart has the id');
  });

  it('reports provenance (turn, why) in the context and shows it on hover', async () => {
    target.dispatchEvent(new ChartCommandEvent(level, 'ai', 'turn-7'));
    handle.refreshContext();
    expect(target.chartContext!.drawings![0]).to.include({ id: 's1', turn: 'turn-7', why: level.why });
    await painted();
    const y = fx.series.priceToCoordinate(105)!;
    const box = fx.chart.chartElement().getBoundingClientRect();
    // A real pointer move (the chart tracks the crosshair from real mouse events).
    await sendMouse({ type: 'move', position: [Math.round(box.left + 100), Math.round(box.top + y)] });
    await painted();
    const tip = fx.chart.chartElement().querySelector<HTMLElement>('[data-chart-chat-provenance]')!;
    expect(tip.style.display).to.equal('block');
    expect(tip.textContent).to.equal(`S1: ${level.why} (AI, turn-7)`);
  });

  it('hides and shows the AI layer in one call; the host line stays', () => {
    handle.addHostPriceLine({ id: 'host', price: 100, label: 'Prev close' });
    target.dispatchEvent(new ChartCommandEvent(level));
    target.dispatchEvent(new ChartCommandEvent({ type: 'trendline', id: 't', p1: { time: fx.bars[10]!.time as number, price: 100 }, p2: { time: fx.bars[20]!.time as number, price: 104 } }));
    handle.setAiLayerVisible(false);
    expect(handle.drawings.map((d) => d.id)).to.deep.equal(['host']);
    expect(fx.series.priceLines().map((l) => l.options().id)).to.deep.equal(['host']);
    handle.setAiLayerVisible(true);
    expect(handle.drawings.map((d) => d.id).sort()).to.deep.equal(['host', 's1', 't']);
  });
});
