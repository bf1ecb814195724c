/**
 * The lite renderer: a small chat UI over our own ChatKit-protocol client. Works offline and
 * under a strict CSP (no remote script, no inline HTML). Lives in its own chunk.
 */
import { html, nothing, type ReactiveController } from 'lit';
import { promptParts, type Renderer, type RendererHost } from '../renderer.js';
import type { CommandLoop } from '../loop/command-loop.js';
import { Conversation, type Message } from './conversation.js';
import { MarkdownStream } from './markdown.js';
import { liteStyles } from './styles.js';
import { languageOf, stringsFor, type LiteStrings } from './strings.js';
import { turnCard } from './turn-card.js';

export class LiteRenderer implements Renderer, ReactiveController {
  readonly kind = 'lite';
  readonly conversation: Conversation;
  #loop?: CommandLoop;
  /** Each assistant message's Markdown, kept between renders so a delta re-parses only its last block. */
  #markdown = new WeakMap<Message, MarkdownStream>();
  #renderStart = 0;
  #idleUntil = 0;
  #timer?: ReturnType<typeof setTimeout>;

  constructor(private readonly host: RendererHost) {
    this.conversation = new Conversation(host, () => this.#changed(), () => this.strings);
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

  /**
   * While an answer streams, renders are paced by what they cost: after a render that took t ms
   * the next one waits t ms, and the deltas that arrive meanwhile are shown together. A block that
   * is costly to lay out (one 100,000-character line takes tens of ms) then slows the updates
   * down instead of freezing the page. The first change, and the one that ends the answer, render
   * at once.
   */
  #changed() {
    const wait = this.#idleUntil - performance.now();
    if (wait <= 0 || !this.conversation.busy) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
      this.host.requestUpdate();
    } else
      this.#timer ??= setTimeout(() => {
        this.#timer = undefined;
        this.host.requestUpdate();
      }, wait);
  }

  hostUpdate() {
    this.#renderStart = performance.now();
  }

  hostUpdated() {
    const log = this.#query('.log');
    if (log && this.conversation.busy) log.scrollTop = log.scrollHeight; // also lays out what the render changed
    const start = this.#renderStart;
    this.#pace(start);
    // What the rest of the update does (other controllers, the element's `updated`) counts too.
    queueMicrotask(() => this.#pace(start));
  }

  #pace(renderStart: number) {
    const now = performance.now();
    this.#idleUntil = now + (now - renderStart);
  }

  hostDisconnected() {
    this.conversation.stop();
    clearTimeout(this.#timer);
    this.#timer = undefined;
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
    this.hostDisconnected();
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
          ? c.messages.map((m, i) => html`${this.#message(m)}${this.#turnCard(m, c.messages[i + 1])}`)
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

  #message(m: Message) {
    const text = m.parts.join('\n\n');
    if (m.role === 'user') return html`<div part="message user-message" class="msg user">${text}</div>`;
    let view = this.#markdown.get(m);
    if (!view) this.#markdown.set(m, (view = new MarkdownStream()));
    return html`<div part="message assistant-message" class="msg assistant" aria-live="polite" aria-busy=${m.streaming ? 'true' : 'false'}>
      ${view.render(text)}
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
