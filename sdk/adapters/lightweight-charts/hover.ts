/**
 * Provenance on hover: when the pointer is over an AI drawing, a small tooltip says why the AI
 * drew it and when (the turn), e.g. "Support 245.5 — 3 touches from 2024-02-01 to 2024-05-03: …".
 * lightweight-charts hit-tests only primitives, not price lines or markers, so the distance to each
 * drawing is measured here from the crosshair position.
 */
import type { IChartApi, ISeriesApi, MouseEventParams, SeriesType, Time, UTCTimestamp } from 'lightweight-charts';
import type { Drawing } from './drawings.js';

/** How close (px) the pointer must be to a line. */
const NEAR = 6;

export function provenanceHover(chart: IChartApi, series: ISeriesApi<SeriesType>, drawings: () => Drawing[]) {
  const tip = document.createElement('div');
  tip.setAttribute('role', 'tooltip');
  tip.dataset['chartChatProvenance'] = '';
  Object.assign(tip.style, {
    position: 'fixed', zIndex: '10', pointerEvents: 'none', display: 'none', maxWidth: '320px', padding: '4px 8px',
    font: '12px/1.35 system-ui, sans-serif', background: 'rgba(20, 24, 30, 0.92)', color: '#fff', borderRadius: '4px',
  });
  const y = (price: number) => series.priceToCoordinate(price);
  const x = (time: number) => chart.timeScale().timeToCoordinate(time as UTCTimestamp);

  /** Pixel distance from (px, py) to the drawing, or Infinity when it cannot be placed. */
  const distance = ({ command: c }: Drawing, px: number, py: number): number => {
    const dist = (a: number | null, b: number | null) => (a === null || b === null ? Infinity : Math.abs(a - b));
    switch (c.type) {
      case 'price_line':
        return dist(y(c.price), py);
      case 'trendline': {
        const [x1, y1, x2, y2] = [x(c.p1.time), y(c.p1.price), x(c.p2.time), y(c.p2.price)];
        if (x1 === null || y1 === null || x2 === null || y2 === null) return Infinity;
        const dx = x2 - x1;
        const dy = y2 - y1;
        const t = Math.max(0, Math.min(1, ((px - x1) * dx + (py - y1) * dy) / (dx * dx + dy * dy || 1)));
        return Math.hypot(px - (x1 + t * dx), py - (y1 + t * dy));
      }
      case 'zone':
      case 'fib': {
        const [top, bottom] = c.type === 'zone' ? [c.top, c.bottom] : [Math.max(c.from.price, c.to.price), Math.min(c.from.price, c.to.price)];
        const [yt, yb] = [y(top), y(bottom)];
        return yt !== null && yb !== null && py >= yt - NEAR && py <= yb + NEAR ? 0 : Infinity;
      }
      case 'marker':
        return dist(x(c.time), px) + (c.price === undefined ? 0 : dist(y(c.price), py) / 4);
      default:
        return Infinity;
    }
  };

  const onMove = (param: MouseEventParams<Time>) => {
    const point = param.point;
    const near = point
      ? drawings()
          .filter((d) => d.source === 'ai' && 'why' in d.command && d.command.why)
          .map((d) => [d, distance(d, point.x, point.y)] as const)
          .filter(([, d]) => d <= NEAR)
          .sort((a, b) => a[1] - b[1])[0]?.[0]
      : undefined;
    if (!near || !point) {
      tip.style.display = 'none';
      return;
    }
    const c = near.command as { why?: string; label?: string; text?: string };
    const label = c.label ?? c.text;
    tip.textContent = `${near.proposed ? 'Proposed. ' : ''}${label ? `${label}: ` : ''}${c.why}${near.turn ? ` (AI, ${near.turn})` : ''}`;
    const box = chart.chartElement().getBoundingClientRect();
    tip.style.left = `${Math.round(box.left + point.x + 12)}px`;
    tip.style.top = `${Math.round(box.top + point.y + 12)}px`;
    tip.style.display = 'block';
  };
  chart.chartElement().appendChild(tip);
  chart.subscribeCrosshairMove(onMove);
  return {
    tip,
    detach() {
      chart.unsubscribeCrosshairMove(onMove);
      tip.remove();
    },
  };
}
