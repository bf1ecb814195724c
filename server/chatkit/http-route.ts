/**
 * The `POST /api/chatkit` handler: body → user/context → `ChatKitServer.process` → JSON or SSE.
 * Streaming is decided from the request `type`, never from `Accept`. Every refusal is a 4xx
 * `{error: {code, message}}` that never echoes the body.
 */
import { Hono, type Context, type Handler } from 'hono';
import * as v from 'valibot';
import { BARS_HEADER, BarsHash, ChartClient, CLIENT_METADATA, CommandOutcomes, OUTCOMES_METADATA, type ChartContext } from '../../sdk/contract/index.js';
import { parseChartContext } from './chart-context.js';
import type { RequestContext } from './context.js';
import { errorResponse, RequestError } from '../wire/request-error.js';
import { readJsonBody } from './http-body.js';
import { OBSERVER_KEY, requestInfo } from './observer.js';
import { describeRequestIssues } from './requests.js';
import type { ChatKitServer } from './server.js';
import { sseResponse } from './sse.js';

export type ResolveUser = (c: Context) => string | Promise<string>;

export interface ChatKitRouteOptions {
  resolveUser: ResolveUser;
  maxBodyBytes: number;
}

/** The ChatKit router: `POST` on each path answers the protocol. */
export function chatkitRouter(server: ChatKitServer, options: ChatKitRouteOptions & { paths: readonly string[] }): Hono {
  return postRouter(options.paths, chatkitRoute(server, options));
}

/** A router that answers `POST` on each path with `handler`, and any other method there with 405. */
export function postRouter(paths: readonly string[], handler: Handler): Hono {
  const router = new Hono();
  for (const path of paths) {
    router.post(path, handler);
    router.all(path, () => errorResponse(new RequestError(405, 'method_not_allowed', 'use POST', { Allow: 'POST' })));
  }
  return router;
}

export function chatkitRoute(server: ChatKitServer, options: ChatKitRouteOptions): Handler {
  return async (c) => {
    try {
      const observer = c.get(OBSERVER_KEY);
      const body = await readJsonBody(c.req.raw, options.maxBodyBytes);
      observer?.request?.(requestInfo(body));
      const { chartContext, barsHash } = chartContextOf(body);
      const loop = chartLoopOf(body);
      const user = await options.resolveUser(c);
      const locale = localeOf(c.req.header('accept-language'));
      const ctx: RequestContext = {
        user,
        signal: c.req.raw.signal,
        ...(chartContext ? { chartContext } : {}),
        ...(barsHash ? { barsHash } : {}),
        ...loop,
        ...(locale ? { locale } : {}),
      };
      const result = await server.process(body, ctx);
      switch (result.kind) {
        case 'json':
          return c.json(result.body as object, 200);
        case 'stream': {
          const response = sseResponse(result.events, observer);
          if (result.barsStored) response.headers.set(BARS_HEADER, result.barsStored);
          return response;
        }
      }
    } catch (error) {
      if (error instanceof RequestError) return errorResponse(error);
      throw error;
    }
  };
}

/**
 * `metadata.chart_context`, validated and capped by the shared contract. Its `bars` may be the
 * hash of the bars stored for the thread instead (docs/protocol.md §6): the context comes back
 * without bars, and the hash beside it, for the protocol core to resolve.
 */
function chartContextOf(body: unknown): { chartContext?: ChartContext; barsHash?: string } {
  if (!isRecord(body) || !isRecord(body.metadata)) return {};
  const raw = body.metadata.chart_context;
  if (raw === undefined || raw === null) return {};
  if (!isRecord(raw) || typeof raw.bars !== 'string') return { chartContext: validChartContext(raw, 'metadata.chart_context') };
  const hash = v.safeParse(BarsHash, raw.bars);
  if (!hash.success) throw new RequestError(400, 'invalid_chart_context', describeRequestIssues(hash.issues, 'metadata.chart_context.bars').slice(0, 400));
  return { chartContext: validChartContext({ ...raw, bars: undefined }, 'metadata.chart_context'), barsHash: hash.output };
}

/** A chart context from a request, validated and capped by the shared contract, else 400 `invalid_chart_context`. */
export function validChartContext(raw: unknown, where: string): ChartContext {
  const parsed = parseChartContext(raw);
  if (parsed.success) return parsed.output;
  // Described by our own function: the contract's message may quote what the client sent.
  throw new RequestError(400, 'invalid_chart_context', describeRequestIssues(parsed.issues, where).slice(0, 400));
}

/** `metadata.chart_client` and `metadata.chart_outcomes`: what the page accepts and what it did with earlier commands. */
function chartLoopOf(body: unknown): Pick<RequestContext, 'chartClient' | 'commandOutcomes'> {
  if (!isRecord(body) || !isRecord(body.metadata)) return {};
  const loop: { chartClient?: ChartClient; commandOutcomes?: v.InferOutput<typeof CommandOutcomes> } = {};
  for (const [key, schema] of [[CLIENT_METADATA, ChartClient], [OUTCOMES_METADATA, CommandOutcomes]] as const) {
    const raw = body.metadata[key];
    if (raw === undefined || raw === null) continue;
    const parsed = v.safeParse(schema, raw);
    if (!parsed.success) throw new RequestError(400, 'invalid_request', describeRequestIssues(parsed.issues, `metadata.${key}`).slice(0, 400));
    if (key === CLIENT_METADATA) loop.chartClient = parsed.output as ChartClient;
    else if ((parsed.output as unknown[]).length > 0) loop.commandOutcomes = parsed.output as v.InferOutput<typeof CommandOutcomes>;
  }
  return loop;
}

/** The first language tag of `Accept-Language` (the client sends its one active locale). */
export function localeOf(header: string | undefined): string | undefined {
  const tag = header?.split(',')[0]?.split(';')[0]?.trim();
  return tag && /^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$/.test(tag) ? tag : undefined;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
