/** The contract between `<chart-chat>` and the UI it hosts (ChatKit or the lite renderer). */
import type { TemplateResult, ReactiveControllerHost } from 'lit';
import type { BridgeHost } from './bridge.js';
import { sessionTokens } from './protocol/session.js';
import type { Transport, TransportHost } from './protocol/transport.js';
import type { ChartChatErrorCode, RendererKind } from './events.js';
import type { ChartChatOptions, ChartChatPrompt } from './options.js';

export type { ChartChatPrompt };

/** What a renderer may read from the element: its options, and a few services. */
export interface RendererHost extends Readonly<ChartChatOptions>, BridgeHost, Pick<TransportHost, 'requestMetadata' | 'sessionTokens'>, ReactiveControllerHost {
  /** The protocol fetch: identity headers, chart context, session renewal. Renderers use it through {@link transportOf}. */
  readonly transport: Transport;
  readonly renderRoot: HTMLElement | DocumentFragment;
  /** Dispatches `chart-chat-error` with `code` and the error's message. */
  reportError(code: ChartChatErrorCode, error: unknown): void;
}

export interface Renderer {
  readonly kind: RendererKind;
  readonly threadId: string | null;
  /** What the element renders in its shadow root. */
  render(): TemplateResult | Node;
  /** Called after the element's options changed (ChatKit needs a fresh `setOptions`). */
  update(): void;
  sendMessage(text: string): Promise<void>;
  newThread(): void;
  focusComposer(): void;
  dispose(): void;
}

/**
 * The element's protocol fetch, once it can mint session tokens: `session.ts` loads with the
 * renderers (in the command loop's chunk), not with the element.
 */
export const transportOf = (host: RendererHost): Transport => ((host.sessionTokens ??= sessionTokens), host.transport);

export const promptParts = (p: ChartChatPrompt) => (typeof p === 'string' ? { label: p, prompt: p } : p);
