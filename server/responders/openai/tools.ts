/**
 * The model's function tools. One per `ChartCommand` kind (the tool name is the command's
 * `type`; its JSON schema is derived from the contract's valibot schema, see json-schema.ts),
 * plus server-side analysis tools that run `server/analysis` on the chart context's bars so the
 * model draws computed levels instead of guessing.
 */
import * as v from 'valibot';
import type { FunctionTool } from 'openai/resources/responses/responses';
import {
  CHART_COMMAND_TYPES,
  ChartCommand,
  CLIENT_TOOLS,
  describeIssues,
  INDICATOR_KINDS,
  IndicatorParams,
  parseChartCommand,
  type ChartCommandType,
  type ChartContext,
} from '../../../sdk/contract/index.js';
import { computeIndicator, findLevels, findTrendline, type Level } from '../../analysis/index.js';
import { checkAnchors } from '../anchors.js';
import { toJsonSchema, type JsonSchema } from './json-schema.js';

/** Prose for fields that recur across commands (the contract's schemas carry no descriptions). */
const FIELD_HINTS: Record<string, string> = {
  id: 'Stable id; reuse it to replace a drawing. Use an "ai-" prefix.',
  time: 'Bar time in UTC seconds (use times from the chart context).',
  color: 'CSS colour: hex, rgb(a), hsl(a) or a name.',
  why: 'One short sentence: why this drawing (shown to the user).',
  evidence: 'The bars that support it, e.g. the touches of a level.',
};

/** What each command does, and the cross-field rules JSON Schema cannot state (the contract enforces them). */
const COMMAND_DESCRIPTIONS: Record<ChartCommandType, string> = {
  price_line: 'Draw a horizontal support, resistance or plain level across the chart.',
  trendline: 'Draw a line through two (time, price) anchors.',
  zone: 'Shade a price band, optionally between two times (from must not be after to).',
  fib: 'Draw a Fibonacci retracement from one swing point to another.',
  marker: 'Put a marker on a bar (position "price" needs a price).',
  indicator: 'Add an indicator series the chart computes from its own data.',
  set_symbol: 'Ask the host page to load another symbol.',
  set_timeframe: 'Ask the host page to switch timeframe (1m, 5m, 15m, 1h, 4h, 1D, 1W, 1M).',
  set_visible_range: 'Scroll/zoom the chart to a time range (from before to).',
  remove: 'Remove one drawing or indicator by id.',
  clear: 'Clear drawings and/or indicators (by default only your own).',
};

/**
 * A function tool whose parameters are the JSON Schema of a valibot schema. `omit` drops fields
 * the server fills in itself (a command's `type`: the tool name says it).
 */
export function functionTool(name: string, description: string, schema: v.GenericSchema, omit: readonly string[] = []): FunctionTool {
  const parameters = toJsonSchema(schema) as { properties: Record<string, JsonSchema>; required: string[] };
  for (const key of omit) delete parameters.properties[key];
  parameters.required = parameters.required.filter((key) => !omit.includes(key));
  addHints(parameters);
  return { type: 'function', name, description, strict: false, parameters };
}

function addHints(schema: JsonSchema): void {
  for (const [key, property] of Object.entries((schema['properties'] ?? {}) as Record<string, JsonSchema>)) {
    if (FIELD_HINTS[key] && property['description'] === undefined) property['description'] = FIELD_HINTS[key];
    addHints(property);
    if (property['items']) addHints(property['items'] as JsonSchema);
  }
}

/** The contract's schema for one command type (an option of the `ChartCommand` variant). */
export function commandSchema(type: ChartCommandType): v.GenericSchema {
  const option = ChartCommand.options.find((o) => o.entries.type.literal === type);
  if (!option) throw new Error(`no ChartCommand option for "${type}"`);
  return option as unknown as v.GenericSchema;
}

/** One tool per chart command, derived from the contract; arguments are the command without `type`. */
export const CHART_COMMAND_TOOLS: FunctionTool[] = CHART_COMMAND_TYPES.map((type) =>
  functionTool(type, COMMAND_DESCRIPTIONS[type], commandSchema(type), ['type']),
);

const FindLevelsArgs = v.object({
  per_side: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(10))),
  tolerance_atr: v.optional(v.pipe(v.number(), v.minValue(0.05), v.maxValue(5), v.description('Cluster width in ATRs (default 0.5).'))),
});
const FindTrendlineArgs = v.object({ kind: v.picklist(['support', 'resistance']) });
// The indicator's parameters are the contract's own (one source for their bounds), colour aside.
const { color: _color, ...indicatorParams } = IndicatorParams.entries;
const ComputeIndicatorArgs = v.object({ indicator: v.picklist(INDICATOR_KINDS), ...indicatorParams });

/** Tools answered on the server from the chart context's bars. */
export const ANALYSIS_TOOLS: FunctionTool[] = [
  functionTool('find_levels', 'Compute support and resistance levels (clustered swing pivots) from the chart bars. Returns prices with touch counts, nearest first.', FindLevelsArgs),
  functionTool('find_trendline', 'Compute the best unbroken trendline through two swing lows (support) or highs (resistance).', FindTrendlineArgs),
  functionTool('compute_indicator', 'Compute the latest value of an indicator on the chart bars.', ComputeIndicatorArgs),
];

export const ALL_TOOLS: FunctionTool[] = [...CHART_COMMAND_TOOLS, ...ANALYSIS_TOOLS];

/**
 * The ChatKit client tool the `<chart-chat>` element answers with its current chart context.
 * Offered to the model only when a request came without one; calling it ends the turn on a
 * pending `client_tool_call` that the page answers.
 */
export const GET_CHART_CONTEXT = CLIENT_TOOLS.getChartContext;
export const GET_CHART_CONTEXT_TOOL: FunctionTool = functionTool(
  GET_CHART_CONTEXT,
  "Ask the user's page for its chart context (symbol, timeframe, bars, drawings). Use it when no chart context was provided.",
  v.object({}),
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
