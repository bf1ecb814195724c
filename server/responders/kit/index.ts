/**
 * The responder kit: the one set of builders every responder (ours and integrators') uses to
 * stream assistant messages, chart-command effects and titles the way the reference does.
 */
export { AssistantMessageWriter, streamAssistantMessage } from './assistant-message.js';
export { CHART_COMMAND_EFFECT, chartCommandEffect } from './effects.js';
export { sleep } from './sleep.js';
export { chunkText, titleFrom, userMessageText, userText, wordChunks } from './text.js';
