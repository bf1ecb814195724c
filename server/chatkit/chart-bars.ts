/**
 * Bars sent once per thread (docs/protocol.md §6): a request that uploads bars stores them for
 * its thread under their content hash, and a later request on that thread may send the hash
 * instead. Everything goes through the `Store`, scoped by owner and thread, so any instance on
 * the same database resolves what another stored, and a hash never reaches across users or threads.
 *
 * The hash is the server's alone, and only a version tag of the thread's bars (a client can only
 * ever name bars of its own thread), so it is a fast 128-bit mix of the numbers (four
 * multiply-xor lanes over each field's 64 bits, about 0.02 ms for 300 bars) rather than SHA-256
 * (Web Crypto over the JSON cost 0.1-0.25 ms of CPU per upload, on the path the floor bench
 * measures). The element never computes one: it compares the bars it would send with the ones it
 * sent in the acknowledged request.
 */
import { BARS_UNKNOWN_CODE, BARS_UNKNOWN_STATUS, type Bar } from '../../sdk/contract/index.js';
import type { Store } from '../store/store.js';
import { RequestError } from '../wire/request-error.js';
import { parseBars } from './chart-context.js';
import type { RequestContext } from './context.js';

/** Visible ASCII without spaces: a thread id that can go into the acknowledgement header as is. */
const HEADER_SAFE_ID = /^[\x21-\x7e]{1,128}$/;

export const barsUnknown = (): RequestError =>
  new RequestError(BARS_UNKNOWN_STATUS, BARS_UNKNOWN_CODE, 'the bars of that hash (metadata.chart_context.bars) are not stored for this thread: send them again');

/**
 * The content hash of validated bars: 32 hex digits, four 32-bit multiply-xor lanes over the
 * 64 bits of every field in a fixed order (an absent volume counts as -1, which no bar has) and
 * the count. Float64Array is little-endian on every platform Node, Bun, Deno and Workers run on.
 */
export function barsHash(bars: readonly Bar[]): string {
  const number = new Float64Array(1);
  const words = new Uint32Array(number.buffer);
  let a = 0x811c9dc5;
  let b = 0x9747b28c;
  let c = 0x85ebca6b;
  let d = 0xc2b2ae35;
  const mix = (x: number): void => {
    number[0] = x;
    const low = words[0]!;
    const high = words[1]!;
    a = Math.imul(a ^ low, 0x01000193);
    b = Math.imul(b ^ high, 0x5bd1e995);
    c = Math.imul(c ^ low ^ (b >>> 15), 0x27d4eb2f);
    d = Math.imul(d ^ high ^ (a >>> 13), 0x165667b1);
  };
  for (const bar of bars) {
    mix(bar.time);
    mix(bar.open);
    mix(bar.high);
    mix(bar.low);
    mix(bar.close);
    mix(bar.volume ?? -1);
  }
  mix(bars.length);
  return [a, b, c, d].map((x) => (x >>> 0).toString(16).padStart(8, '0')).join('');
}

export class ChartBars {
  constructor(
    private readonly store: Store,
    private readonly log: (message: string, error: unknown) => void,
  ) {}

  /**
   * The request's context with its bars filled in from the store when it sent a hash; 412
   * `chart_bars_unknown` when that hash is not what this user's thread stored (the client
   * sends the bars again). Stored bars are validated like uploaded ones.
   */
  async resolve(threadId: string | undefined, ctx: RequestContext): Promise<RequestContext> {
    const hash = ctx.barsHash;
    if (hash === undefined || !ctx.chartContext) return ctx;
    const json = threadId === undefined ? undefined : await this.store.loadChartBars?.(threadId, ctx.user, hash);
    if (json === undefined) throw barsUnknown();
    const bars = parseBars(json);
    if (!bars) throw barsUnknown();
    return { ...ctx, chartContext: { ...ctx.chartContext, bars } };
  }

  /**
   * Stores the bars a request uploaded for its thread, and answers the acknowledgement header's
   * value (`<hash> <thread id>`), or undefined when nothing was stored. Best effort: a store
   * that cannot keep them only means the next request uploads them again.
   */
  async remember(threadId: string, ctx: RequestContext): Promise<string | undefined> {
    const bars = ctx.chartContext?.bars;
    if (!this.store.saveChartBars || ctx.barsHash !== undefined || !bars?.length || !HEADER_SAFE_ID.test(threadId)) return undefined;
    try {
      const hash = barsHash(bars);
      await this.store.saveChartBars(threadId, ctx.user, hash, JSON.stringify(bars));
      return `${hash} ${threadId}`;
    } catch (error) {
      this.log('storing the chart bars failed', error);
      return undefined;
    }
  }
}
