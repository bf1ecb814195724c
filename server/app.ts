/**
 * `createApp(options)`: the chart-chat backend as a runtime-agnostic Hono app
 * (Node, Bun, Deno, Workers), assembled from routers — ChatKit, session, health — wrapped by
 * the security layer's middleware. It never reads the environment: `server/config.ts` does
 * that once, for `server/main.ts`.
 */
import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ActionHandlers, AttachmentStore, FeedbackHandler, Transcriber } from './chatkit/context.js';
import { DEFAULT_MAX_BODY_BYTES } from './chatkit/http-body.js';
import { chatkitRouter, postRouter, type ResolveUser } from './chatkit/http-route.js';
import { ChatKitServer } from './chatkit/server.js';
import type { Responder } from './chatkit/responder.js';
import { withProposalCards } from './responders/proposal-card.js';
import { chartActionRoute } from './chart-action/chart-action-route.js';
import { chatPaths, userEndpoints } from './chat-paths.js';
import { CLIENT_ID_HEADER } from '../sdk/contract/index.js';
import { clientIdOf, deviceUser } from './security/auth.js';
import { securityLayer, type SecurityOptions } from './security/layer.js';
import { createTokenSigner } from './security/token.js';
import { sessionRouter, type SessionOptions } from './session/session-route.js';
import { errorResponse, RequestError, type ErrorStatus } from './wire/request-error.js';
import { MemoryStore } from './store/memory-store.js';
import type { Store } from './store/store.js';

/** Security and logging fields (`cors`, `rateLimit`, `logger`, `trustProxy`, `secrets`): see ./security/layer.ts. */
export interface AppOptions extends SecurityOptions {
  /** Signed client sessions and `POST /api/session`. Without it, identity is the anonymous client id. */
  session?: SessionOptions;
  /** The brain: answers user messages and tool-output continuations. */
  responder: Responder;
  /** Threads and items. Default: a fresh in-memory store. */
  store?: Store;
  /**
   * The user id every thread is scoped to. Default: the session token's user when `session` is
   * set, else the element's per-browser `X-Chart-Chat-Client` id ({@link anonymousClientUser});
   * a request with neither is refused (401 `missing_identity`), never mapped to a shared user.
   * May throw a `RequestError` (e.g. 401).
   */
  resolveUser?: ResolveUser;
  /** Two-phase attachment uploads; absent → `attachments.*` answer 400 not_supported. */
  attachments?: AttachmentStore;
  /** Dictation; absent → `input.transcribe` answers 400 not_supported. */
  transcribe?: Transcriber;
  /** Widget actions; absent → `custom_action` streams an error event, `sync_custom_action` is 400 not_supported. */
  actions?: ActionHandlers;
  /** `items.feedback` sink (default: accepted and dropped, like chatkit-python). */
  feedback?: FeedbackHandler;
  /**
   * The protocol endpoint. Default `/api/chatkit`. `<path>/proxy` is the same endpoint,
   * `<path>/chart-action` answers one question without a thread, and `<path>/session` is the
   * session endpoint when sessions are on.
   */
  path?: string;
  /** Request bodies above this are refused with 413. Default 1 MiB. */
  maxBodyBytes?: number;
  /** `stream_options.allow_cancel`. Default true. */
  allowCancel?: boolean;
  /** Middleware run before every route (CORS, sessions, rate limits, logging...), in order. */
  middleware?: MiddlewareHandler[];
  /** A thread's stream lease not renewed for this long is taken over (its instance died). Default 10 s. */
  streamLeaseMs?: number;
  /**
   * Aborting it ends every open stream: each saves its partial answer and sends a final
   * `error` event; new streams get 503. For a graceful shutdown (`npm start` on SIGTERM).
   */
  shutdownSignal?: AbortSignal;
  /** Unexpected server-side failures. Default: console.error. */
  log?: (message: string, error: unknown) => void;
}

export { CLIENT_ID_HEADER };

/**
 * The element's per-browser client id as a user id (`client:<id>`), for your own `resolveUser`.
 * Fails closed: without a well-formed id (32-64 chars of [A-Za-z0-9_-]) it throws a 401 — there
 * is no shared "anonymous" user.
 */
export function anonymousClientUser(c: Context): string {
  const id = clientIdOf(c);
  if (id === undefined) throw new RequestError(401, 'missing_identity', 'Send an X-Chart-Chat-Client id of 32-64 characters [A-Za-z0-9_-].');
  return deviceUser(id);
}

/**
 * Builds the chart-chat backend.
 *
 * @example
 * ```ts
 * import { serve } from '@hono/node-server';
 * import { createApp, EchoResponder } from 'chart-chat/server';
 *
 * const app = createApp({ responder: new EchoResponder() }); // POST /api/chatkit, GET /healthz
 * serve({ fetch: app.fetch, port: 8787 });
 * ```
 */
export function createApp(options: AppOptions): Hono {
  const log = options.log ?? defaultLog(options);
  const server = new ChatKitServer({
    // ChatKit pages in confirm mode get a proposal card after a turn that sent commands.
    responder: withProposalCards(options.responder),
    store: options.store ?? new MemoryStore(),
    log,
    ...(options.attachments ? { attachments: options.attachments } : {}),
    ...(options.transcribe ? { transcribe: options.transcribe } : {}),
    ...(options.actions ? { actions: options.actions } : {}),
    ...(options.feedback ? { feedback: options.feedback } : {}),
    ...(options.allowCancel !== undefined ? { allowCancel: options.allowCancel } : {}),
    ...(options.streamLeaseMs !== undefined ? { leaseTtlMs: options.streamLeaseMs } : {}),
  });
  options.shutdownSignal?.addEventListener('abort', () => void server.shutdown(), { once: true });
  const paths = chatPaths(options.path);

  const session = options.session;
  const tokens = session && createTokenSigner({ secret: session.secret, ...(session.ttlSeconds !== undefined && { ttlSeconds: session.ttlSeconds }) });
  // Rate limits live in the store's database when it has one: one limit across instances.
  const shared = server.store.rateBuckets;
  const rateLimit = options.rateLimit && shared && !options.rateLimit.shared ? { ...options.rateLimit, shared } : options.rateLimit;
  const security = securityLayer(
    { ...options, ...(rateLimit && { rateLimit }), secrets: [...(options.secrets ?? []), ...(options.responder.secrets ?? [])] },
    { ...(tokens && { tokens, requireSession: session.requireSession ?? false, logKey: session.secret }), ownResolveUser: options.resolveUser !== undefined },
  );

  const app = new Hono();
  app.use('*', ...security.everyResponse);
  app.use('/api/*', ...security.api);
  app.use('/dist/*', ...security.assets);
  if (session && tokens) app.route('/', sessionRouter(session, tokens, { aliases: [paths.session], ipKey: security.ipKey, ...(options.logger && { logger: options.logger }) }));
  for (const path of userEndpoints(paths)) app.use(path, ...security.chatkit);
  app.use('*', ...(options.middleware ?? []));
  app.get('/healthz', (c) => c.json({ ok: true }));
  const resolveUser = options.resolveUser ?? security.resolveUser;
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  app.route('/', chatkitRouter(server, { paths: [paths.chatkit, paths.proxy], resolveUser, maxBodyBytes }));
  app.route('/', postRouter([paths.chartAction], chartActionRoute({ responder: options.responder, resolveUser, maxBodyBytes, log, ...(server.store.usage && { usage: server.store.usage }) })));
  app.notFound(() => errorResponse(new RequestError(404, 'not_found', 'no such route')));
  app.onError((error) => {
    if (error instanceof RequestError) return errorResponse(error);
    if (error instanceof HTTPException) {
      // Hono's own middleware (and integrators') refuse with HTTPException: same JSON answer.
      return errorResponse(new RequestError(error.status as ErrorStatus, httpCode(error.status), error.message || 'request refused'));
    }
    log('unhandled error', error);
    return errorResponse(new RequestError(500, 'internal_error', 'internal server error'));
  });
  return app;
}

/** Unexpected failures go to the structured logger when one is configured, else to stderr. */
function defaultLog(options: AppOptions): (message: string, error: unknown) => void {
  const logger = options.logger;
  if (logger && logger.level !== 'silent') {
    return (message, error) =>
      logger.error(message, { error: error instanceof Error ? `${error.name}: ${error.message}` : String(error), stack: error instanceof Error ? error.stack : undefined });
  }
  return (message, error) => console.error(`[chart-chat] ${message}:`, error);
}

function httpCode(status: number): string {
  return { 400: 'bad_request', 401: 'unauthorized', 403: 'forbidden', 404: 'not_found', 413: 'payload_too_large', 429: 'rate_limited' }[status] ?? 'error';
}
