/** A price band between `bottom` and `top`, from `from` to `to` (or the pane edges), drawn under the candles. */
import { drawLabel } from './canvas.js';
import { drawingPrimitive } from './drawing-primitive.js';
import type { TimeAxis } from './time-axis.js';

export interface ZoneSpec {
  top: number;
  bottom: number;
  from?: number | undefined;
  to?: number | undefined;
  color: string;
  label?: string | undefined;
}

export function zonePrimitive(axis: TimeAxis, spec: ZoneSpec) {
  return drawingPrimitive(
    axis,
    ({ x, y }) => {
      // undefined = the pane's left/right edge; null = a time the chart cannot place.
      const edges = [spec.from, spec.to].map((t) => (t === undefined ? t : x(t)));
      const ys = [y(spec.top), y(spec.bottom)];
      return edges.includes(null) || ys.includes(null) ? null : { edges: edges as (number | undefined)[], ys: ys as number[] };
    },
    ({ edges: [left, right], ys }, { ctx, width, hr, vr }) => {
      const l = left === undefined ? 0 : Math.round(left * hr);
      const w = Math.max(1, (right === undefined ? width : Math.round(right * hr)) - l);
      const t = Math.round(Math.min(...ys) * vr);
      const b = Math.round(Math.max(...ys) * vr);
      const edge = Math.max(1, Math.round(vr));
      ctx.save();
      ctx.fillStyle = spec.color;
      ctx.globalAlpha = 0.16;
      ctx.fillRect(l, t, w, Math.max(1, b - t));
      ctx.globalAlpha = 0.7;
      ctx.fillRect(l, t, w, edge);
      ctx.fillRect(l, b - edge, w, edge);
      ctx.restore();
      drawLabel(ctx, spec.label, l + 6 * hr, t + 4 * vr, { color: spec.color, ratio: vr, baseline: 'top' });
    },
    'bottom',
  );
}
