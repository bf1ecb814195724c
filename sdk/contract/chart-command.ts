/**
 * `ChartCommand`: what the AI asks the host chart to do. A discriminated union on `type`.
 * The element validates every command before the host sees it; the server validates
 * model output against the same schema before streaming it.
 */
import * as v from 'valibot';
import { describeIssues } from './chart-context.js';
import { checkWithHint, Color, Id, Label, LineStyleName, numberIn, Point, Price, PROVENANCE, TickerSymbol, Time, Timeframe, type JsonSchemaHint } from './primitives.js';

export const LEVEL_ROLES = ['support', 'resistance', 'level'] as const;
export const INDICATOR_KINDS = ['sma', 'ema', 'bollinger', 'rsi'] as const;
export const MARKER_POSITIONS = ['above', 'below', 'in', 'price'] as const;
export const MARKER_SHAPES = ['arrowUp', 'arrowDown', 'circle', 'square'] as const;
export const TRENDLINE_EXTENDS = ['none', 'left', 'right', 'both'] as const;
export type TrendlineExtend = (typeof TRENDLINE_EXTENDS)[number];
export const DEFAULT_FIB_LEVELS = [0, 0.236, 0.382, 0.5, 0.618, 0.786, 1] as const;

/** A horizontal level across the chart (support, resistance or a plain level). */
export const PriceLineCommand = v.object({
  type: v.literal('price_line'),
  id: Id,
  price: Price,
  role: v.picklist(LEVEL_ROLES),
  label: v.optional(Label),
  color: v.optional(Color),
  style: v.optional(LineStyleName),
  ...PROVENANCE,
});

/** A line through two anchors; `extend` continues it past them. `true` means "right". */
export const TrendlineCommand = v.object({
  type: v.literal('trendline'),
  id: Id,
  p1: Point,
  p2: Point,
  extend: v.optional(
    v.pipe(
      // A plain check rather than v.union: keeps that schema kind out of the element bundle.
      Object.assign(
        v.custom<TrendlineExtend | boolean>(
          (e) => typeof e === 'boolean' || TRENDLINE_EXTENDS.includes(e as TrendlineExtend),
          'none, left, right, both or a boolean',
        ),
        // The model is offered the names only (a narrower schema than the contract is safe).
        { json: { type: 'string', enum: TRENDLINE_EXTENDS } } satisfies JsonSchemaHint,
      ),
      v.transform((e): TrendlineExtend => (e === true ? 'right' : e === false ? 'none' : e)),
    ),
  ),
  label: v.optional(Label),
  color: v.optional(Color),
  style: v.optional(LineStyleName),
  ...PROVENANCE,
});

/** A price band, optionally bounded in time. `top`/`bottom` are swapped if given upside down. */
export const ZoneCommand = v.pipe(
  v.object({
    type: v.literal('zone'),
    id: Id,
    top: Price,
    bottom: Price,
    from: v.optional(Time),
    to: v.optional(Time),
    label: v.optional(Label),
    color: v.optional(Color),
    ...PROVENANCE,
  }),
  v.check((z) => z.from === undefined || z.to === undefined || z.from <= z.to, 'zone.from must not be after zone.to'),
  v.transform((z) => (z.top >= z.bottom ? z : { ...z, top: z.bottom, bottom: z.top })),
);

/** Fibonacci retracement between two swing points; `levels` are ratios of the move. */
export const FibCommand = v.object({
  type: v.literal('fib'),
  id: Id,
  from: Point,
  to: Point,
  levels: v.optional(
    v.pipe(
      v.array(v.pipe(v.number(), numberIn(-5, 5, 'ratios from -5 to 5'))),
      checkWithHint((levels: number[]) => levels.length > 0, 'fib levels must not be empty', { minItems: 1 }),
      v.maxLength(20),
    ),
  ),
  label: v.optional(Label),
  ...PROVENANCE,
});

/** A marker on a bar (lightweight-charts series marker). `position: "price"` needs `price`. */
export const MarkerCommand = v.pipe(
  v.object({
    type: v.literal('marker'),
    id: Id,
    time: Time,
    position: v.picklist(MARKER_POSITIONS),
    shape: v.picklist(MARKER_SHAPES),
    text: v.optional(Label),
    price: v.optional(Price),
    color: v.optional(Color),
    ...PROVENANCE,
  }),
  v.check((m) => m.position !== 'price' || m.price !== undefined, 'a marker at position "price" needs a price'),
);

/** Indicator parameters; each indicator uses the ones it needs. */
export const IndicatorParams = v.object({
  period: v.optional(v.pipe(v.number(), numberIn(1, 500, 'period must be whole bars from 1 to 500', true))),
  stddev: v.optional(v.pipe(v.number(), numberIn(0.1, 10, 'stddev must be from 0.1 to 10'))),
  source: v.optional(v.picklist(['open', 'high', 'low', 'close'])),
  color: v.optional(Color),
});

/** An indicator series computed by the host from its own data. */
export const IndicatorCommand = v.object({
  type: v.literal('indicator'),
  id: Id,
  indicator: v.picklist(INDICATOR_KINDS),
  params: v.optional(IndicatorParams, {}),
});

export const SetSymbolCommand = v.object({ type: v.literal('set_symbol'), symbol: TickerSymbol });
export const SetTimeframeCommand = v.object({ type: v.literal('set_timeframe'), timeframe: Timeframe });
export const SetVisibleRangeCommand = v.pipe(
  v.object({ type: v.literal('set_visible_range'), from: Time, to: Time }),
  v.check((r) => r.from < r.to, 'set_visible_range.from must be before .to'),
);
export const RemoveCommand = v.object({ type: v.literal('remove'), id: Id });
/** Clears drawings and/or indicators; by default only the AI's own (`source: "ai"`). */
export const ClearCommand = v.object({
  type: v.literal('clear'),
  scope: v.optional(v.picklist(['drawings', 'indicators', 'all'])),
  source: v.optional(v.picklist(['ai', 'all'])),
});

/** The chart command schema: a discriminated union on `type`. */
export const ChartCommand = v.variant(
  'type',
  [
    PriceLineCommand,
    TrendlineCommand,
    ZoneCommand,
    FibCommand,
    MarkerCommand,
    IndicatorCommand,
    SetSymbolCommand,
    SetTimeframeCommand,
    SetVisibleRangeCommand,
    RemoveCommand,
    ClearCommand,
  ],
);

/** A validated chart command (the parser's output: normalized, extra keys stripped). */
export type ChartCommand = v.InferOutput<typeof ChartCommand>;
/** What a producer may send (before normalization). */
export type ChartCommandInput = v.InferInput<typeof ChartCommand>;
export type ChartCommandType = ChartCommand['type'];
/** The command of one `type`, e.g. `ChartCommandOf<'price_line'>`. */
export type ChartCommandOf<T extends ChartCommandType> = Extract<ChartCommand, { type: T }>;

export const CHART_COMMAND_TYPES = [
  'price_line', 'trendline', 'zone', 'fib', 'marker', 'indicator',
  'set_symbol', 'set_timeframe', 'set_visible_range', 'remove', 'clear',
] as const satisfies readonly ChartCommandType[];

/** Commands that leave something on the chart (and so carry an `id`). */
export const DRAWING_COMMAND_TYPES = ['price_line', 'trendline', 'zone', 'fib', 'marker', 'indicator'] as const;

/** Validates one command; returns the normalized command or a readable message. */
export function parseChartCommand(
  input: unknown,
): { success: true; output: ChartCommand } | { success: false; message: string } {
  const result = v.safeParse(ChartCommand, input);
  return result.success ? { success: true, output: result.output } : { success: false, message: describeIssues(result.issues) };
}
