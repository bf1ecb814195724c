/**
 * The lite renderer: a small chat UI over our own ChatKit-protocol client. Works offline and
 * under a strict CSP (no remote script, no inline HTML). Lives in its own chunk.
 */
import { html, nothing, type ReactiveController } from 'lit';
import { promptParts, type Renderer, type RendererHost } from '../renderer.js';
import type { CommandLoop } from '../loop/command-loop.js';
import { Conversation, type Message } from './conversation.js';
import { markdown } from './markdown.js';
import { liteStyles } from './styles.js';
import { languageOf, stringsFor, type LiteStrings } from './strings.js';
import { turnCard } from './turn-card.js';

export class LiteRenderer implements Renderer, ReactiveController {
  readonly kind = 'lite';
  readonly conversation: Conversation;
  #loop?: CommandLoop;

  constructor(private readonly host: RendererHost) {
    this.conversation = new Conversation(host, () => host.requestUpdate(), () => this.strings);
    host.addController(this);
    const root = host.renderRoot as ShadowRoot;
    const sheet = liteStyles.styleSheet;
    if (sheet && !root.adoptedStyleSheets.includes(sheet)) root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];
    // Turn cards (proposals, undo) need the command loop: load it with the UI that shows them.
    void host.loop().then((loop) => {
      this.#loop = loop;
      this.conversation.turn = () => loop.turn.id;
      host.requestUpdate();
    });
  }

  /** The UI's words: `strings` over the table entry for the page's language. */
  get strings(): LiteStrings {
    return stringsFor(this.language, this.host.strings);
  }

  get language() {
    return languageOf(this.host, this.host.locale);
  }

  get threadId() {
    return this.conversation.threadId;
  }

  hostUpdated() {
    const log = this.#query('.log');
    if (log && this.conversation.busy) log.scrollTop = log.scrollHeight;
  }

  hostDisconnected() {
    this.conversation.stop();
  }

  update() {}

  sendMessage(text: string) {
    return this.conversation.send(text);
  }

  newThread() {
    this.conversation.reset();
    this.host.requestUpdate();
  }

  focusComposer() {
    this.#query<HTMLTextAreaElement>('textarea')?.focus();
  }

  dispose() {
    this.conversation.stop();
    this.host.removeController(this);
  }

  render() {
    const c = this.conversation;
    const { greeting, placeholder, locale } = this.host;
    const t = this.strings;
    const prompts = this.host.prompts.map(promptParts);
    return html`<div part="lite" class="lite" lang=${locale || nothing}>
      <div part="header" class="header">
        <button part="new-thread-button" type="button" @click=${() => this.newThread()}>${t.newThread}</button>
      </div>
      <div part="log" class="log" role="log" aria-label=${t.conversation}>
        ${c.messages.length
          ? c.messages.map((m, i) => html`${renderMessage(m)}${this.#turnCard(m, c.messages[i + 1])}`)
          : html`${greeting ? html`<p part="greeting" class="greeting">${greeting}</p>` : nothing}
            ${prompts.length
              ? html`<ul part="prompts" class="prompts" aria-label=${t.suggestions}>
                  ${prompts.map(
                    (p) => html`<li><button part="prompt" type="button" @click=${() => void this.sendMessage(p.prompt)}>${p.label}</button></li>`,
                  )}
                </ul>`
              : nothing}`}
        ${c.progress ? html`<p part="progress" class="progress" role="status">${c.progress}</p>` : nothing}
        ${c.notice ? html`<p part="notice" class="notice" role="status" data-level=${c.notice.level}>${c.notice.message}</p>` : nothing}
        ${c.error
          ? html`<div part="error" class="error" role="alert">
              <span>${c.error.message}</span>
              ${c.error.retry ? html`<button part="retry-button" type="button" @click=${c.error.retry}>${t.retry}</button>` : nothing}
            </div>`
          : nothing}
      </div>
      <form part="composer" @submit=${this.#submit}>
        <textarea
          part="input"
          rows="2"
          aria-label=${t.message}
          placeholder=${placeholder ?? t.placeholder}
          @keydown=${this.#keydown}
        ></textarea>
        ${c.busy && c.allowCancel
          ? html`<button part="stop-button" type="button" @click=${() => c.stop()}>${t.stop}</button>`
          : html`<button part="send-button" class="primary" type="submit" ?disabled=${c.busy}>${t.send}</button>`}
      </form>
    </div>`;
  }

  /** Under the last assistant message of an AI turn: its proposal and undo controls. */
  #turnCard(m: Message, next: Message | undefined) {
    const loop = this.#loop;
    const turn = m.turn && next?.turn !== m.turn ? loop?.turns.find((t) => t.id === m.turn) : undefined;
    return loop && turn ? turnCard(loop, turn) : nothing;
  }

  #submit = (e: Event) => {
    e.preventDefault();
    const input = this.#query<HTMLTextAreaElement>('textarea');
    if (!input || this.conversation.busy || !input.value.trim()) return;
    const text = input.value;
    input.value = '';
    void this.sendMessage(text);
  };

  #keydown = (e: KeyboardEvent) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) this.#submit(e);
  };

  #query<T extends Element = HTMLElement>(selector: string) {
    return this.host.renderRoot.querySelector<T>(selector);
  }
}

function renderMessage(m: Message) {
  const text = m.parts.join('\n\n');
  return m.role === 'user'
    ? html`<div part="message user-message" class="msg user">${text}</div>`
    : html`<div part="message assistant-message" class="msg assistant" aria-live="polite" aria-busy=${m.streaming ? 'true' : 'false'}>
        ${markdown(text)}
      </div>`;
}
