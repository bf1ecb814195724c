/**
 * Sending the bars once per thread (docs/protocol.md §6). The server stores the bars a request
 * uploads for its thread and answers their content hash in the {@link BARS_HEADER} response
 * header. While the chart's bars stay the same, later requests on that thread send that hash as
 * `chart_context.bars` (a string, {@link BarsHash}, instead of the array); the server fills the
 * bars in from what it stored for that user and thread. When it cannot (another thread, another
 * user, evicted, changed since), it answers {@link BARS_UNKNOWN_STATUS} and the element sends the
 * same request again with the bars.
 */
import * as v from 'valibot';

/** Response header `<hash> <thread id>`: the request's bars are stored for that thread under that hash. */
export const BARS_HEADER = 'X-Chart-Chat-Bars';

/** The answer when a hash does not resolve (412 Precondition Failed, code {@link BARS_UNKNOWN_CODE}); nothing else answers 412. */
export const BARS_UNKNOWN_STATUS = 412;
export const BARS_UNKNOWN_CODE = 'chart_bars_unknown';

/** A bars hash: 32 lowercase hex digits (the server's 128-bit content hash, `server/chatkit/chart-bars.ts`). */
export const BarsHash = v.pipe(v.string(), v.regex(/^[0-9a-f]{32}$/, 'expected 32 lowercase hex digits'));
