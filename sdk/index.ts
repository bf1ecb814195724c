/**
 * chart-chat: the `<chart-chat>` element (registered on import), its events and the chart contract.
 * @packageDocumentation
 */
import './define.js';

export { ChartChat } from './chart-chat.js';
export { ChartCommandEvent, ChartCommandErrorEvent } from './events.js';
export type {
  ChartChatEffectDetail,
  ChartChatErrorCode,
  ChartChatErrorDetail,
  ChartChatEventMap,
  ChartChatReadyDetail,
  ChartChatThreadChangeDetail,
  ChartCommandErrorDetail,
  RendererKind,
} from './events.js';
export * from './contract/index.js';
export type { ChartChatOptions, ChartChatPrompt, ChatKitPassThrough, LiteStrings, RendererMode } from './options.js';
export { DEFAULT_CHATKIT_SRC } from './options.js';
