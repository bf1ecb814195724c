/**
 * Anchors checked against the bars the model saw, before a drawing reaches the page:
 * - times snap to the nearest real bar; times outside the data are refused;
 * - trendline and fib anchors must sit on their bar's high or low: within the tolerance they are
 *   snapped onto it, farther away they are refused;
 * - prices far outside the data's range are refused.
 * Every change and refusal comes with a sentence the model reads.
 */
import type { Bar, ChartCommand } from '../../sdk/contract/index.js';
import { averageTrueRange } from '../analysis/index.js';

export type AnchorCheck = { ok: true; command: ChartCommand; notes: string[] } | { ok: false; reason: string };

/** How far (in ATRs, at least 0.2% of price) an anchor may sit from its bar's high/low and still be snapped onto it. */
const ANCHOR_TOLERANCE_ATR = 0.5;
/** Prices more than this many data ranges beyond the data's low/high are refused. */
const FAR_RANGES = 1;

const iso = (t: number) => new Date(t * 1000).toISOString().slice(0, 10);
const round = (x: number) => Number(x.toPrecision(8));

export function checkAnchors(command: ChartCommand, bars: readonly Bar[]): AnchorCheck {
  if (bars.length === 0) return { ok: true, command, notes: [] };
  const notes: string[] = [];
  const first = bars[0]!.time;
  const last = bars[bars.length - 1]!.time;
  const step = bars.length > 1 ? (last - first) / (bars.length - 1) : 86_400;
  let low = Infinity;
  let high = -Infinity;
  for (const b of bars) {
    low = Math.min(low, b.low);
    high = Math.max(high, b.high);
  }
  const margin = Math.max(high - low, high * 0.01) * FAR_RANGES;
  const atr = averageTrueRange(bars);

  const nearestBar = (time: number) => {
    let lo = 0;
    let hi = bars.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (bars[mid]!.time < time) lo = mid + 1;
      else hi = mid;
    }
    const after = bars[lo]!;
    const before = bars[Math.max(0, lo - 1)]!;
    return Math.abs(before.time - time) <= Math.abs(after.time - time) ? before : after;
  };

  class Refused extends Error {}
  const time = (what: string, t: number): number => {
    if (t < first - step || t > last + step) {
      throw new Refused(`${what} time ${t} (${iso(t)}) is outside the bars you were given (${iso(first)} to ${iso(last)})`);
    }
    const bar = nearestBar(t);
    if (bar.time !== t) notes.push(`${what} time ${t} snapped to the bar at ${bar.time} (${iso(bar.time)})`);
    return bar.time;
  };
  const price = (what: string, p: number): number => {
    if (p < low - margin || p > high + margin) {
      throw new Refused(`${what} price ${p} is far outside the data (lows ${round(low)} to highs ${round(high)})`);
    }
    return p;
  };
  /** A swing anchor: on a real bar, on (or snapped onto) that bar's high or low. */
  const anchor = (what: string, point: { time: number; price: number }) => {
    const t = time(what, point.time);
    const bar = nearestBar(t);
    const extreme = Math.abs(point.price - bar.high) <= Math.abs(point.price - bar.low) ? bar.high : bar.low;
    const distance = Math.abs(point.price - extreme);
    const tolerance = Math.max(ANCHOR_TOLERANCE_ATR * atr, extreme * 0.002);
    if (distance > tolerance) {
      throw new Refused(
        `${what} price ${point.price} is ${round(distance)} away from the ${iso(t)} bar's ${extreme === bar.high ? 'high' : 'low'} ${extreme} (tolerance ${round(tolerance)}; the bar's range is ${bar.low} to ${bar.high}); anchor it on a bar's high or low`,
      );
    }
    if (point.price !== extreme) notes.push(`${what} price ${point.price} snapped to the ${iso(t)} bar's ${extreme === bar.high ? 'high' : 'low'} ${extreme}`);
    return { time: t, price: extreme };
  };

  try {
    switch (command.type) {
      case 'price_line':
        price('level', command.price);
        return { ok: true, command, notes };
      case 'zone': {
        price('zone top', command.top);
        price('zone bottom', command.bottom);
        const from = command.from === undefined ? undefined : time('zone from', command.from);
        const to = command.to === undefined ? undefined : time('zone to', command.to);
        return { ok: true, command: { ...command, ...(from !== undefined ? { from } : {}), ...(to !== undefined ? { to } : {}) }, notes };
      }
      case 'trendline': {
        const p1 = anchor('p1', command.p1);
        const p2 = anchor('p2', command.p2);
        if (p1.time === p2.time) throw new Refused('p1 and p2 fall on the same bar; pick two different swing points');
        return { ok: true, command: { ...command, p1, p2 }, notes };
      }
      case 'fib': {
        const from = anchor('from', command.from);
        const to = anchor('to', command.to);
        return { ok: true, command: { ...command, from, to }, notes };
      }
      case 'marker': {
        const t = time('marker', command.time);
        if (command.price !== undefined) price('marker', command.price);
        return { ok: true, command: { ...command, time: t }, notes };
      }
      default:
        return { ok: true, command, notes };
    }
  } catch (error) {
    if (error instanceof Refused) return { ok: false, reason: error.message };
    throw error;
  }
}
