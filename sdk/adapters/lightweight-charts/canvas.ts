/** Small canvas helpers shared by the drawing primitives. Labels are always `fillText`, never HTML. */
import type { LineStyleName } from './styles.js';

/** Dash pattern of a line style, in bitmap pixels. */
export function setLineStyle(ctx: CanvasRenderingContext2D, style: LineStyleName, width: number): void {
  ctx.setLineDash(style === 'dotted' ? [width, width * 2] : style === 'dashed' ? [width * 4, width * 3] : []);
}

export interface LabelOptions {
  color: string;
  /** Bitmap pixels per media pixel. */
  ratio: number;
  align?: CanvasTextAlign;
  baseline?: CanvasTextBaseline;
}

/** Draws a one-line text label at bitmap coordinates (x, y); nothing without text. */
export function drawLabel(ctx: CanvasRenderingContext2D, text: string | undefined, x: number, y: number, o: LabelOptions): void {
  if (!text) return;
  ctx.save();
  ctx.setLineDash([]);
  ctx.font = `${Math.round(11 * o.ratio)}px -apple-system, BlinkMacSystemFont, "Segoe UI", Roboto, sans-serif`;
  ctx.textAlign = o.align ?? 'left';
  ctx.textBaseline = o.baseline ?? 'bottom';
  ctx.fillStyle = o.color;
  ctx.fillText(text, x, y);
  ctx.restore();
}
