/**
 * Request and turn logging middleware. One line per request when its response starts
 * (`msg: "request"`), and for streaming answers one more when the stream ends (`msg: "turn"`):
 * ChatKit request type, thread id, a keyed hash of the user, duration, chart commands and tool
 * calls sent, error code. What the user typed and the chart context they sent are logged only
 * at debug level; tokens and keys never (the logger redacts them anyway).
 */
import type { Context, MiddlewareHandler } from 'hono';
import { tapBody } from '../lib/body-tap.js';
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
    const body = captureRequestBody(c, debug ? DEBUG_CAPTURE_LIMIT : INFO_CAPTURE_LIMIT);
    await next();

    const request = readChatKitRequest(body(), debug);
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

    const stream = c.res.body;
    if (!stream || !(c.res.headers.get('content-type') ?? '').startsWith('text/event-stream')) return;
    const observer = new StreamObserver({ keepCommands: debug });
    c.res = new Response(
      tapBody(stream, {
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
 * Bytes of a request body kept for the log. At info level only the op and thread are read
 * (from the start of the body, where clients put them); at debug level the whole body is parsed
 * for the user's text and the chart context, and bigger bodies fall back to the info view.
 */
const INFO_CAPTURE_LIMIT = 16 * 1024;
const DEBUG_CAPTURE_LIMIT = 256 * 1024;

interface CapturedBody {
  bytes: Uint8Array;
  complete: boolean;
}

/**
 * Copies the request body as the handler reads it (up to `limit` bytes), without reading
 * anything itself: a body the handler never read (refused before it) is not read here either.
 */
function captureRequestBody(c: Context, limit: number): () => CapturedBody | undefined {
  const raw = c.req.raw;
  if (!raw.body || c.req.method === 'GET' || c.req.method === 'HEAD') return () => undefined;
  const chunks: Uint8Array[] = [];
  let kept = 0;
  let total = 0;
  let complete = false;
  const tapped = tapBody(raw.body, {
    chunk: (bytes) => {
      total += bytes.byteLength;
      if (kept < limit) {
        const part = bytes.slice(0, limit - kept);
        chunks.push(part);
        kept += part.byteLength;
      }
      return bytes;
    },
    end: (outcome) => {
      complete = outcome === 'done' && total === kept;
    },
  });
  // Same URL, headers and abort signal; only the body now flows through the tap.
  c.req.raw = new Request(raw, { body: tapped, duplex: 'half' } as RequestInit);
  return () => {
    if (chunks.length === 0) return undefined;
    const bytes = new Uint8Array(chunks.reduce((n, chunk) => n + chunk.byteLength, 0));
    let offset = 0;
    for (const chunk of chunks) {
      bytes.set(chunk, offset);
      offset += chunk.byteLength;
    }
    return { bytes, complete };
  };
}

/** The ChatKit op and thread of this request, from the body bytes the handler read. */
function readChatKitRequest(captured: CapturedBody | undefined, debug: boolean): ChatKitRequestInfo {
  if (!captured) return {};
  const text = new TextDecoder().decode(captured.bytes);
  if (!captured.complete || !debug) {
    // Only the op and thread are needed: read them from the text instead of parsing it all.
    // The op pattern needs a dot, so nested `"type":"input_text"` values never match.
    const info: ChatKitRequestInfo = {};
    const type = /"type"\s*:\s*"((?:threads|items|attachments|input)\.[a-z_.]{1,48})"/.exec(text)?.[1];
    const threadId = /"thread_id"\s*:\s*"([A-Za-z0-9_-]{1,128})"/.exec(text)?.[1];
    if (type !== undefined) info.type = type;
    if (threadId !== undefined) info.threadId = threadId;
    return info;
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
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
