/**
 * Wires a lightweight-charts (v5) chart to `<chart-chat>` in one call.
 *
 * ```ts
 * const handle = connectLightweightCharts(chatEl, { chart, series: candles, symbol: 'TSLA', timeframe: '1D',
 *   onSymbol: (s) => loadSymbol(s), onTimeframe: (tf) => loadTimeframe(tf) });
 * ```
 *
 * - Every `chart-command` the element dispatches is applied: price lines, trendline/zone/fib
 *   primitives, markers, indicator series, visible range, remove, clear; symbol and timeframe
 *   changes go to the host's callbacks. A command the adapter cannot apply is rejected with
 *   `preventDefault()`, which the element reports back to the model.
 * - `chatEl.chartContext` is kept current (market, visible range, last price, newest bars,
 *   drawings, indicators), at most once per animation frame, always as a new object.
 * - Drawings are tagged with their source, so the AI's "clear" never removes the host's own.
 *
 * lightweight-charts is a peer: this module imports it and never bundles it into the element.
 * @packageDocumentation
 */
import { createSeriesMarkers, type IChartApi, type ISeriesApi, type SeriesType, type UTCTimestamp } from 'lightweight-charts';
import * as v from 'valibot';
import {
  parseChartCommand,
  TickerSymbol,
  Timeframe,
  type ChartCommand,
  type ChartCommandOf,
  type ChartContextInput,
} from '../contract/index.js';
import type { ChartCommandEvent, ChartProposalDetail } from '../events.js';
import { buildContext } from './lightweight-charts/context.js';
import {
  createDrawing,
  describeDrawing,
  markerLayer,
  type Drawing,
  type DrawingCommand,
  type DrawingInfo,
  type DrawingSource,
  type IndicatorInfo,
} from './lightweight-charts/drawings.js';
import { ghostOf } from './lightweight-charts/ghosts.js';
import { provenanceHover } from './lightweight-charts/hover.js';
import { SeriesBars } from './lightweight-charts/series-bars.js';
import { TimeAxis } from './lightweight-charts/time-axis.js';

export type { ChartPoint, DrawingInfo, DrawingKind, DrawingSource, IndicatorInfo } from './lightweight-charts/drawings.js';

/** What the adapter talks to: `<chart-chat>`, or any ancestor of it (the events bubble). */
export interface ChartChatTarget extends EventTarget {
  chartContext?: ChartContextInput | undefined;
}

/** A market as the host names it. */
export interface Market {
  symbol: string;
  timeframe: string;
}

/**
 * The host's answer to a symbol/timeframe command. Load the data (and `setData` it); the adapter
 * then reports the new market. Return `false` or throw to refuse.
 */
export type MarketCallback = (value: string) => void | boolean | Promise<void | boolean>;

export interface LightweightChartsAdapterOptions {
  chart: IChartApi;
  /** The main price series (candlestick or bar; line-like series work with `value` as the price). */
  series: ISeriesApi<SeriesType>;
  symbol: string;
  timeframe: string;
  /** Called for `set_symbol`. Without it the command is rejected. */
  onSymbol?: MarketCallback;
  /** Called for `set_timeframe`. Without it the command is rejected. */
  onTimeframe?: MarketCallback;
  /** Newest bars sent in the context (default 300). */
  maxBars?: number;
  /** Drawings (price lines, trendlines, zones, fibs, markers) on the chart at once (default 50). */
  maxDrawings?: number;
  /** Indicators at once (default 8; each is one to three series). */
  maxIndicators?: number;
  /** Remove the AI's drawings when the symbol changes (default true): its levels belong to the old symbol. */
  clearOnSymbolChange?: boolean;
  /** Free-form `meta` for the context (e.g. exchange, currency). */
  meta?: Record<string, unknown>;
  /** Called with every context the adapter assigns. */
  onContext?: (context: ChartContextInput) => void;
  /** Called when a command cannot be applied (the event is also `preventDefault()`ed). */
  onError?: (message: string, command: unknown) => void;
}

export type ApplyResult = { ok: true; command: ChartCommand } | { ok: false; error: string };

export interface ApplyOptions {
  /** Who the drawing belongs to (default `"ai"`). Host drawings survive the AI's `clear`. */
  source?: DrawingSource;
  /** The AI turn that asked for it (provenance, from the `chart-command` event). */
  turn?: string | undefined;
}

/** A host-owned horizontal line ("Prev close", an order's price...). */
export interface HostPriceLine {
  id: string;
  price: number;
  label?: string;
  role?: 'support' | 'resistance' | 'level';
  color?: string;
  style?: 'solid' | 'dotted' | 'dashed';
}

export interface LightweightChartsConnection {
  /** The current market. */
  readonly market: Readonly<Market>;
  /** Drawings on the chart, oldest first (a fresh snapshot on each read). */
  readonly drawings: readonly DrawingInfo[];
  /** Indicators on the chart, oldest first. */
  readonly indicators: readonly IndicatorInfo[];
  /** Validates and applies one command. Same id again replaces the drawing. */
  apply(command: unknown, options?: ApplyOptions): ApplyResult;
  /** Adds (or replaces) a host-owned price line. */
  addHostPriceLine(line: HostPriceLine): ApplyResult;
  /** Shows or hides every AI drawing at once (hidden ones are off the chart and out of the context). */
  setAiLayerVisible(visible: boolean): void;
  /** Tells the adapter the host switched market (after loading its data). */
  setMarket(market: Partial<Market>): void;
  /** The context as it is now. */
  context(): ChartContextInput;
  /** Assigns the context now instead of on the next frame. */
  refreshContext(): void;
  /** Stops listening and removes everything the adapter drew. */
  disconnect(): void;
}

/** Validates one half of the host's market; throws a TypeError naming the field. */
function checkMarket(key: keyof Market, value: string): string {
  const result = v.safeParse(key === 'symbol' ? TickerSymbol : Timeframe, value);
  if (!result.success) throw new TypeError(`connectLightweightCharts: invalid ${key} ${JSON.stringify(value)}: ${result.issues[0].message}`);
  return result.output;
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** Refuses a command with a reason the model reads (`reject` on `<chart-chat>`'s events, else `preventDefault`). */
const reject = (event: Event, reason: string) => ((event as Partial<ChartCommandEvent>).reject ? (event as ChartCommandEvent).reject(reason) : event.preventDefault());

/**
 * Connects a lightweight-charts chart to a `<chart-chat>` element.
 * @param target the `<chart-chat>` element (or an ancestor: `chart-command` bubbles)
 */
export function connectLightweightCharts(target: ChartChatTarget, options: LightweightChartsAdapterOptions): LightweightChartsConnection {
  const { chart, series, maxBars = 300, maxDrawings = 50, maxIndicators = 8, onError } = options;
  const market: Market = { symbol: checkMarket('symbol', options.symbol), timeframe: checkMarket('timeframe', options.timeframe) };
  const bars = new SeriesBars(series);
  const deps = {
    chart,
    series,
    bars,
    axis: new TimeAxis(chart, bars),
    markers: markerLayer(() => createSeriesMarkers(series, [])),
  };
  /** id -> drawing, in insertion order. One namespace for every kind. */
  const drawings = new Map<string, Drawing>();
  /** Proposed drawings (`chart-proposal`), shown as ghosts, by proposal id. */
  const ghosts = new Map<string, Drawing[]>();
  /** AI drawings taken off the chart by `setAiLayerVisible(false)`. */
  let hiddenLayer: Drawing[] = [];
  const all = () => [...drawings.values()];
  const isIndicator = (d: Drawing) => d.command.type === 'indicator';
  let frame = 0;
  let connected = true;

  // ---- context -------------------------------------------------------------------------------
  const infos = <K extends 'kind' | 'indicator'>(key: K) =>
    [...all(), ...[...ghosts.values()].flat()]
      .map((d) => describeDrawing(d, bars))
      .filter((d): d is Extract<DrawingInfo | IndicatorInfo, Record<K, unknown>> => key in d);
  const context = (): ChartContextInput =>
    buildContext({ chart, ...market, bars: bars.bars, maxBars, drawings: infos('kind'), indicators: infos('indicator'), meta: options.meta });
  const publish = () => {
    cancelAnimationFrame(frame);
    frame = 0;
    if (!connected) return;
    let next: ChartContextInput;
    try {
      next = context();
    } catch (error) {
      // The host removed the chart without disconnecting first: nothing left to describe.
      onError?.(`could not read the chart: ${messageOf(error)}`, null);
      return;
    }
    target.chartContext = next;
    options.onContext?.(next);
  };
  /** Coalesces: any number of changes within one frame give one assignment. */
  const schedule = () => {
    if (connected && !frame) frame = requestAnimationFrame(publish);
  };

  // ---- chart subscriptions -------------------------------------------------------------------
  const onData = () => {
    bars.invalidate();
    for (const d of drawings.values()) d.refresh?.();
    schedule();
  };
  series.subscribeDataChanged(onData);
  chart.timeScale().subscribeVisibleTimeRangeChange(schedule);

  // ---- commands --------------------------------------------------------------------------------
  const fail = (error: string): ApplyResult => ({ ok: false, error });

  const removeDrawing = (d: Drawing) => {
    drawings.delete(d.id);
    d.remove();
  };

  /** Draws (or replaces, same id) within the caps; the AI may not replace the host's drawings. */
  const draw = (command: DrawingCommand, source: DrawingSource, turn?: string) => {
    const existing = drawings.get(command.id);
    if (existing?.source === 'host' && source !== 'host') return fail(`"${command.id}" is the host's drawing; use another id`);
    const indicator = command.type === 'indicator';
    const cap = indicator ? maxIndicators : maxDrawings;
    if (all().filter((d) => isIndicator(d) === indicator && d.id !== command.id).length >= cap) {
      return fail(`too many ${indicator ? 'indicators' : 'drawings'} on the chart (at most ${cap}); remove some first`);
    }
    if (existing) removeDrawing(existing);
    drawings.set(command.id, { ...createDrawing(deps, command, source), ...(turn ? { turn } : {}) });
  };

  const clear = ({ scope = 'all', source = 'ai' }: Omit<ChartCommandOf<'clear'>, 'type'>) => {
    for (const d of all()) {
      const inScope = scope === 'all' || (scope === 'indicators') === isIndicator(d);
      if (inScope && (source === 'all' || d.source === 'ai')) removeDrawing(d);
    }
  };

  /** Runs the host's market callback; once it succeeds, the adapter reports the new market. */
  const changeMarket = (key: keyof Market, value: string) => {
    const callback = key === 'symbol' ? options.onSymbol : options.onTimeframe;
    if (!callback) return fail(`this chart does not switch ${key}s`);
    void (async () => {
      try {
        if ((await callback(value)) !== false) setMarket({ [key]: value });
      } catch (error) {
        onError?.(`could not switch ${key} to ${value}: ${messageOf(error)}`, { [key]: value });
      }
    })();
  };

  /** Applies a valid command; returns a failure when the chart cannot do it. */
  const run = (command: ChartCommand, source: DrawingSource, turn?: string): ApplyResult | void => {
    switch (command.type) {
      case 'remove': {
        const d = drawings.get(command.id);
        return d ? removeDrawing(d) : fail(`nothing on the chart has the id "${command.id}"`);
      }
      case 'clear':
        return clear(command);
      case 'set_visible_range':
        if (!bars.bars.length) return fail('the chart has no data yet');
        return chart.timeScale().setVisibleRange({ from: command.from as UTCTimestamp, to: command.to as UTCTimestamp });
      case 'set_symbol':
        return changeMarket('symbol', command.symbol);
      case 'set_timeframe':
        return changeMarket('timeframe', command.timeframe);
      default:
        return draw(command, source, turn);
    }
  };

  const apply = (input: unknown, { source = 'ai', turn }: ApplyOptions = {}): ApplyResult => {
    if (!connected) return fail('the adapter is disconnected');
    const parsed = parseChartCommand(input);
    if (!parsed.success) return fail(parsed.message);
    let result: ApplyResult;
    try {
      result = run(parsed.output, source, turn) ?? { ok: true, command: parsed.output };
    } catch (error) {
      result = fail(messageOf(error));
    }
    schedule();
    return result;
  };

  /** What a command may replace or remove, to put back if a later listener rejects it. */
  const snapshot = () => new Map([...drawings].map(([id, d]) => [id, d]));
  const restore = (before: Map<string, Drawing>) => {
    for (const [id, d] of drawings) if (before.get(id) !== d) removeDrawing(d);
    for (const [id, d] of before) {
      if (!drawings.has(id)) drawings.set(id, { ...createDrawing(deps, d.command, d.source), ...(d.turn ? { turn: d.turn } : {}) });
    }
    schedule();
  };

  const onCommand = (event: Event) => {
    if (event.defaultPrevented) return;
    const { detail: command, turn } = event as ChartCommandEvent;
    const before = snapshot();
    const result = apply(command, { turn });
    if (!result.ok) {
      reject(event, result.error);
      onError?.(result.error, command);
      return;
    }
    // A listener after us may still reject it: then the chart shows what it showed before.
    queueMicrotask(() => event.defaultPrevented && connected && restore(before));
  };
  target.addEventListener('chart-command', onCommand);

  /** `chart-proposal`: open proposals are ghosts (dashed, translucent, marked proposed) until applied or dismissed. */
  const onProposal = (event: Event) => {
    const { id, status, commands } = (event as CustomEvent<ChartProposalDetail>).detail;
    for (const g of ghosts.get(id) ?? []) g.remove();
    ghosts.delete(id);
    if (status === 'open') {
      ghosts.set(
        id,
        commands.flatMap((c) => {
          const ghost = ghostOf(c);
          return ghost ? [{ ...createDrawing(deps, ghost, 'ai'), proposed: true }] : [];
        }),
      );
    }
    schedule();
  };
  target.addEventListener('chart-proposal', onProposal);
  const hover = provenanceHover(chart, series, () => [...all(), ...[...ghosts.values()].flat()]);

  // ---- market ----------------------------------------------------------------------------------
  /** Validates and takes a new market; the AI's drawings belong to the old symbol (by default). */
  function setMarket(next: Partial<Market>) {
    // Both are checked before either changes.
    const symbol = next.symbol === undefined ? market.symbol : checkMarket('symbol', next.symbol);
    const timeframe = next.timeframe === undefined ? market.timeframe : checkMarket('timeframe', next.timeframe);
    if (symbol !== market.symbol && (options.clearOnSymbolChange ?? true)) clear({ scope: 'drawings' });
    market.symbol = symbol;
    market.timeframe = timeframe;
    schedule();
  }

  publish();

  return {
    get market() {
      return { ...market };
    },
    get drawings() {
      return infos('kind');
    },
    get indicators() {
      return infos('indicator');
    },
    apply,
    addHostPriceLine: ({ role = 'level', ...line }) => apply({ type: 'price_line', role, ...line }, { source: 'host' }),
    setAiLayerVisible(visible) {
      if (!visible) {
        const ai = all().filter((d) => d.source === 'ai');
        ai.forEach(removeDrawing);
        hiddenLayer.push(...ai);
      } else {
        // Back as they were, unless the AI has drawn something else under the same id since.
        for (const d of hiddenLayer) if (!drawings.has(d.id)) drawings.set(d.id, { ...createDrawing(deps, d.command, 'ai'), ...(d.turn ? { turn: d.turn } : {}) });
        hiddenLayer = [];
      }
      schedule();
    },
    setMarket,
    context,
    refreshContext: publish,
    disconnect() {
      if (!connected) return;
      connected = false;
      cancelAnimationFrame(frame);
      target.removeEventListener('chart-command', onCommand);
      target.removeEventListener('chart-proposal', onProposal);
      hover.detach();
      // The host may have removed the chart already; then there is nothing left to take off it.
      try {
        series.unsubscribeDataChanged(onData);
        chart.timeScale().unsubscribeVisibleTimeRangeChange(schedule);
        all().forEach(removeDrawing);
        for (const g of [...ghosts.values()].flat()) g.remove();
        deps.markers.detach();
      } catch {
        /* chart already removed */
      }
      drawings.clear();
      ghosts.clear();
    },
  };
}
