/**
 * chart-chat server: the public API for integrators.
 * `createApp(options)` returns a Hono app speaking the ChatKit custom-backend protocol.
 */
export { createApp, anonymousClientUser, CLIENT_ID_HEADER, type AppOptions } from './app.js';
export { ChatKitServer, type ChatKitServerOptions, type ProcessResult } from './chatkit/server.js';
export { chatkitRoute, chatkitRouter, type ChatKitRouteOptions, type ResolveUser } from './chatkit/http-route.js';
export { sseResponse, SSE_HEADERS } from './chatkit/sse.js';
export type {
  ActionHandlers,
  AttachmentStore,
  FeedbackHandler,
  RequestContext,
  Transcriber,
  TranscribeInput,
  WidgetAction,
} from './chatkit/context.js';
export { CustomStreamError, StreamError } from './chatkit/errors.js';
export { errorResponse, RequestError, type ErrorStatus } from './wire/request-error.js';
export { monotonicNow, newId, newItemId, newThreadId } from './chatkit/ids.js';
// The responder kit: build assistant messages and chart-command effects the way our responders do.
export {
  AssistantMessageWriter,
  CHART_COMMAND_EFFECT,
  chartCommandEffect,
  chunkText,
  sleep,
  streamAssistantMessage,
  titleFrom,
  userMessageText,
  userText,
  wordChunks,
} from './responders/kit/index.js';
export { diffWidget, streamWidget, type WidgetRoot } from './chatkit/widgets.js';
export type * from './wire/types.js';
export type { Responder, ResponderContext } from './chatkit/responder.js';
export { EchoResponder } from './responders/echo.js';
export { MemoryStore, type MemoryStoreOptions } from './store/memory-store.js';
// PostgreSQL stores (PGlite or a server): the engines are optional peer dependencies, loaded on use.
export { SqlStore } from './store/sql/sql-store.js';
export { migrate, SCHEMA_VERSION } from './store/sql/migrations.js';
export { openPglite, type PgliteOptions } from './store/sql/pglite-engine.js';
export { openPostgres, type PgOptions } from './store/sql/pg-engine.js';
export type { SqlClient, SqlQuery } from './store/sql/sql-client.js';
export { DEFAULT_STORE_LIMITS, type StoreLimits } from './store/limits.js';
export { MemoryLeases, type StreamLeases, type RenewResult } from './store/leases.js';
export { MemoryUsageCounters, usageDay, type UsageCounters, type UsageAdd } from './store/usage.js';
export { storeConfigFromEnv, type StoreConfig } from './store/store-config.js';
export { paginate, type PageQuery, type SortOrder, type Store } from './store/store.js';
// Responders and env configuration, so a deployment can do what `npm start` does (README "Deploying").
export { AnalystResponder, OpenAIResponder, DEFAULT_MODEL, extractTextCommands, TextCommandExtractor } from './responders/index.js';
export type { AnalystOptions, OpenAIResponderOptions } from './responders/index.js';
export { readConfig, type Env, type ServerConfig } from './config.js';
// The client address as the runtime reports it (Node, Bun, Deno, Workers), for your own limits or logs.
export { clientIp, detectRuntime, type Runtime, type TrustProxy } from './security/client-ip.js';
