/**
 * Maps failures of the upstream model call to the stream errors the user sees. Messages are
 * ours: the upstream body (which can quote part of the API key) is never passed on.
 */
import OpenAI from 'openai';
import { CustomStreamError } from '../../chatkit/errors.js';

export type UpstreamFailure = 'idle_timeout' | 'cut' | 'failed' | 'error_event';

export function upstreamError(error: unknown): CustomStreamError {
  if (error instanceof CustomStreamError) return error;
  if (error instanceof OpenAI.APIConnectionTimeoutError) return new CustomStreamError('The AI service did not answer in time. Please try again.', true);
  if (error instanceof OpenAI.APIConnectionError) return new CustomStreamError('Could not reach the AI service. Please try again.', true);
  if (error instanceof OpenAI.AuthenticationError || error instanceof OpenAI.PermissionDeniedError) {
    return new CustomStreamError('The AI service rejected this server\'s credentials. The site owner needs to check its OpenAI API key.', false);
  }
  if (error instanceof OpenAI.RateLimitError) return new CustomStreamError('The AI service is busy (rate limited). Please wait a moment and try again.', true);
  if (error instanceof OpenAI.APIError && typeof error.status === 'number') {
    if (error.status >= 500) return new CustomStreamError(`The AI service had an internal error (HTTP ${error.status}). Please try again.`, true);
    return new CustomStreamError(`The AI service refused the request (HTTP ${error.status}).`, false);
  }
  if (error instanceof OpenAI.APIError) return failure('error_event');
  if (error instanceof SyntaxError) return new CustomStreamError('The AI service sent a malformed answer. Please try again.', true);
  return failure('cut');
}

export function failure(kind: UpstreamFailure): CustomStreamError {
  switch (kind) {
    case 'idle_timeout':
      return new CustomStreamError('The AI service stopped responding mid-answer. Please try again.', true);
    case 'failed':
    case 'error_event':
      return new CustomStreamError('The AI service failed while answering. Please try again.', true);
    case 'cut':
      return new CustomStreamError('The connection to the AI service was cut mid-answer. Please try again.', true);
  }
}
