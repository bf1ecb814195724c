/**
 * Errors a responder may throw once a stream has started. They become `error` stream events
 * (chatkit-python's `StreamError` / `CustomStreamError`). Anything else thrown becomes
 * `{code: "stream.error", allow_retry: true}`.
 */
import { RequestError } from '../wire/request-error.js';

/** A coded stream error; `stream.error` defaults to retryable. `detail` is shown to the user as the event's `message`. */
export class StreamError extends Error {
  constructor(
    readonly code: string,
    readonly allowRetry: boolean = code === 'stream.error',
    readonly detail?: string,
  ) {
    super(code);
    this.name = 'StreamError';
  }
}

/** An error with a message the user should see. */
export class CustomStreamError extends Error {
  constructor(
    message: string,
    readonly allowRetry = false,
  ) {
    super(message);
    this.name = 'CustomStreamError';
  }
}

/** Refusals before any stream starts are `RequestError`s (../wire/request-error.ts). */

export const notFound = (what: string): RequestError => new RequestError(404, 'not_found', `${what} not found`);
export const notSupported = (what: string): RequestError => new RequestError(400, 'not_supported', `${what} is not supported by this server`);
