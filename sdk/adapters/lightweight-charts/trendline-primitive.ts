/** A line through two (time, price) anchors, optionally extended to the pane edges, with a text label. */
import { drawLabel, setLineStyle } from './canvas.js';
import { drawingPrimitive, type ChartPoint, type Pixel } from './drawing-primitive.js';
import type { LineStyleName } from './styles.js';
import type { TimeAxis } from './time-axis.js';

export interface TrendlineSpec {
  p1: ChartPoint;
  p2: ChartPoint;
  extend: 'none' | 'left' | 'right' | 'both';
  color: string;
  style: LineStyleName;
  width: number;
  label?: string | undefined;
}

export function trendlinePrimitive(axis: TimeAxis, spec: TrendlineSpec) {
  return drawingPrimitive<[Pixel, Pixel]>(
    axis,
    ({ point }) => {
      const a = point(spec.p1);
      const b = point(spec.p2);
      // Left-to-right order, so "left"/"right" extension means the pane's edges.
      return a && b && (a.x <= b.x ? [a, b] : [b, a]);
    },
    ([a, b], { ctx, width, hr, vr }) => {
      let start = { x: a.x * hr, y: a.y * vr };
      let end = { x: b.x * hr, y: b.y * vr };
      if (start.x !== end.x) {
        const slope = (end.y - start.y) / (end.x - start.x);
        if (spec.extend === 'left' || spec.extend === 'both') start = { x: 0, y: start.y - slope * start.x };
        if (spec.extend === 'right' || spec.extend === 'both') end = { x: width, y: end.y + slope * (width - end.x) };
      }
      ctx.save();
      ctx.lineWidth = Math.max(1, Math.round(spec.width * hr));
      ctx.strokeStyle = spec.color;
      ctx.lineCap = 'round';
      setLineStyle(ctx, spec.style, ctx.lineWidth);
      ctx.beginPath();
      ctx.moveTo(start.x, start.y);
      ctx.lineTo(end.x, end.y);
      ctx.stroke();
      ctx.restore();
      drawLabel(ctx, spec.label, b.x * hr, (b.y - 4) * vr, { color: spec.color, ratio: vr, align: 'right' });
    },
  );
}
