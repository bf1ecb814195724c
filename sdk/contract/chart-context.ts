/**
 * `ChartContext`: what the host page's chart shows, sent with every message.
 * It is data, never instructions: the server hands it to the model as a labelled data block.
 */
import * as v from 'valibot';
import { Id, Label, Point, Price, TickerSymbol, Time, Timeframe } from './primitives.js';

/** Bars kept after validation: the newest ones, oldest first. */
export const MAX_CONTEXT_BARS = 500;
/** Bars accepted before capping; more is a misbehaving host, not a chart. */
export const MAX_INPUT_BARS = 20_000;
export const MAX_CONTEXT_DRAWINGS = 200;
export const MAX_CONTEXT_INDICATORS = 50;
/** Serialized size cap of the free-form `meta` object. */
export const MAX_META_BYTES = 4096;

/** One OHLC bar in lightweight-charts' shape; `time` is UTC seconds. */
export const Bar = v.pipe(
  v.object({
    time: Time,
    open: Price,
    high: Price,
    low: Price,
    close: Price,
    volume: v.optional(v.pipe(v.number(), v.finite(), v.minValue(0, 'volume must not be negative'))),
  }),
  v.check(
    (b) => b.high >= Math.max(b.open, b.close, b.low) && b.low <= Math.min(b.open, b.close),
    'bar high/low must enclose open and close',
  ),
);
export type Bar = v.InferOutput<typeof Bar>;

export const VisibleRange = v.pipe(
  v.object({ from: Time, to: Time }),
  v.check((r) => r.from <= r.to, 'visibleRange.from must not be after visibleRange.to'),
);

/** A drawing the chart already shows, so the model can refer to or remove it. */
export const ContextDrawing = v.object({
  id: Id,
  kind: v.pipe(v.string(), v.maxLength(32)),
  /** Who made it: the AI (through `chart-command`) or the host/user. */
  source: v.optional(v.picklist(['ai', 'host'])),
  label: v.optional(Label),
  price: v.optional(Price),
  p1: v.optional(Point),
  p2: v.optional(Point),
});

export const ContextIndicator = v.object({
  id: Id,
  indicator: v.pipe(v.string(), v.maxLength(32)),
  params: v.optional(v.record(v.pipe(v.string(), v.maxLength(32)), v.union([v.number(), v.pipe(v.string(), v.maxLength(32))]))),
});

const Meta = v.pipe(
  v.record(v.pipe(v.string(), v.maxLength(64)), v.unknown()),
  v.check((m) => {
    try {
      return JSON.stringify(m).length <= MAX_META_BYTES;
    } catch {
      return false;
    }
  }, `meta must serialize to at most ${MAX_META_BYTES} bytes of JSON`),
);

/**
 * The chart context schema. Parsing it caps `bars` to the newest {@link MAX_CONTEXT_BARS},
 * sorted oldest first, with duplicate times dropped (the last one wins).
 */
export const ChartContext = v.object({
  symbol: TickerSymbol,
  timeframe: Timeframe,
  visibleRange: v.optional(VisibleRange),
  lastPrice: v.optional(Price),
  bars: v.optional(
    v.pipe(
      v.array(Bar, 'bars must be an array of {time, open, high, low, close, volume?}'),
      v.maxLength(MAX_INPUT_BARS, `bars must hold at most ${MAX_INPUT_BARS} entries`),
      v.transform(normalizeBars),
    ),
    [],
  ),
  indicators: v.optional(v.pipe(v.array(ContextIndicator), v.maxLength(MAX_CONTEXT_INDICATORS)), []),
  drawings: v.optional(v.pipe(v.array(ContextDrawing), v.maxLength(MAX_CONTEXT_DRAWINGS)), []),
  meta: v.optional(Meta),
});

/** A validated chart context (the parser's output). */
export type ChartContext = v.InferOutput<typeof ChartContext>;
/** What a host may pass in: bars uncapped, lists optional. */
export type ChartContextInput = v.InferInput<typeof ChartContext>;

function normalizeBars(bars: Bar[]): Bar[] {
  let sorted = true;
  for (let i = 1; i < bars.length; i++) {
    if (bars[i]!.time <= bars[i - 1]!.time) {
      sorted = false;
      break;
    }
  }
  if (!sorted) {
    const byTime = new Map<number, Bar>();
    for (const bar of bars) byTime.set(bar.time, bar);
    bars = [...byTime.values()].sort((a, b) => a.time - b.time);
  }
  return bars.length > MAX_CONTEXT_BARS ? bars.slice(-MAX_CONTEXT_BARS) : bars;
}

/** Validates a chart context; returns the capped context or a readable message. */
export function parseChartContext(
  input: unknown,
): { success: true; output: ChartContext } | { success: false; message: string } {
  const result = v.safeParse(ChartContext, input);
  return result.success ? { success: true, output: result.output } : { success: false, message: describeIssues(result.issues) };
}

/** One line per issue, with the dotted path: "bars.3.high: price must be finite". */
export function describeIssues(issues: readonly v.BaseIssue<unknown>[]): string {
  return issues
    .slice(0, 5)
    .map((issue) => {
      const path = v.getDotPath(issue);
      return path ? `${path}: ${issue.message}` : issue.message;
    })
    .join('; ');
}
