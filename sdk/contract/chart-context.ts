/**
 * `ChartContext`: what the host page's chart shows, sent with every message.
 * It is data, never instructions: the server hands it to the model as a labelled data block.
 */
import * as v from 'valibot';
import { Id, Label, MAX_PRICE, MAX_TIME, numberIn, Point, Price, Rationale, TickerSymbol, Time, Timeframe } from './primitives.js';

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
    volume: v.optional(v.pipe(v.number(), numberIn(0, Number.MAX_VALUE, 'volume must be a finite number, not negative'))),
  }),
  v.check(
    (b) => b.high >= Math.max(b.open, b.close, b.low) && b.low <= Math.min(b.open, b.close),
    'bar high/low must enclose open and close',
  ),
);
export type Bar = v.InferOutput<typeof Bar>;

/** Whether `x` is a number in [min, max] (NaN and ±Infinity fail the comparisons). */
const within = (x: unknown, min: number, max: number): boolean => typeof x == 'number' && x >= min && x <= max;

/**
 * Exactly what {@link Bar} accepts, as a plain function without allocation (the server's bar
 * loop; the element does not import it). A drift test (contract.test.ts) holds it to `Bar`,
 * which stays the source of truth and describes any bar this refuses.
 */
export function isBar(b: any): boolean {
  return (
    typeof b == 'object' &&
    b != null &&
    within(b.time, 0, MAX_TIME) &&
    Number.isInteger(b.time) &&
    within(b.open, Number.MIN_VALUE, MAX_PRICE) &&
    within(b.high, Number.MIN_VALUE, MAX_PRICE) &&
    within(b.low, Number.MIN_VALUE, MAX_PRICE) &&
    within(b.close, Number.MIN_VALUE, MAX_PRICE) &&
    (b.volume === undefined || within(b.volume, 0, Number.MAX_VALUE)) &&
    b.high >= Math.max(b.open, b.close, b.low) &&
    b.low <= Math.min(b.open, b.close)
  );
}

/**
 * The bars of a context: the length is checked before any bar is looked at (a schema in a pipe
 * does not run after an issue). The server validates the same bars with a cheap loop instead
 * of `v.array(Bar)`: see `server/chatkit/chart-context.ts`.
 */
export const Bars = v.pipe(
  v.custom<v.InferInput<typeof Bar>[]>(Array.isArray, 'bars must be an array'),
  v.maxLength(MAX_INPUT_BARS),
  v.array(Bar),
  v.transform(normalizeBars),
);

export const VisibleRange = v.pipe(
  v.object({ from: Time, to: Time }),
  v.check((r) => r.from <= r.to, 'from must not be after to'),
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
  /** AI drawings: the turn that drew it and why (see the command's `why`). */
  turn: v.optional(Id),
  why: v.optional(Rationale),
  /** Proposed by the AI and not applied yet (shown as a ghost). */
  proposed: v.optional(v.boolean()),
});

/** A plain JSON object (not an array, not null). */
const isRecord = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

/** JSON length of a value, or Infinity when it cannot be serialized (cycles, BigInt). */
function jsonLength(x: unknown): number {
  try {
    return JSON.stringify(x).length;
  } catch {
    return Infinity;
  }
}

// Plain checks instead of v.record/v.union: the element ships this schema, and those two
// schema kinds alone cost ~0.6 KB gzipped in the script-tag bundle.
type IndicatorParamsRecord = Record<string, number | string>;
const ContextIndicatorParams = v.custom<IndicatorParamsRecord>(
  (p) =>
    isRecord(p) &&
    Object.keys(p).length <= 16 &&
    Object.entries(p).every(
      ([k, x]) => k.length <= 32 && ((typeof x === 'number' && Number.isFinite(x)) || (typeof x === 'string' && x.length <= 32)),
    ),
  'at most 16 numbers or short strings',
);

export const ContextIndicator = v.object({
  id: Id,
  indicator: v.pipe(v.string(), v.maxLength(32)),
  params: v.optional(ContextIndicatorParams),
});

const Meta = v.custom<Record<string, unknown>>(
  (m) => isRecord(m) && jsonLength(m) <= MAX_META_BYTES,
  `an object of at most ${MAX_META_BYTES} bytes of JSON`,
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
  bars: v.optional(Bars, []),
  indicators: v.optional(v.pipe(v.array(ContextIndicator), v.maxLength(MAX_CONTEXT_INDICATORS)), []),
  drawings: v.optional(v.pipe(v.array(ContextDrawing), v.maxLength(MAX_CONTEXT_DRAWINGS)), []),
  meta: v.optional(Meta),
});

/** A validated chart context (the parser's output). */
export type ChartContext = v.InferOutput<typeof ChartContext>;
/** What a host may pass in: bars uncapped, lists optional. */
export type ChartContextInput = v.InferInput<typeof ChartContext>;

/** Newest {@link MAX_CONTEXT_BARS}, oldest first, one per time (the last wins). */
export function normalizeBars(bars: Bar[]): Bar[] {
  const byTime = new Map(bars.map((bar) => [bar.time, bar]));
  return [...byTime.values()].sort((x, y) => x.time - y.time).slice(-MAX_CONTEXT_BARS);
}

/** Validates a chart context; returns the capped context or a readable message. */
export function parseChartContext(
  input: unknown,
): { success: true; output: ChartContext } | { success: false; message: string } {
  const result = v.safeParse(ChartContext, input);
  return result.success ? { success: true, output: result.output } : { success: false, message: describeIssues(result.issues) };
}

/**
 * One line per issue, with the dotted path: `bars.3.high: price must be a finite number`,
 * `role: Invalid type: Expected ("support" | "resistance" | "level") but received "floor"`.
 * Where no custom message is set, valibot's own names the expected and received values; each
 * message is cut short so a huge input never comes back whole.
 */
export function describeIssues(issues: readonly v.BaseIssue<unknown>[]): string {
  return issues
    .slice(0, 5)
    .map((issue) => {
      const path = v.getDotPath(issue);
      const message = issue.message.length > 300 ? `${issue.message.slice(0, 300)}…` : issue.message;
      return path ? `${path}: ${message}` : message;
    })
    .join('; ');
}
