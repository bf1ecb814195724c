/** A price band between `bottom` and `top`, from `from` to `to` (or the pane edges), drawn under the candles. */
import type { PrimitivePaneViewZOrder } from 'lightweight-charts';
import { drawLabel } from './canvas.js';
import { DrawingPrimitive, type BitmapScope } from './drawing-primitive.js';
import type { TimeAxis } from './time-axis.js';

export interface ZoneSpec {
  top: number;
  bottom: number;
  from?: number;
  to?: number;
  color: string;
  label?: string;
}

interface Pixels {
  /** null = the pane's left/right edge. */
  left: number | null;
  right: number | null;
  top: number;
  bottom: number;
}

export class ZonePrimitive extends DrawingPrimitive {
  #px: Pixels | null = null;

  constructor(
    axis: TimeAxis,
    public spec: ZoneSpec,
  ) {
    super(axis);
  }

  get pixels(): Readonly<Pixels> | null {
    return this.#px;
  }

  protected override zOrder(): PrimitivePaneViewZOrder {
    return 'bottom';
  }

  updateAllViews(): void {
    const s = this.spec;
    const top = this.y(s.top), bottom = this.y(s.bottom);
    const left = s.from === undefined ? null : this.x(s.from);
    const right = s.to === undefined ? null : this.x(s.to);
    const missingTime = (s.from !== undefined && left === null) || (s.to !== undefined && right === null);
    this.#px = top === null || bottom === null || missingTime ? null : { left, right, top, bottom };
  }

  protected draw({ ctx, width, hr, vr }: BitmapScope): void {
    const px = this.#px;
    if (!px) return;
    const l = px.left === null ? 0 : Math.round(px.left * hr);
    const r = px.right === null ? width : Math.round(px.right * hr);
    const t = Math.round(Math.min(px.top, px.bottom) * vr);
    const b = Math.round(Math.max(px.top, px.bottom) * vr);
    ctx.save();
    ctx.fillStyle = this.spec.color;
    ctx.globalAlpha = 0.16;
    ctx.fillRect(l, t, Math.max(1, r - l), Math.max(1, b - t));
    ctx.globalAlpha = 0.7;
    ctx.fillRect(l, t, Math.max(1, r - l), Math.max(1, Math.round(vr)));
    ctx.fillRect(l, b - Math.max(1, Math.round(vr)), Math.max(1, r - l), Math.max(1, Math.round(vr)));
    ctx.restore();
    if (this.spec.label) drawLabel(ctx, this.spec.label, l + 6 * hr, t + 4 * vr, { color: this.spec.color, ratio: vr, baseline: 'top' });
  }
}
