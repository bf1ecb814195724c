/**
 * Bars sent once per thread (docs/protocol.md §6): a request that uploads bars stores them for
 * its thread under their content hash, and a later request on that thread may send the hash
 * instead. Everything goes through the `Store`, scoped by owner and thread, so any instance on
 * the same database resolves what another stored, and a hash never reaches across users or threads.
 *
 * The hash is the server's alone: SHA-256 (Web Crypto, on every runtime the server runs on)
 * over the JSON of the validated, capped bars, cut to 128 bits. The element never computes
 * one: it compares the bars it would send with the ones it sent in the acknowledged request.
 */
import { BARS_UNKNOWN_CODE, BARS_UNKNOWN_STATUS } from '../../sdk/contract/index.js';
import type { Store } from '../store/store.js';
import { RequestError } from '../wire/request-error.js';
import { parseBars } from './chart-context.js';
import type { RequestContext } from './context.js';

/** Visible ASCII without spaces: a thread id that can go into the acknowledgement header as is. */
const HEADER_SAFE_ID = /^[\x21-\x7e]{1,128}$/;

export const barsUnknown = (): RequestError =>
  new RequestError(BARS_UNKNOWN_STATUS, BARS_UNKNOWN_CODE, 'the bars of that hash (metadata.chart_context.bars) are not stored for this thread: send them again');

/** The content hash of validated bars: 32 hex digits of SHA-256 over their JSON. */
export async function barsHash(json: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(json)));
  let hex = '';
  for (let i = 0; i < 16; i++) hex += digest[i]!.toString(16).padStart(2, '0');
  return hex;
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
      const json = JSON.stringify(bars);
      const hash = await barsHash(json);
      await this.store.saveChartBars(threadId, ctx.user, hash, json);
      return `${hash} ${threadId}`;
    } catch (error) {
      this.log('storing the chart bars failed', error);
      return undefined;
    }
  }
}
