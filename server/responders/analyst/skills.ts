/**
 * The analyst's answers: one function per request kind, turning the chart context into
 * words and chart commands. Every price and line comes from `server/analysis` on the
 * context's bars; nothing is invented. Ids are stable (`ai-support-1`, `ai-trendline-1`,
 * `ai-sma-20`, …) so asking again replaces a drawing instead of duplicating it.
 */
import { parseChartCommand, type ChartCommandInput, type ChartContext } from '../../../sdk/contract/index.js';
import {
  computeIndicator,
  findLevels,
  findTrendline,
  highestHigh,
  lowestLow,
  recentSwing,
  summarizeTrend,
  type Trendline,
} from '../../analysis/index.js';
import { formatPercent, formatPrice, formatTime, joinWords, plural } from './format.js';
import type { IndicatorName, Intent, RemoveTarget, TimeUnit } from './intents.js';

export interface SkillResult {
  text: string;
  commands: ChartCommandInput[];
}

/** Fewest bars each analysis needs to say anything useful. */
const MIN_BARS = { levels: 20, trendline: 20, trend: 10, fib: 5 } as const;
const FIB_RATIOS = [0.382, 0.5, 0.618] as const;

export const CAPABILITIES = [
  'describe the chart ("what am I looking at?")',
  'draw support and resistance',
  'draw a trendline (or trendlines)',
  'tell you the trend',
  'add a 20-period SMA, EMA, Bollinger Bands or RSI (any period)',
  'mark the highest high or lowest low',
  'draw a Fibonacci retracement',
  'switch symbol ("switch to AAPL") or timeframe ("show the 1h timeframe")',
  'zoom to the last N bars',
  'remove the trendline / levels / fib, or clear my drawings',
];

/** "You're viewing TSLA on 1D" — every analysis answer starts from what the user sees. */
function viewing(cc: ChartContext): string {
  return `You're viewing ${cc.symbol} on ${cc.timeframe}`;
}

function noChart(): SkillResult {
  return {
    text: "I can't see a chart: no chart context came with your message, so I have no bars to analyse. Load a chart and ask again.",
    commands: [],
  };
}

function tooFewBars(cc: ChartContext, needed: number, what: string): SkillResult {
  return {
    text: `${viewing(cc)}, but the chart sent me ${plural(cc.bars.length, 'bar')}; I need at least ${needed} to ${what}.`,
    commands: [],
  };
}

export function runSkill(intent: Intent, cc: ChartContext | undefined): SkillResult {
  switch (intent.kind) {
    case 'help':
      return help(cc);
    case 'thanks':
      return { text: "You're welcome. Ask me for levels, a trendline, an indicator or the trend whenever you like.", commands: [] };
    case 'describe':
      return cc ? describe(cc) : noChart();
    case 'levels':
      return cc ? levels(cc, intent.sides) : noChart();
    case 'trendline':
      return cc ? trendlines(cc, intent.count) : noChart();
    case 'trend':
      return cc ? trend(cc) : noChart();
    case 'indicator':
      return indicator(cc, intent.indicator, intent.period, intent.stddev);
    case 'symbol':
      if (!parseChartCommand({ type: 'set_symbol', symbol: intent.symbol }).success) {
        return { text: `"${intent.symbol.slice(0, 40)}" doesn't look like a ticker symbol, so I left the chart as it is.`, commands: [] };
      }
      return {
        text: cc ? `Switching from ${cc.symbol} to ${intent.symbol}.` : `Switching the chart to ${intent.symbol}.`,
        commands: [{ type: 'set_symbol', symbol: intent.symbol }],
      };
    case 'timeframe':
      return {
        text: cc && cc.timeframe !== intent.timeframe
          ? `Switching from ${cc.timeframe} to the ${intent.timeframe} timeframe.`
          : `Showing the ${intent.timeframe} timeframe.`,
        commands: [{ type: 'set_timeframe', timeframe: intent.timeframe }],
      };
    case 'mark':
      return cc ? mark(cc, intent.extreme) : noChart();
    case 'clear':
      return {
        text:
          intent.scope === 'indicators'
            ? 'Cleared the indicators I added.'
            : intent.scope === 'all'
              ? 'Cleared everything I added: drawings and indicators. Your own drawings stay.'
              : 'Cleared my drawings. Your own drawings stay.',
        commands: [{ type: 'clear', scope: intent.scope, source: 'ai' }],
      };
    case 'remove':
      return remove(cc, intent.target);
    case 'zoom':
      return cc ? zoom(cc, intent.bars) : noChart();
    case 'zoom_time':
      return cc ? zoom(cc, barsWithin(cc, intent.count, intent.unit)) : noChart();
    case 'fib':
      return cc ? fib(cc) : noChart();
  }
}

function help(cc: ChartContext | undefined): SkillResult {
  const lead = cc ? `${viewing(cc)}. ` : '';
  return {
    text: `${lead}I'm the built-in chart analyst (offline, no AI model). I can:\n${CAPABILITIES.map((c) => `- ${c}`).join('\n')}`,
    commands: [],
  };
}

/** The answer when nothing in the message was understood. */
export function notUnderstood(cc: ChartContext | undefined): SkillResult {
  const lead = cc ? `${viewing(cc)}. ` : '';
  return {
    text: `${lead}Sorry, I didn't understand that. I'm the built-in chart analyst (offline, no AI model), so I only know a few requests:\n${CAPABILITIES.map((c) => `- ${c}`).join('\n')}`,
    commands: [],
  };
}

function describe(cc: ChartContext): SkillResult {
  const bars = cc.bars;
  const parts = [`${viewing(cc)}.`];
  const first = bars[0];
  const last = bars[bars.length - 1];
  if (first && last) {
    const hi = highestHigh(bars)!;
    const lo = lowestLow(bars)!;
    parts.push(
      `The chart sent me ${plural(bars.length, 'bar')} from ${formatTime(first.time, cc.timeframe)} to ${formatTime(last.time, cc.timeframe)}; ` +
        `the last close is ${formatPrice(last.close)} (${formatPercent(((last.close - first.close) / first.close) * 100)} over that span), ` +
        `with a high of ${formatPrice(hi.price)} and a low of ${formatPrice(lo.price)}.`,
    );
  } else {
    parts.push(cc.lastPrice ? `I have no bars, only the last price ${formatPrice(cc.lastPrice)}.` : 'The chart sent no bars.');
  }
  if (cc.indicators.length > 0) {
    parts.push(`Indicators on it: ${joinWords(cc.indicators.map((i) => (i.params?.['period'] ? `${i.indicator.toUpperCase()} ${i.params['period']}` : i.indicator.toUpperCase())))}.`);
  }
  if (cc.drawings.length > 0) parts.push(`It shows ${plural(cc.drawings.length, 'drawing')}.`);
  return { text: parts.join(' '), commands: [] };
}

function levels(cc: ChartContext, sides: 'both' | 'support' | 'resistance'): SkillResult {
  if (cc.bars.length < MIN_BARS.levels) return tooFewBars(cc, MIN_BARS.levels, 'find support and resistance');
  const result = findLevels(cc.bars, { perSide: 3 });
  const commands: ChartCommandInput[] = [];
  const sentences: string[] = [];
  const roles = sides === 'both' ? (['support', 'resistance'] as const) : ([sides] as const);
  for (const role of roles) {
    const found = role === 'support' ? result.support : result.resistance;
    const prefix = role === 'support' ? 'S' : 'R';
    found.forEach((level, i) => {
      commands.push({ type: 'price_line', id: `ai-${role}-${i + 1}`, price: level.price, role, label: `${prefix}${i + 1}`, style: 'dashed' });
    });
    commands.push(...removeStale(cc, `ai-${role}-`, found.length));
    sentences.push(
      found.length === 0
        ? `no ${role} level with two or more swing touches ${role === 'support' ? 'below' : 'above'} the price`
        : `${role} at ${joinWords(found.map((l, i) => `${formatPrice(l.price)} (${prefix}${i + 1}, ${plural(l.touches, 'touch', 'touches')})`))}`,
    );
  }
  const drawn = commands.filter((c) => c.type === 'price_line').length;
  return {
    text:
      `${viewing(cc)}, last close ${formatPrice(result.lastClose!)}. From the swing highs and lows of the last ${plural(cc.bars.length, 'bar')} I found ` +
      `${joinWords(sentences)}.` +
      (drawn > 0 ? ` I drew ${drawn === 1 ? 'it' : 'them'} as dashed lines.` : ''),
    commands,
  };
}

/** `remove` commands for our own drawings `<prefix>N` with N > `kept`, as the context lists them. */
function removeStale(cc: ChartContext, prefix: string, kept: number): ChartCommandInput[] {
  return cc.drawings
    .filter((d) => d.id.startsWith(prefix) && Number(d.id.slice(prefix.length)) > kept)
    .map((d) => ({ type: 'remove', id: d.id }));
}

function trendlines(cc: ChartContext, count: 1 | 2): SkillResult {
  if (cc.bars.length < MIN_BARS.trendline) return tooFewBars(cc, MIN_BARS.trendline, 'find a trendline');
  const support = findTrendline(cc.bars, 'support');
  const resistance = findTrendline(cc.bars, 'resistance');
  let chosen: Trendline[];
  if (count === 2) chosen = [support, resistance].filter((l): l is Trendline => l !== null);
  else {
    const direction = summarizeTrend(cc.bars)?.direction;
    const preferred = direction === 'up' ? support : direction === 'down' ? resistance : null;
    const best = preferred ?? [support, resistance].filter((l): l is Trendline => l !== null).sort((a, b) => b.score - a.score)[0];
    chosen = best ? [best] : [];
  }
  if (chosen.length === 0) {
    return {
      text: `${viewing(cc)}. I found no unbroken trendline: every line through two swing points of the last ${plural(cc.bars.length, 'bar')} has closes breaking through it.`,
      commands: [],
    };
  }
  const commands: ChartCommandInput[] = chosen.map((line, i) => ({
    type: 'trendline',
    id: `ai-trendline-${i + 1}`,
    p1: { time: line.p1.time, price: line.p1.price },
    p2: { time: line.p2.time, price: line.p2.price },
    extend: 'right',
    label: line.kind === 'support' ? 'Support trendline' : 'Resistance trendline',
  }));
  commands.push(...removeStale(cc, 'ai-trendline-', chosen.length));
  const described = chosen.map(
    (line) =>
      `a ${line.slopePerBar >= 0 ? 'rising' : 'falling'} ${line.kind} line from ${formatPrice(line.p1.price)} (${formatTime(line.p1.time, cc.timeframe)}) ` +
      `to ${formatPrice(line.p2.price)} (${formatTime(line.p2.time, cc.timeframe)}), ${plural(line.touches, 'touch', 'touches')}, ` +
      `now at about ${formatPrice(line.priceAtLastBar)}`,
  );
  return { text: `${viewing(cc)}. I drew ${joinWords(described)}. No close has broken through ${chosen.length === 1 ? 'it' : 'them'}.`, commands };
}

function trend(cc: ChartContext): SkillResult {
  if (cc.bars.length < MIN_BARS.trend) return tooFewBars(cc, MIN_BARS.trend, 'judge the trend');
  const t = summarizeTrend(cc.bars)!;
  const word = t.direction === 'up' ? 'an uptrend' : t.direction === 'down' ? 'a downtrend' : 'no clear trend (sideways)';
  const sentences = [`${formatPercent(t.changePercent)} over the last ${plural(t.bars, 'bar')}`];
  const emas: string[] = [];
  if (Number.isFinite(t.emaFast)) emas.push(`${t.lastClose >= t.emaFast ? 'above' : 'below'} the 20-EMA (${formatPrice(t.emaFast)})`);
  if (Number.isFinite(t.emaSlow)) emas.push(`${t.lastClose >= t.emaSlow ? 'above' : 'below'} the 50-EMA (${formatPrice(t.emaSlow)})`);
  if (emas.length > 0) sentences.push(`the close ${formatPrice(t.lastClose)} is ${joinWords(emas)}`);
  if (t.higherHighs !== null && t.higherLows !== null) {
    sentences.push(`the last swings made ${t.higherHighs ? 'a higher' : 'a lower'} high and ${t.higherLows ? 'a higher' : 'a lower'} low`);
  }
  return { text: `${viewing(cc)}: ${word}. ${capitalize(sentences.join('; '))}.`, commands: [] };
}

const INDICATOR_TITLES: Record<IndicatorName, string> = { sma: 'SMA', ema: 'EMA', bollinger: 'Bollinger Bands', rsi: 'RSI' };

function indicator(cc: ChartContext | undefined, name: IndicatorName, period: number | undefined, stddev: number | undefined): SkillResult {
  const p = period ?? (name === 'rsi' ? 14 : 20);
  if (p < 1 || p > 500) return { text: `A ${p}-period ${INDICATOR_TITLES[name]} is out of range: periods go from 1 to 500.`, commands: [] };
  const params: Record<string, number> = { period: p };
  if (name === 'bollinger') params['stddev'] = stddev ?? 2;
  const command: ChartCommandInput = { type: 'indicator', id: `ai-${name}-${p}`, indicator: name, params };
  const title = name === 'bollinger' ? `${p}-period Bollinger Bands (${params['stddev']} standard deviations)` : `a ${p}-period ${INDICATOR_TITLES[name]}`;
  if (!cc) return { text: `Added ${title}. I can't see the chart's bars, so I can't quote its value.`, commands: [command] };
  const value = computeIndicator(cc.bars, { indicator: name, period: p, stddev: params['stddev'] });
  let reading: string;
  if (value.value === null) reading = `The chart sent ${plural(cc.bars.length, 'bar')}, too few to compute it yet.`;
  else if (name === 'rsi') {
    const zone = value.value >= 70 ? 'overbought territory' : value.value <= 30 ? 'oversold territory' : 'neutral territory';
    reading = `It reads ${value.value.toFixed(1)} on the last bar (${zone}).`;
  } else if (name === 'bollinger') {
    reading = `On the last bar the bands are ${formatPrice(value.lower!)} – ${formatPrice(value.value)} – ${formatPrice(value.upper!)}.`;
  } else {
    const close = cc.bars[cc.bars.length - 1]!.close;
    reading = `Its last value is ${formatPrice(value.value)}; the close ${formatPrice(close)} is ${close >= value.value ? 'above' : 'below'} it.`;
  }
  return { text: `${viewing(cc)}. Added ${title}. ${reading}`, commands: [command] };
}

function mark(cc: ChartContext, extreme: 'high' | 'low'): SkillResult {
  const point = extreme === 'high' ? highestHigh(cc.bars) : lowestLow(cc.bars);
  if (!point) return { text: `${viewing(cc)}, but the chart sent no bars, so there is no ${extreme} to mark.`, commands: [] };
  const label = `${extreme === 'high' ? 'High' : 'Low'} ${formatPrice(point.price)}`;
  return {
    text: `${viewing(cc)}. The ${extreme === 'high' ? 'highest high' : 'lowest low'} of the last ${plural(cc.bars.length, 'bar')} is ${formatPrice(point.price)} on ${formatTime(point.time, cc.timeframe)}; I marked it.`,
    commands: [
      extreme === 'high'
        ? { type: 'marker', id: 'ai-highest-high', time: point.time, position: 'above', shape: 'arrowDown', text: label }
        : { type: 'marker', id: 'ai-lowest-low', time: point.time, position: 'below', shape: 'arrowUp', text: label },
    ],
  };
}

const REMOVE_PREFIXES: Record<RemoveTarget, { prefixes: string[]; kinds: string[]; words: string }> = {
  trendline: { prefixes: ['ai-trendline-'], kinds: ['trendline'], words: 'trendline' },
  support: { prefixes: ['ai-support-'], kinds: [], words: 'support levels' },
  resistance: { prefixes: ['ai-resistance-'], kinds: [], words: 'resistance levels' },
  levels: { prefixes: ['ai-support-', 'ai-resistance-'], kinds: [], words: 'support and resistance levels' },
  fib: { prefixes: ['ai-fib-'], kinds: ['fib'], words: 'Fibonacci retracement' },
  markers: { prefixes: ['ai-highest-high', 'ai-lowest-low'], kinds: ['marker'], words: 'markers' },
  sma: { prefixes: ['ai-sma-'], kinds: [], words: 'SMA' },
  ema: { prefixes: ['ai-ema-'], kinds: [], words: 'EMA' },
  bollinger: { prefixes: ['ai-bollinger-'], kinds: [], words: 'Bollinger Bands' },
  rsi: { prefixes: ['ai-rsi-'], kinds: [], words: 'RSI' },
};

/** Removes what the chart says we drew; when the chart lists nothing, removes our usual ids. */
function remove(cc: ChartContext | undefined, target: RemoveTarget): SkillResult {
  const spec = REMOVE_PREFIXES[target];
  const isIndicator = target === 'sma' || target === 'ema' || target === 'bollinger' || target === 'rsi';
  const listed = cc ? (isIndicator ? cc.indicators.length > 0 : cc.drawings.length > 0) : false;
  let ids: string[];
  if (listed) {
    ids = isIndicator
      ? cc!.indicators.filter((i) => i.indicator.toLowerCase() === target || spec.prefixes.some((p) => i.id.startsWith(p))).map((i) => i.id)
      : cc!.drawings
          .filter((d) => spec.prefixes.some((p) => d.id.startsWith(p)) || (d.source === 'ai' && spec.kinds.includes(d.kind)))
          .map((d) => d.id);
    if (ids.length === 0) return { text: `I don't see ${spec.words === 'markers' ? 'any markers' : `a ${spec.words}`} of mine on the chart, so there is nothing to remove.`, commands: [] };
  } else {
    ids = defaultIds(target);
  }
  return { text: `Removed my ${spec.words}.`, commands: ids.map((id) => ({ type: 'remove', id })) };
}

function defaultIds(target: RemoveTarget): string[] {
  switch (target) {
    case 'trendline':
      return ['ai-trendline-1', 'ai-trendline-2'];
    case 'support':
    case 'resistance':
      return [1, 2, 3].map((n) => `ai-${target}-${n}`);
    case 'levels':
      return [...defaultIds('support'), ...defaultIds('resistance')];
    case 'fib':
      return ['ai-fib-1'];
    case 'markers':
      return ['ai-highest-high', 'ai-lowest-low'];
    default:
      return [`ai-${target}-${target === 'rsi' ? 14 : 20}`];
  }
}

/**
 * How many of the latest bars fall within the last `count` units of calendar time, counted back
 * from the last bar (bar times are UTC seconds): the timeframe and any gaps (weekends) are in the
 * times themselves. Months and years step back on the calendar.
 */
function barsWithin(cc: ChartContext, count: number, unit: TimeUnit): number {
  const last = cc.bars.at(-1)?.time;
  if (last === undefined) return 0;
  const start = new Date(last * 1000);
  if (unit === 'month') start.setUTCMonth(start.getUTCMonth() - count);
  else if (unit === 'year') start.setUTCFullYear(start.getUTCFullYear() - count);
  else start.setTime(start.getTime() - count * { hour: 3600, day: 86_400, week: 7 * 86_400 }[unit] * 1000);
  const from = start.getTime() / 1000;
  let n = 0;
  for (let i = cc.bars.length - 1; i >= 0 && cc.bars[i]!.time > from; i--) n++;
  return n;
}

function zoom(cc: ChartContext, bars: number | 'all'): SkillResult {
  const n = cc.bars.length;
  if (n < 2) return { text: `${viewing(cc)}, but the chart sent ${plural(n, 'bar')}, so there is no range to zoom to.`, commands: [] };
  const count = bars === 'all' ? n : Math.min(Math.max(bars, 2), n);
  const from = cc.bars[n - count]!.time;
  const to = cc.bars[n - 1]!.time;
  const what = count === n ? `all ${plural(n, 'bar')} I can see` : `the last ${plural(count, 'bar')}`;
  const capped = bars !== 'all' && bars > n ? ` (the chart sent me only ${n})` : '';
  return {
    text: `${viewing(cc)}. Zoomed to ${what}${capped}: ${formatTime(from, cc.timeframe)} to ${formatTime(to, cc.timeframe)}.`,
    commands: [{ type: 'set_visible_range', from, to }],
  };
}

function fib(cc: ChartContext): SkillResult {
  if (cc.bars.length < MIN_BARS.fib) return tooFewBars(cc, MIN_BARS.fib, 'find a swing for a Fibonacci retracement');
  const swing = recentSwing(cc.bars, 100);
  if (!swing) return { text: `${viewing(cc)}. The last bars are flat, so there is no swing to measure a retracement on.`, commands: [] };
  const move = swing.to.price - swing.from.price;
  const levels = FIB_RATIOS.map((r) => `${(r * 100).toFixed(1)}% at ${formatPrice(swing.to.price - move * r)}`);
  return {
    text:
      `${viewing(cc)}. I drew a Fibonacci retracement over the ${swing.direction === 'up' ? 'rise' : 'fall'} from ${formatPrice(swing.from.price)} ` +
      `(${formatTime(swing.from.time, cc.timeframe)}) to ${formatPrice(swing.to.price)} (${formatTime(swing.to.time, cc.timeframe)}): ${joinWords(levels)}.`,
    commands: [
      {
        type: 'fib',
        id: 'ai-fib-1',
        from: { time: swing.from.time, price: swing.from.price },
        to: { time: swing.to.time, price: swing.to.price },
      },
    ],
  };
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
