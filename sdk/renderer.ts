/** The contract between `<chart-chat>` and the UI it hosts (ChatKit or the lite renderer). */
import type { TemplateResult, ReactiveControllerHost } from 'lit';
import type { BridgeHost } from './bridge.js';
import type { RendererKind } from './events.js';

/** A starter prompt: a string, or a label shown for a longer prompt that is sent. */
export type ChartChatPrompt = string | { label: string; prompt: string };

/** What a renderer may read from the element. */
export interface RendererHost extends BridgeHost, ReactiveControllerHost {
  readonly apiUrl: string;
  readonly domainKey?: string | undefined;
  readonly theme?: 'light' | 'dark' | undefined;
  readonly locale?: string | undefined;
  readonly placeholder?: string | undefined;
  readonly greeting?: string | undefined;
  readonly prompts: ChartChatPrompt[];
  /** The protocol fetch: identity headers, chart context, session renewal. */
  readonly transport: typeof fetch;
  readonly renderRoot: HTMLElement | DocumentFragment;
  /** Dispatches `chart-chat-error` with `code` and the error's message. */
  reportError(code: string, error: unknown): void;
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

export const promptParts = (p: ChartChatPrompt) => (typeof p === 'string' ? { label: p, prompt: p } : p);
