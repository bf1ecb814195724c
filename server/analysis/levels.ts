import { resolveTolerance } from './atr.js';
import { findPivots, type Pivot, type PivotOptions } from './pivots.js';
import type { OhlcBar, Tolerance } from './types.js';

export interface Level {
  /** The mean price of the pivots in the cluster. */
  price: number;
  /** Below the last close: support; at or above: resistance. */
  role: 'support' | 'resistance';
  /** How many swing pivots (highs and lows) the cluster holds. */
  touches: number;
  /** Touches weighted by recency (a touch on the last bar counts 1, on the first 0.5). */
  strength: number;
  /** The price range of the cluster's pivots. */
  low: number;
  high: number;
  firstTime: number;
  lastTime: number;
  /** When each touch happened (UTC seconds, oldest first): the evidence for the level. */
  touchTimes: number[];
}

export interface LevelOptions extends PivotOptions {
  /** Pivots closer than this join one level. Default `{ atr: 0.5 }` (half the 14-bar ATR). */
  tolerance?: Tolerance;
  /** Levels kept on each side of the last close. Default 3. */
  perSide?: number;
  /** Fewest touches for a level. Default 2 (one pivot is a swing, not a level). */
  minTouches?: number;
}

export interface LevelsResult {
  /** Nearest first (highest price first). */
  support: Level[];
  /** Nearest first (lowest price first). */
  resistance: Level[];
  lastClose: number | null;
  /** The absolute tolerance used. */
  tolerance: number;
}

/**
 * Support and resistance: swing pivots grouped greedily by price (a pivot joins the current
 * cluster while it is within `tolerance` of the cluster's mean), ranked by recency-weighted
 * touches; the strongest `perSide` on each side of the last close, returned nearest first.
 */
export function findLevels(bars: readonly OhlcBar[], options: LevelOptions = {}): LevelsResult {
  const last = bars[bars.length - 1];
  if (!last) return { support: [], resistance: [], lastClose: null, tolerance: 0 };
  const lastClose = last.close;
  const tolerance = resolveTolerance(bars, options.tolerance ?? { atr: 0.5 }, lastClose);
  const perSide = Math.max(0, Math.floor(options.perSide ?? 3));
  const minTouches = Math.max(1, Math.floor(options.minTouches ?? 2));

  const pivots = findPivots(bars, options).sort((a, b) => a.price - b.price || a.index - b.index);
  const levels = clusterPivots(pivots, tolerance, bars.length)
    .filter((c) => c.touches >= minTouches)
    .map((c): Level => ({ ...c, role: c.price < lastClose ? 'support' : 'resistance' }));

  const strongest = (role: Level['role']) =>
    levels
      .filter((l) => l.role === role)
      .sort((a, b) => b.strength - a.strength || b.touches - a.touches || Math.abs(a.price - lastClose) - Math.abs(b.price - lastClose))
      .slice(0, perSide)
      .sort((a, b) => Math.abs(a.price - lastClose) - Math.abs(b.price - lastClose));
  return { support: strongest('support'), resistance: strongest('resistance'), lastClose, tolerance };
}

type Cluster = Omit<Level, 'role'>;

/** `sorted` must be sorted by price. */
function clusterPivots(sorted: readonly Pivot[], tolerance: number, barCount: number): Cluster[] {
  const clusters: Cluster[] = [];
  let members: Pivot[] = [];
  let sum = 0;
  const flush = () => {
    if (members.length === 0) return;
    let strength = 0;
    let firstTime = Infinity;
    let lastTime = -Infinity;
    for (const p of members) {
      strength += 0.5 + (0.5 * p.index) / Math.max(1, barCount - 1);
      firstTime = Math.min(firstTime, p.time);
      lastTime = Math.max(lastTime, p.time);
    }
    clusters.push({
      price: sum / members.length,
      touches: members.length,
      strength,
      low: members[0]!.price,
      high: members[members.length - 1]!.price,
      firstTime,
      lastTime,
      touchTimes: members.map((p) => p.time).sort((a, b) => a - b),
    });
    members = [];
    sum = 0;
  };
  for (const p of sorted) {
    if (members.length > 0 && p.price - sum / members.length > tolerance) flush();
    members.push(p);
    sum += p.price;
  }
  flush();
  return clusters;
}
