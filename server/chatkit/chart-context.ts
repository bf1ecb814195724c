/**
 * The server's reading of `metadata.chart_context`: the contract's `ChartContext`, except that
 * bars are checked by one allocation-free loop (`isBar`) after the length check instead of a
 * valibot object per bar, and only the kept (newest) bars are copied, without unknown keys.
 * `Bar` stays the source of truth: a drift test holds `isBar` to it, and it describes any bar
 * the loop refuses, with the bar's index in the path. Issues come back with the result, so a
 * refusal is never validated a second time to be described.
 */
import * as v from 'valibot';
import { Bar, ChartContext, isBar, MAX_CONTEXT_BARS, MAX_INPUT_BARS, normalizeBars } from '../../sdk/contract/index.js';

const LoopBars = v.pipe(
  v.custom<v.InferInput<typeof Bar>[]>(Array.isArray, 'bars must be an array'),
  v.maxLength(MAX_INPUT_BARS),
  v.rawTransform(({ dataset: { value: bars }, addIssue, NEVER }) => {
    let bad = -1;
    let ordered = true; // oldest first, one bar per time: the usual case, which needs no sort
    for (let i = 0; i < bars.length; i++) {
      const bar = bars[i];
      if (!isBar(bar)) {
        bad = i;
        break;
      }
      if (ordered && i > 0 && !((bar as Bar).time > (bars[i - 1] as Bar).time)) ordered = false;
    }
    if (bad < 0) return (ordered ? (bars as Bar[]).slice(-MAX_CONTEXT_BARS) : normalizeBars(bars as Bar[])).map(copyBar);
    for (const issue of v.safeParse(Bar, bars[bad]).issues ?? []) {
      addIssue({
        message: issue.message,
        ...(issue.expected !== null && { expected: issue.expected }),
        received: issue.received,
        path: [{ type: 'array', origin: 'value', input: bars, key: bad, value: bars[bad] }, ...(issue.path ?? [])],
      });
    }
    return NEVER;
  }),
);

export const ServerChartContext = v.object({ ...ChartContext.entries, bars: v.optional(LoopBars, []) });

export type ChartContextResult = { success: true; output: ChartContext } | { success: false; issues: readonly v.BaseIssue<unknown>[] };

export function parseChartContext(input: unknown): ChartContextResult {
  const result = v.safeParse(ServerChartContext, input);
  return result.success ? { success: true, output: result.output as ChartContext } : { success: false, issues: result.issues };
}

/** Bars the store kept (JSON), validated like uploaded ones; undefined when they are not valid bars. */
export function parseBars(json: string): Bar[] | undefined {
  let bars: unknown;
  try {
    bars = JSON.parse(json);
  } catch {
    return undefined;
  }
  const result = v.safeParse(LoopBars, bars);
  return result.success ? result.output : undefined;
}

const copyBar = ({ time, open, high, low, close, volume }: Bar): Bar =>
  volume === undefined ? { time, open, high, low, close } : { time, open, high, low, close, volume };
