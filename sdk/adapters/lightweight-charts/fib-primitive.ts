/** Fibonacci retracement between two swing points: one level per ratio, each with a "61.8% 123.45" label. */
import { drawLabel } from './canvas.js';
import { DrawingPrimitive, type BitmapScope } from './drawing-primitive.js';
import { DRAWING_COLORS } from './styles.js';
import type { Anchor } from './trendline-primitive.js';
import type { TimeAxis } from './time-axis.js';

export interface FibSpec {
  from: Anchor;
  to: Anchor;
  levels: readonly number[];
  label?: string;
}

export interface FibLevel {
  ratio: number;
  price: number;
  /** Media-pixel y, null before the first draw. */
  y: number | null;
}

/** Price of a retracement ratio: 0 is the swing end (`to`), 1 its start (`from`). */
export function fibPrice(from: Anchor, to: Anchor, ratio: number): number {
  return to.price - (to.price - from.price) * ratio;
}

export class FibPrimitive extends DrawingPrimitive {
  #left: number | null = null;
  #levels: FibLevel[] = [];

  constructor(
    axis: TimeAxis,
    public spec: FibSpec,
  ) {
    super(axis);
  }

  get levels(): readonly FibLevel[] {
    return this.#levels;
  }

  /** Media-pixel x where the levels start (the earlier anchor); they run to the right edge. */
  get left(): number | null {
    return this.#left;
  }

  updateAllViews(): void {
    const { from, to, levels } = this.spec;
    const x1 = this.x(from.time), x2 = this.x(to.time);
    this.#left = x1 === null || x2 === null ? null : Math.min(x1, x2);
    this.#levels = levels.map((ratio) => {
      const price = fibPrice(from, to, ratio);
      return { ratio, price, y: this.y(price) };
    });
  }

  protected draw({ ctx, width, hr, vr }: BitmapScope): void {
    if (this.#left === null) return;
    const left = Math.round(this.#left * hr);
    const lineWidth = Math.max(1, Math.round(hr));
    // Close levels (a small swing) would print their labels over each other: skip those.
    let lastLabelY = Number.NEGATIVE_INFINITY;
    this.#levels.forEach((level, i) => {
      if (level.y === null) return;
      const y = Math.round(level.y * vr);
      const color = DRAWING_COLORS.fib[i % DRAWING_COLORS.fib.length]!;
      ctx.fillStyle = color;
      ctx.fillRect(left, y - (lineWidth >> 1), Math.max(1, width - left), lineWidth);
      if (Math.abs(y - lastLabelY) < 12 * vr) return;
      lastLabelY = y;
      const text = `${trimRatio(level.ratio * 100)}% (${this.formatPrice(level.price)})`;
      drawLabel(ctx, i === 0 && this.spec.label ? `${this.spec.label}  ${text}` : text, left + 4 * hr, y - 2 * vr, { color, ratio: vr });
    });
  }
}

function trimRatio(percent: number): string {
  return String(Math.round(percent * 10) / 10);
}
