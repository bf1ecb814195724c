/**
 * `POST …/chart-action`: `{query, chart_context}` → `{text, chart_commands}`. The same
 * responder, body limits and validation as the ChatKit endpoint, but no thread: nothing is
 * stored. Refusals are 4xx `{error: {code, message}}`; a failing assistant is a 502.
 */
import type { Handler } from 'hono';
import * as v from 'valibot';
import { CustomStreamError, StreamError } from '../chatkit/errors.js';
import { readJsonBody } from '../chatkit/http-body.js';
import { localeOf, validChartContext, type ResolveUser } from '../chatkit/http-route.js';
import { describeRequestIssues } from '../chatkit/requests.js';
import type { Responder } from '../chatkit/responder.js';
import type { UsageCounters } from '../store/usage.js';
import { errorResponse, RequestError } from '../wire/request-error.js';
import { runChartAction } from './run-chart-action.js';

/** A host button's question is short; a long one belongs in the chat. */
export const MAX_QUERY_CHARS = 4000;

export const ChartActionBody = v.object({
  query: v.pipe(v.string(), v.trim(), v.minLength(1, 'must not be empty'), v.maxLength(MAX_QUERY_CHARS, `must be at most ${MAX_QUERY_CHARS} characters`)),
  chart_context: v.unknown(),
});

export interface ChartActionRouteOptions {
  readonly responder: Responder;
  readonly resolveUser: ResolveUser;
  readonly maxBodyBytes: number;
  readonly log: (message: string, error: unknown) => void;
  /** The store's usage counters (the daily token budget), when it has them. */
  readonly usage?: UsageCounters;
}

export function chartActionRoute(options: ChartActionRouteOptions): Handler {
  return async (c) => {
    try {
      const body = await readJsonBody(c.req.raw, options.maxBodyBytes);
      const parsed = v.safeParse(ChartActionBody, body);
      if (!parsed.success) throw new RequestError(400, 'invalid_request', describeRequestIssues(parsed.issues).slice(0, 400));
      if (parsed.output.chart_context === undefined || parsed.output.chart_context === null) {
        throw new RequestError(400, 'invalid_request', 'chart_context: required');
      }
      const chartContext = validChartContext(parsed.output.chart_context, 'chart_context');
      const user = await options.resolveUser(c);
      const locale = localeOf(c.req.header('accept-language'));
      const result = await runChartAction(options.responder, {
        query: parsed.output.query,
        chartContext,
        user,
        signal: c.req.raw.signal,
        ...(locale ? { locale } : {}),
        ...(options.usage ? { usage: options.usage } : {}),
      });
      return c.json(result, 200, { 'cache-control': 'no-store' });
    } catch (error) {
      if (error instanceof RequestError) return errorResponse(error);
      if (error instanceof CustomStreamError) return errorResponse(new RequestError(502, 'assistant_failed', error.message.slice(0, 400)));
      // A responder's own refusal with a message for the user (the daily token budget): a quota, not a failure.
      if (error instanceof StreamError && error.detail) return errorResponse(new RequestError(429, error.code, error.detail.slice(0, 400)));
      if (!(error instanceof StreamError)) options.log('chart action failed', error);
      return errorResponse(new RequestError(502, 'assistant_failed', 'The assistant could not answer. Try again.'));
    }
  };
}
