/**
 * The responders behind `/api/chatkit`, and the choice between them from the environment:
 * `OPENAI_API_KEY` set → {@link OpenAIResponder} (with `OPENAI_BASE_URL`, `OPENAI_MODEL`,
 * `OPENAI_MAX_RETRIES`, `OPENAI_TIMEOUT_MS`), otherwise the offline {@link AnalystResponder}
 * (`ANALYST_CHUNK_DELAY_MS` paces its streamed text).
 */
import { AnalystResponder, type AnalystOptions } from './analyst/analyst.js';
import { DEFAULT_MODEL, OpenAIResponder, type OpenAIResponderOptions } from './openai/openai-responder.js';
import type { Responder } from '../chatkit/responder.js';

export { AnalystResponder, type AnalystOptions } from './analyst/analyst.js';
export { OpenAIResponder, DEFAULT_MODEL, type OpenAIResponderOptions } from './openai/openai-responder.js';
export { CHART_COMMAND_EFFECT } from './kit/index.js';
export { extractTextCommands, TextCommandExtractor } from './text-commands.js';
export type { Responder, ResponderContext } from '../chatkit/responder.js';

export type ResponderEnv = Record<string, string | undefined>;

/** Picks and configures the responder from environment variables (blank values count as unset). */
export function createResponderFromEnv(env: ResponderEnv): Responder {
  const value = (name: string) => {
    const v = env[name]?.trim();
    return v ? v : undefined;
  };
  const apiKey = value('OPENAI_API_KEY');
  if (!apiKey) {
    const options: AnalystOptions = {};
    const delay = integer(value('ANALYST_CHUNK_DELAY_MS'), 'ANALYST_CHUNK_DELAY_MS');
    if (delay !== undefined) options.chunkDelayMs = delay;
    return new AnalystResponder(options);
  }
  const options: OpenAIResponderOptions = { apiKey, model: value('OPENAI_MODEL') ?? DEFAULT_MODEL };
  const baseURL = value('OPENAI_BASE_URL');
  if (baseURL) options.baseURL = baseURL;
  const retries = integer(value('OPENAI_MAX_RETRIES'), 'OPENAI_MAX_RETRIES');
  if (retries !== undefined) options.maxRetries = retries;
  const timeout = integer(value('OPENAI_TIMEOUT_MS'), 'OPENAI_TIMEOUT_MS');
  if (timeout !== undefined) options.timeoutMs = timeout;
  return new OpenAIResponder(options);
}

function integer(raw: string | undefined, name: string): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a whole number >= 0`);
  return n;
}
