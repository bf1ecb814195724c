/**
 * The model's function tools. One per `ChartCommand` kind (the tool name is the command's
 * `type`; its JSON schema is hand-written to match the valibot schema, which stays the judge),
 * plus server-side analysis tools that run `server/analysis` on the chart context's bars so the
 * model draws computed levels instead of guessing.
 */
import * as v from 'valibot';
import type { FunctionTool } from 'openai/resources/responses/responses';
import { CHART_COMMAND_TYPES, CLIENT_TOOLS, describeIssues, INDICATOR_KINDS, parseChartCommand, type ChartCommand, type ChartContext } from '../../../sdk/contract/index.js';
import { computeIndicator, findLevels, findTrendline, type Level } from '../../analysis/index.js';
import { checkAnchors } from '../anchors.js';

const id = { type: 'string', pattern: '^[\\w.:-]+$', maxLength: 64, description: 'Stable id; reuse it to replace a drawing. Use an "ai-" prefix.' };
const price = { type: 'number', exclusiveMinimum: 0, maximum: 1e12 };
const time = { type: 'integer', minimum: 0, description: 'Bar time in UTC seconds (use times from the chart context).' };
const point = { type: 'object', properties: { time, price }, required: ['time', 'price'], additionalProperties: false };
const label = { type: 'string', maxLength: 64 };
const color = { type: 'string', maxLength: 40, description: 'CSS colour: hex, rgb(a), hsl(a) or a name.' };
const style = { type: 'string', enum: ['solid', 'dotted', 'dashed'] };

function tool(name: string, description: string, properties: Record<string, unknown>, required: string[]): FunctionTool {
  return { type: 'function', name, description, strict: false, parameters: { type: 'object', properties, required, additionalProperties: false } };
}

/** One tool per chart command; arguments are the command without `type`. */
export const CHART_COMMAND_TOOLS: FunctionTool[] = [
  tool('price_line', 'Draw a horizontal support, resistance or plain level across the chart.', { id, price, role: { type: 'string', enum: ['support', 'resistance', 'level'] }, label, color, style }, ['id', 'price', 'role']),
  tool('trendline', 'Draw a line through two (time, price) anchors.', { id, p1: point, p2: point, extend: { type: 'string', enum: ['none', 'left', 'right', 'both'] }, label, color, style }, ['id', 'p1', 'p2']),
  tool('zone', 'Shade a price band, optionally between two times.', { id, top: price, bottom: price, from: time, to: time, label, color }, ['id', 'top', 'bottom']),
  tool('fib', 'Draw a Fibonacci retracement from one swing point to another.', { id, from: point, to: point, levels: { type: 'array', items: { type: 'number', minimum: -5, maximum: 5 }, minItems: 1, maxItems: 20 }, label }, ['id', 'from', 'to']),
  tool('marker', 'Put a marker on a bar.', { id, time, position: { type: 'string', enum: ['above', 'below', 'in', 'price'] }, shape: { type: 'string', enum: ['arrowUp', 'arrowDown', 'circle', 'square'] }, text: label, price, color }, ['id', 'time', 'position', 'shape']),
  tool('indicator', 'Add an indicator series the chart computes from its own data.', { id, indicator: { type: 'string', enum: [...INDICATOR_KINDS] }, params: { type: 'object', properties: { period: { type: 'integer', minimum: 1, maximum: 500 }, stddev: { type: 'number', exclusiveMinimum: 0, maximum: 10 }, source: { type: 'string', enum: ['open', 'high', 'low', 'close'] }, color }, additionalProperties: false } }, ['id', 'indicator']),
  tool('set_symbol', 'Ask the host page to load another symbol.', { symbol: { type: 'string', maxLength: 32, pattern: '^[\\w.:/^=!@-]+$' } }, ['symbol']),
  tool('set_timeframe', 'Ask the host page to switch timeframe (1m, 5m, 15m, 1h, 4h, 1D, 1W, 1M).', { timeframe: { type: 'string', pattern: '^\\d{0,4}(s|m|h|H|d|D|w|W|M)$' } }, ['timeframe']),
  tool('set_visible_range', 'Scroll/zoom the chart to a time range.', { from: time, to: time }, ['from', 'to']),
  tool('remove', 'Remove one drawing or indicator by id.', { id }, ['id']),
  tool('clear', 'Clear drawings and/or indicators (by default only your own).', { scope: { type: 'string', enum: ['drawings', 'indicators', 'all'] }, source: { type: 'string', enum: ['ai', 'all'] } }, []),
];

const FindLevelsArgs = v.object({
  per_side: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(10))),
  tolerance_atr: v.optional(v.pipe(v.number(), v.minValue(0.05), v.maxValue(5))),
});
const FindTrendlineArgs = v.object({ kind: v.picklist(['support', 'resistance']) });
const ComputeIndicatorArgs = v.object({
  indicator: v.picklist(INDICATOR_KINDS),
  period: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(500))),
  stddev: v.optional(v.pipe(v.number(), v.gtValue(0), v.maxValue(10))),
  source: v.optional(v.picklist(['open', 'high', 'low', 'close'])),
});

/** Tools answered on the server from the chart context's bars. */
export const ANALYSIS_TOOLS: FunctionTool[] = [
  tool('find_levels', 'Compute support and resistance levels (clustered swing pivots) from the chart bars. Returns prices with touch counts, nearest first.', { per_side: { type: 'integer', minimum: 1, maximum: 10 }, tolerance_atr: { type: 'number', minimum: 0.05, maximum: 5, description: 'Cluster width in ATRs (default 0.5).' } }, []),
  tool('find_trendline', 'Compute the best unbroken trendline through two swing lows (support) or highs (resistance).', { kind: { type: 'string', enum: ['support', 'resistance'] } }, ['kind']),
  tool('compute_indicator', 'Compute the latest value of an indicator on the chart bars.', { indicator: { type: 'string', enum: [...INDICATOR_KINDS] }, period: { type: 'integer', minimum: 1, maximum: 500 }, stddev: { type: 'number', exclusiveMinimum: 0, maximum: 10 }, source: { type: 'string', enum: ['open', 'high', 'low', 'close'] } }, ['indicator']),
];

export const ALL_TOOLS: FunctionTool[] = [...CHART_COMMAND_TOOLS, ...ANALYSIS_TOOLS];

/**
 * The ChatKit client tool the `<chart-chat>` element answers with its current chart context.
 * Offered to the model only when a request came without one; calling it ends the turn on a
 * pending `client_tool_call` that the page answers.
 */
export const GET_CHART_CONTEXT = CLIENT_TOOLS.getChartContext;
export const GET_CHART_CONTEXT_TOOL: FunctionTool = tool(
  GET_CHART_CONTEXT,
  "Ask the user's page for its chart context (symbol, timeframe, bars, drawings). Use it when no chart context was provided.",
  {},
  [],
);

export type ToolOutcome =
  /**
   * A valid chart command, its anchors checked against the bars (`notes` say what was snapped).
   * It goes to the page; the model hears the page's outcome, never an assumed one.
   */
  | { kind: 'command'; command: ChartCommand; notes: string[] }
  /** An analysis result or an error the model should read. */
  | { kind: 'answer'; output: string; invalid: boolean };

/** Runs one function call from the model. Never throws: bad calls become error outputs. */
export function runTool(name: string, rawArguments: string, chartContext: ChartContext | undefined): ToolOutcome {
  let args: unknown;
  try {
    args = rawArguments.trim() === '' ? {} : JSON.parse(rawArguments);
  } catch {
    return invalid(`arguments are not valid JSON`);
  }
  if (typeof args !== 'object' || args === null || Array.isArray(args)) return invalid('arguments must be a JSON object');

  if ((CHART_COMMAND_TYPES as readonly string[]).includes(name)) {
    const parsed = parseChartCommand({ ...args, type: name });
    if (!parsed.success) return invalid(`invalid ${name} arguments: ${parsed.message}. Nothing was drawn; fix the arguments and call again.`);
    const checked = checkAnchors(parsed.output, chartContext?.bars ?? []);
    if (!checked.ok) return { kind: 'answer', output: JSON.stringify({ status: 'refused', reason: `${checked.reason}. Nothing was drawn.` }), invalid: true };
    return { kind: 'command', command: checked.command, notes: checked.notes };
  }

  const bars = chartContext?.bars ?? [];
  const needBars = () => answer({ error: 'no chart bars: the user has no chart context loaded, so there is nothing to analyse' });
  switch (name) {
    case 'find_levels': {
      const parsed = v.safeParse(FindLevelsArgs, args);
      if (!parsed.success) return invalid(`invalid find_levels arguments: ${describeIssues(parsed.issues)}`);
      if (bars.length === 0) return needBars();
      const result = findLevels(bars, {
        perSide: parsed.output.per_side ?? 3,
        ...(parsed.output.tolerance_atr !== undefined ? { tolerance: { atr: parsed.output.tolerance_atr } } : {}),
      });
      const level = (l: Level) => ({ price: round(l.price), touches: l.touches, first_time: l.firstTime, last_time: l.lastTime });
      return answer({ last_close: result.lastClose, tolerance: round(result.tolerance), support: result.support.map(level), resistance: result.resistance.map(level) });
    }
    case 'find_trendline': {
      const parsed = v.safeParse(FindTrendlineArgs, args);
      if (!parsed.success) return invalid(`invalid find_trendline arguments: ${describeIssues(parsed.issues)}`);
      if (bars.length === 0) return needBars();
      const line = findTrendline(bars, parsed.output.kind);
      if (!line) return answer({ found: false, reason: 'no line through two swing points holds without closes breaking through it' });
      return answer({
        found: true,
        kind: line.kind,
        p1: { time: line.p1.time, price: round(line.p1.price) },
        p2: { time: line.p2.time, price: round(line.p2.price) },
        touches: line.touches,
        price_at_last_bar: round(line.priceAtLastBar),
      });
    }
    case 'compute_indicator': {
      const parsed = v.safeParse(ComputeIndicatorArgs, args);
      if (!parsed.success) return invalid(`invalid compute_indicator arguments: ${describeIssues(parsed.issues)}`);
      if (bars.length === 0) return needBars();
      const result = computeIndicator(bars, parsed.output);
      return answer({ ...result, value: roundOrNull(result.value), ...(result.upper !== undefined ? { upper: roundOrNull(result.upper), lower: roundOrNull(result.lower ?? null) } : {}) });
    }
    default:
      return invalid(`unknown tool "${name.slice(0, 64)}"`);
  }
}

function invalid(message: string): ToolOutcome {
  return { kind: 'answer', output: JSON.stringify({ error: message }), invalid: true };
}
function answer(value: unknown): ToolOutcome {
  return { kind: 'answer', output: JSON.stringify(value), invalid: false };
}
/** 8 significant digits: exact enough to draw, short enough to read. */
function round(x: number): number {
  return Number(x.toPrecision(8));
}
function roundOrNull(x: number | null): number | null {
  return x === null ? null : round(x);
}
