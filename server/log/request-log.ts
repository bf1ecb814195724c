/**
 * Request and turn logging middleware. One line per request when its response starts
 * (`msg: "request"`), and for streaming answers one more when the stream ends (`msg: "turn"`):
 * ChatKit request type, thread id, a keyed hash of the user, duration, chart commands and tool
 * calls sent, error code. What the user typed and the chart context they sent are logged only
 * at debug level; tokens and keys never (the logger redacts them anyway).
 */
import type { Context, MiddlewareHandler } from 'hono';
import { tapBody } from '../security/body-tap.js';
import type { LogFields, Logger } from './logger.js';
import { StreamObserver } from './stream-observer.js';
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
    await next();

    const request = await readChatKitRequest(c, debug);
    const user = userOf(c);
    const base: LogFields = {
      ...(request.type !== undefined && { type: request.type }),
      ...(request.threadId !== undefined && { thread_id: request.threadId }),
      ...(user !== undefined && { user: await hashUser(user) }),
    };
    const status = c.res.status;
    const errorCode = status >= 400 ? await readErrorCode(c.res) : undefined;
    const line: LogFields = {
      method: c.req.method,
      path: new URL(c.req.url).pathname,
      status,
      duration_ms: Math.round(performance.now() - started),
      ...base,
      ...(errorCode !== undefined && { error_code: errorCode }),
      ...(debug && request.debug),
    };
    if (status >= 500) logger.error('request', line);
    else logger.info('request', line);

    const body = c.res.body;
    if (!body || !(c.res.headers.get('content-type') ?? '').startsWith('text/event-stream')) return;
    const observer = new StreamObserver({ keepCommands: debug });
    c.res = new Response(
      tapBody(body, {
        chunk: (bytes) => {
          observer.push(bytes);
          return bytes;
        },
        end: (outcome) => {
          const stats = observer.stats;
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
            ...(debug && { commands: stats.commands }),
          };
          if (stats.errorCode !== undefined || outcome === 'error') logger.warn('turn', turn);
          else logger.info('turn', turn);
        },
      }),
      c.res,
    );
  };
}

interface ChatKitRequestInfo {
  type?: string;
  threadId?: string;
  /** Only filled at debug level: the user's text and a summary of the chart context. */
  debug?: LogFields;
}

/**
 * The ChatKit op and thread of this request, from the body the handler already parsed (Hono
 * caches it); a body nobody read (rejected before the handler) is not read here either.
 */
async function readChatKitRequest(c: Context, debug: boolean): Promise<ChatKitRequestInfo> {
  const cache = c.req.bodyCache as { json?: Promise<unknown>; text?: Promise<string>; arrayBuffer?: Promise<ArrayBuffer> };
  let body: unknown;
  try {
    if (cache.json) body = await cache.json;
    else if (cache.text) body = JSON.parse(await cache.text);
    else if (cache.arrayBuffer) body = JSON.parse(new TextDecoder().decode(await cache.arrayBuffer));
    else return {};
  } catch {
    return {};
  }
  if (!isRecord(body)) return {};
  const params = isRecord(body['params']) ? body['params'] : {};
  const info: ChatKitRequestInfo = {};
  if (typeof body['type'] === 'string' && body['type'].length <= 64) info.type = body['type'];
  if (typeof params['thread_id'] === 'string' && params['thread_id'].length <= 128) info.threadId = params['thread_id'];
  if (debug) info.debug = debugFields(params, isRecord(body['metadata']) ? body['metadata'] : {});
  return info;
}

function debugFields(params: Record<string, unknown>, metadata: Record<string, unknown>): LogFields {
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
