/**
 * Test-only: a stand-in `<openai-chatkit>` (the real one needs OpenAI's CDN). It records every
 * `setOptions` (also in `window.chatkitOptions`, which outlives a removed element) and drives the
 * passed `api.fetch` / `onClientTool` against the real server the way ChatKit does.
 *
 * Like the real one, it loads its frame (an `<iframe>` in an open shadow root) only once it is in
 * the page and has options, then fires `chatkit.ready`. `<html data-chatkit="…">` picks how that goes:
 * - `ready` (default): ready, and stays healthy;
 * - `never`: no ready, ever (a blocked frame);
 * - `refuse`: ready, then a `DomainVerificationRequestError` and its frame removed, as a refused domain key does;
 * - `vanish`: ready, then its frame removed without a word.
 * Used by the element's browser tests and, compiled, by the off-localhost end-to-end test.
 */
import type { ChatKitOptions, CustomApiConfig } from '@openai/chatkit';

export type StandInOptions = ChatKitOptions & { api: CustomApiConfig };
export type WireEvent = { type: string; [key: string]: any };

declare global {
  interface Window {
    chatkitOptions?: StandInOptions[];
  }
}

export class StandInChatKit extends HTMLElement {
  calls: StandInOptions[] = [];
  sent: unknown[] = [];
  threadIds: (string | null)[] = [];
  focused = 0;
  #frame?: HTMLIFrameElement;

  setOptions(options: StandInOptions) {
    this.calls.push(options);
    (window.chatkitOptions ??= []).push(options);
    this.#load();
  }
  connectedCallback() {
    this.#load();
  }
  get options(): StandInOptions {
    return this.calls.at(-1)!;
  }

  #load() {
    if (this.#frame || !this.isConnected || !this.calls.length) return;
    const root = this.shadowRoot ?? this.attachShadow({ mode: 'open' });
    root.append((this.#frame = document.createElement('iframe')));
    this.#frame.title = 'Chat';
    const mode = document.documentElement.dataset['chatkit'] ?? 'ready';
    if (mode === 'never') return;
    setTimeout(() => {
      this.dispatchEvent(new CustomEvent('chatkit.ready', { bubbles: true, composed: true }));
      if (mode === 'vanish') setTimeout(() => this.#frame?.remove(), 30);
      if (mode !== 'refuse') return;
      setTimeout(() => {
        const error = Object.assign(new Error('Domain verification request failed with 401'), { name: 'DomainVerificationRequestError' });
        this.dispatchEvent(new CustomEvent('chatkit.error', { detail: { error } }));
        setTimeout(() => this.#frame?.remove(), 20);
      }, 30);
    }, 10);
  }

  async sendUserMessage(message: unknown) {
    this.sent.push(message);
  }
  async setThreadId(threadId: string | null) {
    this.threadIds.push(threadId);
  }
  async focusComposer() {
    this.focused++;
  }

  /** One protocol request through the element's api.fetch, the way ChatKit sends it. */
  async request(body: object): Promise<WireEvent[]> {
    const { api } = this.options;
    const res = await api.fetch!(api.url, {
      method: 'POST',
      headers: new Headers({ 'Content-Type': 'application/json', 'Accept-Language': 'en', 'X-Caller': 'kept' }),
      body: JSON.stringify(body),
    });
    if (res.status !== 200) throw new Error(`HTTP ${res.status}: ${await res.text()}`);
    return (await res.text())
      .split('\n\n')
      .filter(Boolean)
      .map((frame) => JSON.parse(frame.slice('data: '.length)));
  }

  /** A user turn as ChatKit runs it: stream, show effects, run a pending client tool, post its output. */
  async converse(text: string): Promise<WireEvent[]> {
    const input = { content: [{ type: 'input_text', text }], attachments: [], inference_options: {} };
    let events = await this.request({ type: 'threads.create', params: { input }, metadata: { from: 'chatkit' } });
    const all = [...events];
    const threadId = all.find((e) => e.type === 'thread.created')!.thread.id;
    for (;;) {
      for (const e of events.filter((e) => e.type === 'client_effect')) this.effect(e.name, e.data);
      const call = events.find((e) => e.type === 'thread.item.done' && e.item.type === 'client_tool_call' && e.item.status === 'pending');
      if (!call) return all;
      const result = await this.options.onClientTool!({ name: call.item.name, params: call.item.arguments });
      events = await this.request({ type: 'threads.add_client_tool_output', params: { thread_id: threadId, result } });
      all.push(...events);
    }
  }

  effect(name: string, data?: unknown) {
    this.dispatchEvent(new CustomEvent('chatkit.effect', { detail: { name, data } }));
  }
}

if (!customElements.get('openai-chatkit')) customElements.define('openai-chatkit', StandInChatKit);

/** The assistant's final texts in a stream. */
export const answerOf = (events: WireEvent[]) =>
  events.filter((e) => e.type === 'thread.item.done' && e.item.type === 'assistant_message').map((e) => e.item.content[0].text);
