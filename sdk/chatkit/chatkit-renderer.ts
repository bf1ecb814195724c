/**
 * The ChatKit renderer: hosts `<openai-chatkit>`, hands it a complete options object on every
 * change (ChatKit replaces options, it never merges) and turns its DOM events into ours.
 * Callbacks are stable and read the element's live state, so context changes need no setOptions.
 */
import { handleEffect, runClientTool } from '../bridge.js';
import { fire } from '../events.js';
import { promptParts, type Renderer, type RendererHost } from '../renderer.js';

/** The part of ChatKit's element API we use (full types: `@openai/chatkit`). */
export interface ChatKitElement extends HTMLElement {
  setOptions(options: object): void;
  sendUserMessage(message: { text: string; newThread?: boolean }): Promise<void>;
  setThreadId(threadId: string | null): Promise<void>;
  focusComposer(): Promise<void>;
}

/** Used when `domain-key` is unset: ChatKit skips domain verification on localhost but needs a non-empty key. */
export const DEV_DOMAIN_KEY = 'local-dev';

export class ChatKitRenderer implements Renderer {
  readonly kind = 'chatkit';
  threadId: string | null = null;
  readonly element = document.createElement('openai-chatkit') as unknown as ChatKitElement;

  constructor(private readonly host: RendererHost) {
    const on = <D>(type: string, listener: (detail: D) => void) =>
      this.element.addEventListener(type, (e) => listener((e as CustomEvent<D>).detail));
    this.element.setAttribute('part', 'chatkit');
    on<{ name?: unknown; data?: unknown }>('chatkit.effect', (d) => {
      if (typeof d?.name === 'string') handleEffect(host, d.name, d.data);
    });
    on('chatkit.ready', () => fire(host, 'chart-chat-ready', { renderer: 'chatkit' }));
    on<{ error?: unknown } | undefined>('chatkit.error', (d) => host.reportError('chatkit_error', d?.error));
    on('chatkit.response.start', () => fire(host, 'chart-chat-response-start', null));
    on('chatkit.response.end', () => fire(host, 'chart-chat-response-end', null));
    on<{ threadId?: string | null }>('chatkit.thread.change', (d) => {
      this.threadId = d?.threadId ?? null;
      fire(host, 'chart-chat-thread-change', { threadId: this.threadId });
    });
  }

  /** The whole option set, rebuilt from the element's current state. */
  options() {
    const h = this.host;
    const prompts = h.prompts.map(promptParts);
    return {
      api: { url: h.apiUrl, domainKey: h.domainKey || DEV_DOMAIN_KEY, fetch: h.transport },
      theme: h.theme ?? 'light',
      ...(h.locale ? { locale: h.locale } : {}),
      composer: h.placeholder ? { placeholder: h.placeholder } : {},
      startScreen: { ...(h.greeting ? { greeting: h.greeting } : {}), prompts },
      onClientTool: ({ name, params }: { name: string; params: unknown }) => runClientTool(h, name, params),
    };
  }

  render() {
    return this.element;
  }

  update() {
    this.element.setOptions(this.options());
  }

  sendMessage(text: string) {
    return this.element.sendUserMessage({ text });
  }

  newThread() {
    void this.element.setThreadId(null);
  }

  focusComposer() {
    void this.element.focusComposer();
  }

  dispose() {}
}
