/**
 * Provenance for AI drawings: a short rationale with the evidence from the bars, added when the
 * model gave none. A level says how often price turned there and when; a line or a fib names its
 * swing points. Computed from the same bars the anchors were checked against.
 */
import type { Bar, ChartCommand } from '../../sdk/contract/index.js';
import { findLevels, type Level } from '../analysis/index.js';

const iso = (t: number) => new Date(t * 1000).toISOString().slice(0, 10);
const MAX_EVIDENCE = 12;

/** Levels of these bars, computed once per bars array (one turn draws several levels). */
const levelCache = new WeakMap<readonly Bar[], Level[]>();
function levelsOf(bars: readonly Bar[]): Level[] {
  let levels = levelCache.get(bars);
  if (!levels) {
    const found = findLevels(bars, { perSide: 10 });
    levels = [...found.support, ...found.resistance];
    levelCache.set(bars, levels);
  }
  return levels;
}

/** The bar's price nearest `price` at `time` (its high or low), for evidence points. */
function touchPrice(bars: readonly Bar[], time: number, price: number): number | undefined {
  const bar = bars.find((b) => b.time === time);
  if (!bar) return undefined;
  return Math.abs(bar.high - price) < Math.abs(bar.low - price) ? bar.high : bar.low;
}

export function withProvenance(command: ChartCommand, bars: readonly Bar[]): ChartCommand {
  if (!('id' in command) || command.type === 'indicator' || command.type === 'remove' || ('evidence' in command && command.evidence)) return command;
  const keepWhy = (why: string) => ('why' in command && command.why ? command.why : why);
  switch (command.type) {
    case 'price_line': {
      if (bars.length === 0) return command;
      const level = levelsOf(bars).find((l) => Math.abs(l.price - command.price) <= Math.max(l.high - l.low, command.price * 0.003));
      if (!level) return command;
      const times = level.touchTimes.slice(-MAX_EVIDENCE);
      const evidence = times.map((time) => {
        const price = touchPrice(bars, time, level.price);
        return price === undefined ? { time } : { time, price };
      });
      const why = `${level.touches} touches from ${iso(level.firstTime)} to ${iso(level.lastTime)}: ${times.map(iso).join(', ')}`;
      return { ...command, why: keepWhy(why).slice(0, 240), evidence };
    }
    case 'trendline':
      return { ...command, why: keepWhy(`through the swing points of ${iso(command.p1.time)} and ${iso(command.p2.time)}`), evidence: [command.p1, command.p2] };
    case 'fib':
      return { ...command, why: keepWhy(`retracement of the swing from ${iso(command.from.time)} to ${iso(command.to.time)}`), evidence: [command.from, command.to] };
    default:
      return command;
  }
}
