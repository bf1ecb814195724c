/** A line through two (time, price) anchors, optionally extended to the pane edges, with a text label. */
import { drawLabel, setLineStyle } from './canvas.js';
import { DrawingPrimitive, type BitmapScope } from './drawing-primitive.js';
import type { LineStyleName } from './styles.js';
import type { TimeAxis } from './time-axis.js';

export interface Anchor {
  time: number;
  price: number;
}

export interface TrendlineSpec {
  p1: Anchor;
  p2: Anchor;
  extend: 'none' | 'left' | 'right' | 'both';
  color: string;
  style: LineStyleName;
  width: number;
  label?: string;
}

interface Pixels {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}

export class TrendlinePrimitive extends DrawingPrimitive {
  #px: Pixels | null = null;

  constructor(
    axis: TimeAxis,
    public spec: TrendlineSpec,
  ) {
    super(axis);
  }

  /** The last computed media-pixel anchors (null before the first draw or without data). */
  get pixels(): Readonly<Pixels> | null {
    return this.#px;
  }

  updateAllViews(): void {
    const { p1, p2 } = this.spec;
    const x1 = this.x(p1.time), y1 = this.y(p1.price), x2 = this.x(p2.time), y2 = this.y(p2.price);
    this.#px = x1 === null || y1 === null || x2 === null || y2 === null ? null : { x1, y1, x2, y2 };
  }

  protected draw({ ctx, width, hr, vr }: BitmapScope): void {
    const px = this.#px;
    if (!px) return;
    const s = this.spec;
    // Left-to-right order, so "left"/"right" extension means the pane's edges.
    const [a, b] = px.x1 <= px.x2 ? [{ x: px.x1, y: px.y1 }, { x: px.x2, y: px.y2 }] : [{ x: px.x2, y: px.y2 }, { x: px.x1, y: px.y1 }];
    let start = { x: a.x * hr, y: a.y * vr };
    let end = { x: b.x * hr, y: b.y * vr };
    if (b.x !== a.x) {
      const slope = (end.y - start.y) / (end.x - start.x);
      if (s.extend === 'left' || s.extend === 'both') start = { x: 0, y: start.y - slope * start.x };
      if (s.extend === 'right' || s.extend === 'both') end = { x: width, y: end.y + slope * (width - end.x) };
    }
    ctx.save();
    ctx.lineWidth = Math.max(1, Math.round(s.width * hr));
    ctx.strokeStyle = s.color;
    ctx.lineCap = 'round';
    setLineStyle(ctx, s.style, ctx.lineWidth);
    ctx.beginPath();
    ctx.moveTo(start.x, start.y);
    ctx.lineTo(end.x, end.y);
    ctx.stroke();
    ctx.restore();
    if (s.label) drawLabel(ctx, s.label, b.x * hr, b.y * vr - 4 * vr, { color: s.color, ratio: vr, align: 'right' });
  }
}
