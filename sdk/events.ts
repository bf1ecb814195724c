/**
 * Events dispatched by `<chart-chat>`. All bubble and cross shadow roots (`composed`), so a
 * host can listen on the element or on any ancestor. The global event map augmentation
 * makes `el.addEventListener('chart-command', (e) => e.detail.type)` fully typed.
 */
import type { ChartCommand } from './contract/index.js';

/** Which UI is running inside the element. */
export type RendererKind = 'chatkit' | 'lite';

/**
 * Where a `chart-command` comes from: the AI (`ai`), a proposal the user applied (`proposal`), or the
 * user undoing/redoing an AI turn (`undo`/`redo`: inverse or repeated commands).
 */
export type CommandOrigin = 'ai' | 'proposal' | 'undo' | 'redo';

/**
 * `chart-command`: a validated command for the chart. Cancelable: `reject(reason)` (or
 * `preventDefault()`) refuses it, and the model is told so, with the reason.
 */
export class ChartCommandEvent extends CustomEvent<ChartCommand> {
  /** Why it was rejected, once `reject()` was called. */
  reason?: string;
  /**
   * @param origin who asked for it (see {@link CommandOrigin})
   * @param turn the AI turn it belongs to (its drawings carry it as provenance)
   */
  constructor(command: ChartCommand, readonly origin: CommandOrigin = 'ai', readonly turn?: string) {
    super('chart-command', { detail: command, bubbles: true, composed: true, cancelable: true });
  }

  /** Refuses the command; `reason` goes back to the model. */
  reject(reason = 'rejected by the host') {
    this.reason ??= reason;
    this.preventDefault();
  }
}

/** `chart-proposal`: what the AI proposes in one turn (`apply="confirm"`), and what became of it. */
export interface ChartProposalDetail {
  /** The proposal's id (one per AI turn). */
  id: string;
  /** `open` while it waits for Apply/Dismiss; then `applied` or `dismissed` (preview no longer needed). */
  status: 'open' | 'applied' | 'dismissed';
  /** Every command proposed so far in this turn. */
  commands: ChartCommand[];
  /** Applies the proposal (or only the commands with these ids): `chart-command` events follow, the model hears the outcomes. */
  apply(ids?: string[]): void;
  /** Dismisses the proposal (or only the commands with these ids). */
  dismiss(ids?: string[]): void;
}

export interface ChartCommandErrorDetail {
  /** Why the command was rejected (the validation message). */
  message: string;
  /** The rejected input, as received. Never apply it. */
  data: unknown;
}

/** `chart-command-error`: the AI sent a command that failed validation; the host never sees it as a command. */
export class ChartCommandErrorEvent extends CustomEvent<ChartCommandErrorDetail> {
  constructor(detail: ChartCommandErrorDetail) {
    super('chart-command-error', { detail, bubbles: true, composed: true });
  }
}

/**
 * Error codes of `chart-chat-error`:
 * - `chatkit_unavailable`: ChatKit did not load, was not ready within `chatkitTimeout`, or failed
 *   while it started (a `chatkit.error` such as a refused domain key, or its frame went away);
 *   under `auto` the lite renderer takes over.
 * - `domain_key_required`: off localhost ChatKit needs a `domain-key` (`domain_pk_…`); under
 *   `auto` the lite renderer takes over, with `renderer="chatkit"` the chat stays unloaded.
 * - `lite_unavailable`: the lite renderer's chunk failed to load.
 * - `invalid_context`: the `chartContext` failed validation and is not sent.
 * - `session_failed`: the `session-url` request failed.
 * - `chatkit_error`: ChatKit reported an error once running.
 * - `thread_gone`: ChatKit renderer, the thread on screen no longer exists on the server (deleted,
 *   expired): the element lets go of it, so the next message starts a new thread. (The lite
 *   renderer starts the new thread itself and says so in the chat.)
 * - `request_failed` / `stream_error`: lite renderer, an HTTP or stream error.
 */
export type ChartChatErrorCode =
  | 'chatkit_unavailable'
  | 'domain_key_required'
  | 'lite_unavailable'
  | 'invalid_context'
  | 'session_failed'
  | 'chatkit_error'
  | 'thread_gone'
  | 'request_failed'
  | 'stream_error';

export interface ChartChatErrorDetail {
  code: ChartChatErrorCode;
  message: string;
  error?: unknown;
}

export interface ChartChatReadyDetail {
  renderer: RendererKind;
}
export interface ChartChatEffectDetail {
  name: string;
  data: unknown;
}
export interface ChartChatThreadChangeDetail {
  threadId: string | null;
}

/** Every event `<chart-chat>` dispatches, by name. */
export interface ChartChatEventMap {
  'chart-command': ChartCommandEvent;
  'chart-command-error': ChartCommandErrorEvent;
  'chart-proposal': CustomEvent<ChartProposalDetail>;
  'chart-chat-ready': CustomEvent<ChartChatReadyDetail>;
  'chart-chat-error': CustomEvent<ChartChatErrorDetail>;
  'chart-chat-effect': CustomEvent<ChartChatEffectDetail>;
  'chart-chat-response-start': CustomEvent<null>;
  'chart-chat-response-end': CustomEvent<null>;
  'chart-chat-thread-change': CustomEvent<ChartChatThreadChangeDetail>;
}

/** Dispatches a bubbling, composed `CustomEvent` (the plain `chart-chat-*` events). @internal */
export function fire<K extends keyof ChartChatEventMap>(
  target: EventTarget,
  type: K,
  detail: ChartChatEventMap[K] extends CustomEvent<infer D> ? D : never,
): boolean {
  return target.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
}

declare global {
  // eslint-disable-next-line @typescript-eslint/no-empty-interface
  interface HTMLElementEventMap extends ChartChatEventMap {}
}
