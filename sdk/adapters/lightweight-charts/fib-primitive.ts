/** Fibonacci retracement between two swing points: one level per ratio, each with a "61.8% (123.45)" label. */
import { drawLabel } from './canvas.js';
import { drawingPrimitive, type ChartPoint } from './drawing-primitive.js';
import { DRAWING_COLORS } from './styles.js';
import type { TimeAxis } from './time-axis.js';

export interface FibSpec {
  from: ChartPoint;
  to: ChartPoint;
  levels: readonly number[];
  label?: string | undefined;
}

export function fibPrimitive(axis: TimeAxis, { from, to, levels, label }: FibSpec) {
  return drawingPrimitive(
    axis,
    ({ x, y, format }) => {
      const x1 = x(from.time);
      const x2 = x(to.time);
      // The levels start at the earlier anchor and run to the right edge.
      if (x1 === null || x2 === null) return null;
      return {
        left: Math.min(x1, x2),
        levels: levels.map((ratio) => {
          // 0 is the swing end (`to`), 1 its start (`from`).
          const price = to.price - (to.price - from.price) * ratio;
          return { y: y(price), text: `${Math.round(ratio * 100 * 10) / 10}% (${format(price)})` };
        }),
      };
    },
    (px, { ctx, width, hr, vr }) => {
      const left = Math.round(px.left * hr);
      const lineWidth = Math.max(1, Math.round(hr));
      // Close levels (a small swing) would print their labels over each other: skip those.
      let lastLabelY = -Infinity;
      px.levels.forEach(({ y: mediaY, text }, i) => {
        if (mediaY === null) return;
        const y = Math.round(mediaY * vr);
        const color = DRAWING_COLORS.fib[i % DRAWING_COLORS.fib.length]!;
        ctx.fillStyle = color;
        ctx.fillRect(left, y - (lineWidth >> 1), Math.max(1, width - left), lineWidth);
        if (Math.abs(y - lastLabelY) < 12 * vr) return;
        lastLabelY = y;
        drawLabel(ctx, i === 0 && label ? `${label}  ${text}` : text, left + 4 * hr, y - 2 * vr, { color, ratio: vr });
      });
    },
  );
}
