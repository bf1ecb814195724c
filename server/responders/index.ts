/**
 * The responders behind `/api/chatkit`: {@link OpenAIResponder} and the offline
 * {@link AnalystResponder}. `server/config.ts` picks one from the environment.
 */
export { AnalystResponder, type AnalystOptions } from './analyst/analyst.js';
export { OpenAIResponder, DEFAULT_MODEL, type OpenAIResponderOptions } from './openai/openai-responder.js';
export { CHART_COMMAND_EFFECT } from './kit/index.js';
export { extractTextCommands, TextCommandExtractor } from './text-commands.js';
export type { Responder, ResponderContext } from '../chatkit/responder.js';
