/**
 * chart-chat: the `<chart-chat>` element (registered on import), its events and the chart contract.
 * @packageDocumentation
 */
import './define.js';

export { ChartChat } from './chart-chat.js';
export * from './events.js';
export * from './contract/index.js';
export type { ChartChatPrompt } from './renderer.js';
export { DEFAULT_CHATKIT_SRC } from './chatkit/loader.js';
