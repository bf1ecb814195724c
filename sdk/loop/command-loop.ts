/**
 * The element's side of the honest loop, loaded lazily on the first command (its own chunk):
 * - every command the page receives gets an outcome (applied, rejected with the host's reason,
 *   invalid, refused by the `allow` policy, proposed); outcomes go back to the model, through the
 *   client tool's answer or with the next request;
 * - `apply="confirm"`: drawing and navigation commands become one proposal per AI turn
 *   (`chart-proposal`), applied or dismissed later;
 * - per AI turn, the inverse of everything it changed, for `undo()` and `redo()`.
 */
import {
  CAPABILITIES,
  capabilityOf,
  MAX_OUTCOMES,
  parseChartCommand,
  type Capability,
  type ChartCommand,
  type ChartContext,
  type CommandOutcome,
  type OutcomeStatus,
} from '../contract/index.js';
import { ChartCommandErrorEvent, ChartCommandEvent, type ChartProposalDetail, type CommandOrigin } from '../events.js';

/** What the loop reads from `<chart-chat>`. */
export interface LoopHost extends HTMLElement {
  apply?: string | undefined;
  allow?: string | undefined;
  validContext(): ChartContext | undefined;
  requestUpdate(): void;
}

export interface Proposal {
  id: string;
  status: ChartProposalDetail['status'];
  commands: ChartCommand[];
}

/** One AI turn: what it changed (with the inverse of each change) and what it proposed. */
export interface Turn {
  id: string;
  changes: { command: ChartCommand; inverse: ChartCommand[] }[];
  undone: boolean;
  proposal?: Proposal;
}

/** A widget action ChatKit hands to `widgets.onAction`. */
export interface WidgetAction {
  type: string;
  payload?: unknown;
}

const hasId = (c: ChartCommand): c is Extract<ChartCommand, { id: string }> => 'id' in c;
const isIndicator = (c: ChartCommand) => c.type === 'indicator';

let turns = 0;

export class CommandLoop {
  /** AI turns, oldest first. */
  readonly turns: Turn[] = [];
  /** The AI's drawings as this page last drew them (for inverses). */
  readonly #drawn = new Map<string, ChartCommand>();
  /** Outcomes the model has not heard yet; sent with the next request. */
  #pending: CommandOutcome[] = [];

  constructor(private readonly host: LoopHost) {}

  /** The turn commands are filed under; a user message starts a new one. */
  get turn(): Turn {
    return this.turns.at(-1) ?? this.beginTurn();
  }

  beginTurn(): Turn {
    const turn: Turn = { id: `turn-${++turns}`, changes: [], undone: false };
    this.turns.push(turn);
    return turn;
  }

  /** Outcomes for the next request (and forgets them: each is reported once). */
  take(): CommandOutcome[] | undefined {
    const outcomes = this.#pending.splice(0).slice(-MAX_OUTCOMES);
    return outcomes.length ? outcomes : undefined;
  }

  /** What the page allows; every capability unless `allow` says otherwise. */
  get allowed(): Capability[] {
    const words = this.host.allow?.split(/\s+/); // the same reading as the element's request metadata
    return words ? CAPABILITIES.filter((c) => words.includes(c)) : [...CAPABILITIES];
  }

  /** A command from an effect: its outcome waits for the next request. */
  effect(data: unknown): void {
    this.#report(this.receive(data));
  }

  /** The `apply_chart_commands` client tool: outcomes in order, for the model now. */
  batch(params: unknown): { outcomes: CommandOutcome[] } {
    const commands = (params as { commands?: unknown } | null)?.commands;
    return { outcomes: Array.isArray(commands) ? commands.slice(0, MAX_OUTCOMES).map((c) => this.receive(c)) : [] };
  }

  /** Validates, checks the policy, then proposes or dispatches one command from the AI. */
  receive(data: unknown, origin: CommandOrigin = 'ai'): CommandOutcome {
    const parsed = parseChartCommand(data);
    if (!parsed.success) {
      this.host.dispatchEvent(new ChartCommandErrorEvent({ message: parsed.message, data }));
      const type = (data as { type?: unknown } | null)?.type;
      return { type: typeof type === 'string' ? type.slice(0, 32) : 'unknown', status: 'invalid', reason: parsed.message.slice(0, 240) };
    }
    const command = parsed.output;
    const need = capabilityOf(command.type);
    if (!this.allowed.includes(need)) {
      return outcome(command, 'refused', `this page does not let the AI ${need}; it allows: ${this.allowed.join(', ') || 'nothing'}`);
    }
    if (origin === 'ai' && this.host.apply === 'confirm') return this.#propose(command);
    return this.#dispatch(command, origin, this.turn);
  }

  /** A ChatKit widget action: `chart_command` (a command or `{commands}`) or `chart_proposal` (`{decision, commands}`). */
  action({ type, payload }: WidgetAction): void {
    const commands = (payload as { commands?: unknown[] } | null)?.commands ?? [payload];
    if (type === 'chart_command') {
      for (const c of commands) this.#report(this.receive(c, 'proposal'));
    } else if (type === 'chart_proposal') {
      const ids = new Set(commands.map((c) => (c as { id?: unknown } | null)?.id));
      const open = this.turns.filter((t) => t.proposal?.status === 'open' && t.proposal.commands.some((c) => hasId(c) && ids.has(c.id)));
      const apply = (payload as { decision?: unknown } | null)?.decision === 'apply';
      if (open.length) for (const t of open) this.resolve(t.proposal!.id, apply);
      // A card from an earlier page load: its commands still apply (or there is nothing to dismiss).
      else if (apply) for (const c of commands) this.#report(this.receive(c, 'proposal'));
    }
  }

  /** Applies or dismisses an open proposal, whole or only the commands with the given ids. */
  resolve(id: string, apply: boolean, only?: readonly string[]): boolean {
    const turn = this.turns.find((t) => t.proposal?.id === id);
    const proposal = turn?.proposal;
    if (!turn || proposal?.status !== 'open') return false;
    const chosen = proposal.commands.filter((c) => !only || (hasId(c) && only.includes(c.id)));
    proposal.commands = proposal.commands.filter((c) => !chosen.includes(c));
    for (const command of chosen) {
      this.#report(apply ? this.#dispatch(command, 'proposal', turn) : outcome(command, 'dismissed', 'the user dismissed the proposal'));
    }
    if (!proposal.commands.length) {
      proposal.status = apply ? 'applied' : 'dismissed';
      proposal.commands = chosen;
    }
    this.#announce(proposal);
    return true;
  }

  /** Takes back an AI turn (default: the newest that changed the chart and is not undone); false if none. */
  undo(turnId?: string): boolean {
    const turn = newest(this.turns, (t) => t.changes.length > 0 && !t.undone && (!turnId || t.id === turnId));
    if (!turn) return false;
    turn.undone = true;
    for (const { command, inverse } of [...turn.changes].reverse()) {
      for (const c of inverse) this.#emit(c, 'undo', turn);
      this.#report(outcome(command, 'undone', 'the user undid this AI turn'));
    }
    this.host.requestUpdate();
    return true;
  }

  /** Puts back an undone AI turn (default: the newest); false if none. */
  redo(turnId?: string): boolean {
    const turn = newest(this.turns, (t) => t.undone && (!turnId || t.id === turnId));
    if (!turn) return false;
    turn.undone = false;
    for (const { command } of turn.changes) {
      this.#emit(command, 'redo', turn);
      this.#report(outcome(command, 'redone', 'the user redid this AI turn'));
    }
    this.host.requestUpdate();
    return true;
  }

  #report(o: CommandOutcome) {
    this.#pending.push(o);
  }

  #propose(command: ChartCommand): CommandOutcome {
    const turn = this.turn;
    let proposal = turn.proposal;
    if (proposal?.status !== 'open') proposal = turn.proposal = { id: `proposal-${turn.id}`, status: 'open', commands: [] };
    // The same id again replaces the earlier proposed drawing.
    proposal.commands = [...proposal.commands.filter((c) => !(hasId(c) && hasId(command) && c.id === command.id)), command];
    this.#announce(proposal);
    return outcome(command, 'proposed', 'shown to the user as a proposal; you will hear whether it was applied or dismissed');
  }

  #announce(proposal: Proposal) {
    const detail: ChartProposalDetail = {
      id: proposal.id,
      status: proposal.status,
      commands: [...proposal.commands],
      apply: (ids) => this.resolve(proposal.id, true, ids),
      dismiss: (ids) => this.resolve(proposal.id, false, ids),
    };
    this.host.dispatchEvent(new CustomEvent('chart-proposal', { detail, bubbles: true, composed: true }));
    this.host.requestUpdate();
  }

  /** Dispatches an AI command; once the page applied it, its inverse is filed under the turn. */
  #dispatch(command: ChartCommand, origin: CommandOrigin, turn: Turn): CommandOutcome {
    const inverse = this.#inverse(command);
    const event = this.#emit(command, origin, turn);
    if (event.defaultPrevented) return outcome(command, 'rejected', event.reason ?? 'rejected by the host');
    turn.changes.push({ command, inverse });
    if (turn.undone) turn.undone = false;
    this.host.requestUpdate();
    return outcome(command, 'applied');
  }

  #emit(command: ChartCommand, origin: CommandOrigin, turn: Turn): ChartCommandEvent {
    const event = new ChartCommandEvent(command, origin, turn.id);
    if (this.host.dispatchEvent(event)) this.#track(command);
    return event;
  }

  /** Keeps {@link #drawn} in step with what the page applied. */
  #track(c: ChartCommand) {
    if (c.type === 'remove') this.#drawn.delete(c.id);
    else if (c.type === 'clear') {
      for (const [id, d] of this.#drawn) if (inScope(d, c.scope)) this.#drawn.delete(id);
    } else if (hasId(c)) this.#drawn.set(c.id, c);
  }

  /** The commands that undo `c`: what it replaced or removed comes back, what it added goes. */
  #inverse(c: ChartCommand): ChartCommand[] {
    const context = this.host.validContext();
    switch (c.type) {
      case 'remove': {
        const before = this.#before(c.id, context);
        return before ? [before] : [];
      }
      case 'clear':
        return [...this.#drawn.values()].filter((d) => inScope(d, c.scope));
      case 'set_symbol':
        return context ? [{ type: 'set_symbol', symbol: context.symbol }] : [];
      case 'set_timeframe':
        return context ? [{ type: 'set_timeframe', timeframe: context.timeframe }] : [];
      case 'set_visible_range':
        return context?.visibleRange ? [{ type: 'set_visible_range', ...context.visibleRange }] : [];
      default:
        return [this.#before(c.id, context) ?? { type: 'remove', id: c.id }];
    }
  }

  /** What had this id before: the AI's own drawing, or a level the context describes. */
  #before(id: string, context: ChartContext | undefined): ChartCommand | undefined {
    const drawn = this.#drawn.get(id);
    if (drawn) return drawn;
    const d = context?.drawings.find((x) => x.id === id && !x.proposed); // a ghost is not on the chart
    return d?.kind === 'price_line' && d.price
      ? { type: 'price_line', id, price: d.price, role: 'level', ...(d.label ? { label: d.label } : {}) }
      : undefined;
  }
}

const newest = <T>(list: readonly T[], test: (x: T) => boolean) => [...list].reverse().find(test);

const inScope = (d: ChartCommand, scope: 'drawings' | 'indicators' | 'all' = 'all') =>
  scope === 'all' || (scope === 'indicators') === isIndicator(d);

function outcome(command: ChartCommand, status: OutcomeStatus, reason?: string): CommandOutcome {
  return { type: command.type, ...(hasId(command) ? { id: command.id } : {}), status, ...(reason ? { reason: reason.slice(0, 240) } : {}) };
}
