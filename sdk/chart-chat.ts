/**
 * `<chart-chat>`: an AI chat that sees the host page's chart and draws on it.
 */
import { LitElement, css, html } from 'lit';
import { CAPABILITIES, parseChartContext, type ChartContext, type ChartContextInput } from './contract/index.js';
import type { PropertyDeclaration } from 'lit';
import type { ChatKitFailure } from './chatkit/chatkit-renderer.js';
import { fire, type ChartChatErrorCode, type RendererKind } from './events.js';
import { DEFAULT_CHATKIT_SRC, type ChartChatOptions } from './options.js';
import { createTransport } from './protocol/transport.js';
import type { Renderer, RendererHost } from './renderer.js';
import type { CommandLoop } from './loop/command-loop.js';

/** Every option, and nothing else, in the properties table (checked by the compiler). */
type OptionsTable = { [K in keyof ChartChatOptions]-?: PropertyDeclaration } & Record<`_${string}`, PropertyDeclaration>;

/**
 * An AI chat about the host page's chart. It sends the chart's context with every message and
 * turns the AI's drawing instructions into validated `chart-command` events.
 *
 * Renders OpenAI ChatKit (`renderer="chatkit"`), its own small UI (`renderer="lite"`: offline,
 * strict CSP) or ChatKit with the lite UI as fallback (`renderer="auto"`, the default): `auto`
 * uses the lite UI when ChatKit cannot load, is not ready within `chatkitTimeout`, fails while it
 * starts, or has no domain key off localhost (ChatKit refuses to load there without one).
 *
 * `chartContext` has replace-the-object semantics: set a new object whenever the chart changes.
 * Mutating the current object in place is not seen. Invalid context is not sent; a
 * `chart-chat-error` with code `invalid_context` reports why (once per object).
 *
 * @summary Chat about a chart; the AI's drawings arrive as `chart-command` events.
 *
 * @attr api-url - ChatKit custom-backend endpoint. Default `/api/chatkit`.
 * @attr session-url - When set, `POST`ed for a short-lived `{token, expires_at}`; the token is sent as `Authorization: Bearer`.
 * @attr domain-key - ChatKit domain key (`domain_pk_…`, platform.openai.com domain allowlist). Needed off localhost; on localhost ChatKit's placeholder is used.
 * @attr renderer - `auto` (default), `chatkit` or `lite`.
 * @attr chatkit-src - URL of ChatKit's script. Default OpenAI's CDN. Changing it remounts.
 * @attr chatkit-timeout - How long ChatKit may take to load and become ready, in ms (default 8000).
 * @attr theme - `light` (default) or `dark`.
 * @attr placeholder - Composer placeholder text.
 * @attr greeting - Greeting shown on a new thread.
 * @attr locale - UI language (BCP 47, e.g. `de-AT`); default the page's `lang`.
 * @attr apply - `auto` (default): the AI's commands apply at once. `confirm`: drawing and navigation arrive as a proposal (`chart-proposal`) the user applies or dismisses.
 * @attr allow - What the AI may do, space-separated: `read` (see the chart), `draw`, `navigate`. Default: all three.
 *
 * @fires {ChartCommandEvent} chart-command - A validated command for the chart (`detail`: the command; `origin`: `ai`, `proposal`, `undo` or `redo`; `turn`). Cancelable: `reject(reason)` or `preventDefault()` refuses it, and the model is told why.
 * @fires {CustomEvent<ChartProposalDetail>} chart-proposal - `apply="confirm"`: what the AI proposes in a turn (`detail`: `{id, status, commands}`); again when it is applied or dismissed.
 * @fires {ChartCommandErrorEvent} chart-command-error - The AI sent an invalid command (`detail`: `{message, data}`); nothing to apply.
 * @fires {CustomEvent<{renderer}>} chart-chat-ready - The chat UI is ready (`detail.renderer`: `chatkit` | `lite`).
 * @fires {CustomEvent<{code, message, error?}>} chart-chat-error - Something failed: `chatkit_unavailable`, `domain_key_required`, `lite_unavailable`, `invalid_context`, `session_failed`, `chatkit_error`, `thread_gone`, `request_failed`, `stream_error`.
 * @fires {CustomEvent<{name, data}>} chart-chat-effect - A client effect other than `chart_command`.
 * @fires {CustomEvent<null>} chart-chat-response-start - The assistant started answering.
 * @fires {CustomEvent<null>} chart-chat-response-end - The assistant finished (or was stopped).
 * @fires {CustomEvent<{threadId}>} chart-chat-thread-change - The shown thread changed (`null`: a new, empty thread).
 *
 * @csspart chatkit - The `<openai-chatkit>` element (ChatKit renderer).
 * @csspart status - Loading / unavailable message.
 * @csspart lite - Lite renderer: the whole UI.
 * @csspart header - Lite: the bar with the new-thread button.
 * @csspart new-thread-button - Lite: starts a new thread.
 * @csspart log - Lite: the scrolling message list.
 * @csspart greeting - Lite: the greeting on an empty thread.
 * @csspart prompts - Lite: the list of starter prompts.
 * @csspart prompt - Lite: one starter prompt button.
 * @csspart message - Lite: every message (also `user-message` or `assistant-message`).
 * @csspart user-message - Lite: a message the user sent.
 * @csspart assistant-message - Lite: an assistant answer.
 * @csspart progress - Lite: the transient progress line.
 * @csspart notice - Lite: a notice from the server.
 * @csspart error - Lite: an error message.
 * @csspart retry-button - Lite: retries after a retryable error.
 * @csspart proposal - Lite (`apply="confirm"`): the card of what an AI turn proposes.
 * @csspart proposal-item - Lite: one proposed command in the card.
 * @csspart proposal-item-apply - Lite: applies one proposed command.
 * @csspart proposal-item-dismiss - Lite: dismisses one proposed command.
 * @csspart apply-button - Lite: applies the whole proposal.
 * @csspart dismiss-button - Lite: dismisses the whole proposal.
 * @csspart undo-button - Lite: undoes what that AI turn did to the chart.
 * @csspart redo-button - Lite: puts an undone AI turn back.
 * @csspart composer - Lite: the message form.
 * @csspart input - Lite: the message textarea.
 * @csspart send-button - Lite: the send button.
 * @csspart stop-button - Lite: stops the streaming answer.
 *
 * @cssprop --chart-chat-font - Font family. Default: inherited.
 * @cssprop --chart-chat-bg - Background.
 * @cssprop --chart-chat-fg - Text colour.
 * @cssprop --chart-chat-muted - Secondary text colour.
 * @cssprop --chart-chat-border - Border colour.
 * @cssprop --chart-chat-accent - Buttons and focus rings.
 * @cssprop --chart-chat-accent-fg - Text on the accent colour.
 * @cssprop --chart-chat-user-bg - Background of user messages.
 * @cssprop --chart-chat-assistant-bg - Background of assistant messages.
 * @cssprop --chart-chat-error - Error colour.
 * @cssprop --chart-chat-radius - Corner radius.
 */
export class ChartChat extends LitElement implements RendererHost {
  static override styles = css`
    :host{display:block;height:32rem;position:relative}
    :host([hidden]){display:none}
    openai-chatkit{display:block;height:100%;width:100%}
    [part=status]{position:absolute;inset:0;padding:1rem;font:inherit;opacity:.7}
  `;

  /**
   * The options table: which option is an attribute (and under which name), which reflects.
   * Types and docs live in `ChartChatOptions`; the element's fields are that interface.
   */
  static override properties: OptionsTable = {
    chartContext: { attribute: false },
    prompts: { attribute: false },
    apiUrl: { attribute: 'api-url' },
    sessionUrl: { attribute: 'session-url' },
    domainKey: { attribute: 'domain-key' },
    renderer: {},
    chatkitSrc: { attribute: 'chatkit-src' },
    chatkitTimeout: { attribute: 'chatkit-timeout', type: Number },
    theme: { reflect: true },
    placeholder: {},
    greeting: {},
    locale: {},
    chatkitOptions: { attribute: false },
    strings: { attribute: false },
    apply: {},
    allow: {},
    _active: { state: true },
    _status: { state: true },
  };

  declare private _active: RendererKind | undefined;
  declare private _status: string;

  /** The protocol fetch both renderers use (identity headers, chart context, session, bars once per thread). @internal */
  readonly transport = createTransport(this);

  #renderer?: Renderer;
  #mounts = 0;
  #waiters: ((r: Renderer) => void)[] = [];
  #contextSource?: unknown;
  #loop?: Promise<CommandLoop>;
  #loaded?: CommandLoop;
  #context?: ChartContext;

  constructor() {
    super();
    this.prompts = [];
    this.apiUrl = '/api/chatkit';
    this.renderer = 'auto';
    this.chatkitSrc = DEFAULT_CHATKIT_SRC;
    this.chatkitTimeout = 8000;
    this.theme = 'light';
    this._status = 'Loading chat…';
  }

  /** The renderer in use, once mounted. */
  get activeRenderer(): RendererKind | undefined {
    return this._active;
  }

  /** The id of the thread on screen (`null` for a new thread). */
  get threadId(): string | null {
    return this.#renderer?.threadId ?? null;
  }

  /**
   * Sends a user message, as if typed in the composer (waits for the renderer to mount).
   * Lite renderer: resolves when the answer has finished (or was stopped) and rejects while another
   * answer is still streaming. ChatKit: settles as ChatKit's `sendUserMessage` does.
   */
  async sendMessage(text: string): Promise<void> {
    const renderer = this._active ? this.#renderer! : await new Promise<Renderer>((r) => this.#waiters.push(r));
    return renderer.sendMessage(text);
  }

  /** Shows a new, empty thread (stops a streaming answer). */
  newThread(): void {
    this.#renderer?.newThread();
  }

  /** Takes back the newest AI turn that changed the chart (inverse `chart-command`s, `origin: "undo"`). Resolves false if there is none. */
  async undo(): Promise<boolean> {
    return (await this.loop()).undo();
  }

  /** Puts back the newest undone AI turn (`origin: "redo"`). Resolves false if there is none. */
  async redo(): Promise<boolean> {
    return (await this.loop()).redo();
  }

  /** The command loop (its own chunk, loaded on first use). @internal */
  loop(): Promise<CommandLoop> {
    return (this.#loop ??= import('./loop/command-loop.js').then((m) => (this.#loaded = new m.CommandLoop(this))));
  }

  /** Request metadata: the context (if the AI may read it), what the page accepts, outcomes not reported yet. @internal */
  requestMetadata(type: unknown): Record<string, unknown> {
    const loop = this.#loaded;
    const fresh = type === 'threads.create' || type === 'threads.add_user_message';
    if (fresh || type === 'threads.retry_after_item') loop?.beginTurn();
    const outcomes = (fresh || type === 'threads.add_client_tool_output') && loop?.take();
    const allow = this.allow?.split(/\s+/) ?? CAPABILITIES;
    const chart_context = allow.includes('read') && this.validContext();
    return {
      ...(chart_context && { chart_context }),
      chart_client: { apply: this.apply === 'confirm' ? 'confirm' : 'auto', allow: CAPABILITIES.filter((c) => allow.includes(c)), ui: this._active },
      ...(outcomes && { chart_outcomes: outcomes }),
    };
  }

  /** Moves keyboard focus to the composer. */
  focusComposer(): void {
    this.#renderer?.focusComposer();
  }

  /** The current chart context after validation and capping, or undefined. @internal */
  validContext(): ChartContext | undefined {
    const source = this.chartContext;
    if (source !== this.#contextSource) {
      this.#contextSource = source;
      this.#context = undefined;
      if (source != null) {
        const parsed = parseChartContext(source);
        if (parsed.success) this.#context = parsed.output;
        else fire(this, 'chart-chat-error', { code: 'invalid_context', message: `invalid chartContext, not sent: ${parsed.message}` });
      }
    }
    return this.#context;
  }

  /** @internal */
  reportError(code: ChartChatErrorCode, error: unknown) {
    fire(this, 'chart-chat-error', { code, message: String((error as Error)?.message ?? error), error });
  }

  protected override willUpdate(changed: Map<PropertyKey, unknown>) {
    if (changed.has('chartContext')) this.validContext();
    // What decides the renderer: a change remounts (ChatKit cannot swap its script or key in place).
    if (changed.has('renderer') || changed.has('chatkitSrc') || changed.has('domainKey')) void this.#mount();
  }

  protected override updated(changed: Map<PropertyKey, unknown>) {
    // Context is read live at request time; any other option change is a new option set.
    if ([...changed.keys()].some((k) => k !== 'chartContext' && !String(k).startsWith('_'))) this.#renderer?.update();
  }

  override render() {
    return [this.#renderer?.render(), this._active ? null : html`<div part="status" role="status">${this._status}</div>`];
  }

  async #mount() {
    const mount = ++this.#mounts;
    const stale = () => mount !== this.#mounts;
    this.#renderer?.dispose();
    this.#renderer = this._active = undefined;
    this._status = 'Loading chat…';
    const mode = this.renderer;
    let renderer: Renderer | undefined;
    if (mode !== 'lite') {
      try {
        // ChatKit's glue is its own chunk too: pages on the lite UI never download it.
        const { startChatKit } = await import('./chatkit/chatkit-renderer.js');
        renderer = await startChatKit(this, (shown) => {
          if (stale()) return false;
          this.#renderer = shown; // rendered while it starts (invisible), so that its frame loads
          this.requestUpdate();
          return true;
        });
      } catch (error) {
        if (stale()) return;
        // The callback may have set it (TypeScript's narrowing cannot see that).
        (this.#renderer as Renderer | undefined)?.dispose();
        this.#renderer = undefined;
        this.reportError((error as ChatKitFailure).code ?? 'chatkit_unavailable', error);
        if (mode === 'chatkit') return this.#failed();
      }
    }
    try {
      // The lite renderer is its own chunk: pages that use ChatKit never download it.
      renderer ??= new (await import('./lite/lite-renderer.js')).LiteRenderer(this);
    } catch (error) {
      if (stale()) return;
      this.reportError('lite_unavailable', error);
      return this.#failed();
    }
    if (stale()) return renderer.dispose();
    this.#renderer = renderer;
    this._active = renderer.kind;
    fire(this, 'chart-chat-ready', { renderer: renderer.kind });
    for (const waiter of this.#waiters.splice(0)) waiter(renderer);
  }

  #failed() {
    this._status = 'The chat could not be loaded.';
  }
}

/** The element's fields are its options (declaration merging; see `static properties`). */
export interface ChartChat extends ChartChatOptions {}

declare global {
  interface HTMLElementTagNameMap {
    'chart-chat': ChartChat;
  }
}
