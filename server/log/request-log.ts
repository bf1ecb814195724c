/**
 * Request and turn logging middleware. One line per request when its response starts
 * (`msg: "request"`), and for streaming answers one more when the stream ends (`msg: "turn"`):
 * ChatKit request type, thread id, a keyed hash of the user, duration, chart commands and tool
 * calls sent, error code. What the user typed and the chart context they sent are logged only
 * at debug level; tokens and keys never (the logger redacts them anyway). Everything comes from
 * the typed values the protocol core publishes (server/chatkit/observer.ts), never from bytes.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { OBSERVER_KEY, type RequestInfo, type StreamOutcome } from '../chatkit/observer.js';
import type { LogFields, Logger } from './logger.js';
import { TurnTally } from './turn-tally.js';
import type { UserHasher } from './user-hash.js';

export interface RequestLogOptions {
  readonly logger: Logger;
  readonly hashUser: UserHasher;
  /** The resolved user of the request, once auth has run (`undefined` if it never did). */
  readonly userOf: (c: Context) => string | undefined;
}

export function requestLog(options: RequestLogOptions): MiddlewareHandler {
  const { logger, hashUser, userOf } = options;
  return async (c, next) => {
    const started = performance.now();
    const debug = logger.enabled('debug');
    // The protocol core tells us what it parsed and streamed; no bytes are read or parsed here.
    let request: RequestInfo | undefined;
    let tally: TurnTally | undefined;
    let turnEnded: ((outcome: StreamOutcome) => void) | undefined;
    let endedEarly: StreamOutcome | undefined;
    c.set(OBSERVER_KEY, {
      request: (info) => void (request = info),
      event: (event) => (tally ??= new TurnTally({ keepCommands: debug, started })).push(event),
      end: (outcome) => (turnEnded ? turnEnded(outcome) : (endedEarly = outcome)),
    });
    await next();

    const user = userOf(c);
    const base: LogFields = {
      ...(request?.type !== undefined && { type: request.type }),
      ...(request?.threadId !== undefined && { thread_id: request.threadId }),
      ...(user !== undefined && { user: await hashUser(user) }),
    };
    const status = c.res.status;
    const errorCode = status >= 400 ? await readErrorCode(c.res) : undefined;
    const line: LogFields = {
      method: c.req.method,
      path: c.req.path,
      status,
      duration_ms: Math.round(performance.now() - started),
      ...base,
      ...(errorCode !== undefined && { error_code: errorCode }),
      ...(debug && request !== undefined && debugFields(request.body)),
    };
    if (status >= 500) logger.error('request', line);
    else logger.info('request', line);

    if (!c.res.body || !(c.res.headers.get('content-type') ?? '').startsWith('text/event-stream')) return;
    turnEnded = (outcome) => {
      const stats = tally?.stats ?? { events: 0, chartCommands: 0, toolCalls: 0 };
      const turn: LogFields = {
        ...base,
        ...(stats.threadId !== undefined && { thread_id: stats.threadId }),
        duration_ms: Math.round(performance.now() - started),
        ...(stats.firstEventMs !== undefined && { first_event_ms: stats.firstEventMs }),
        events: stats.events,
        chart_commands: stats.chartCommands,
        tool_calls: stats.toolCalls,
        outcome,
        ...(stats.errorCode !== undefined && { error_code: stats.errorCode }),
        ...(debug && { commands: stats.commands ?? [] }),
      };
      if (stats.errorCode !== undefined || outcome === 'error') logger.warn('turn', turn);
      else logger.info('turn', turn);
    };
    if (endedEarly !== undefined) turnEnded(endedEarly);
  };
}

/** At debug level: the user's text and a summary of the chart context, from the parsed body. */
function debugFields(body: unknown): LogFields {
  if (!isRecord(body)) return {};
  return debugFieldsOf(isRecord(body['params']) ? body['params'] : {}, isRecord(body['metadata']) ? body['metadata'] : {});
}

function debugFieldsOf(params: Record<string, unknown>, metadata: Record<string, unknown>): LogFields {
  const fields: LogFields = {};
  const input = isRecord(params['input']) ? params['input'] : undefined;
  const content = input && Array.isArray(input['content']) ? input['content'] : [];
  const text = content
    .map((part) => (isRecord(part) && typeof part['text'] === 'string' ? part['text'] : ''))
    .join('')
    .slice(0, 4000);
  if (text) fields['text'] = text;
  const context = metadata['chart_context'];
  if (isRecord(context)) {
    const bars = Array.isArray(context['bars']) ? context['bars'] : [];
    fields['chart_context'] = {
      symbol: context['symbol'],
      timeframe: context['timeframe'],
      visible_range: context['visibleRange'],
      last_price: context['lastPrice'],
      bars: bars.length,
      last_bar: bars[bars.length - 1],
      indicators: context['indicators'],
      drawings: Array.isArray(context['drawings']) ? context['drawings'].length : undefined,
    };
  }
  return fields;
}

async function readErrorCode(res: Response): Promise<string | undefined> {
  if (!(res.headers.get('content-type') ?? '').includes('json') || !res.body) return undefined;
  try {
    const body: unknown = await res.clone().json();
    if (isRecord(body) && isRecord(body['error']) && typeof body['error']['code'] === 'string') return body['error']['code'].slice(0, 64);
  } catch {
    // Not our error shape.
  }
  return undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
