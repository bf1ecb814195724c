/**
 * The honest loop between the page and the model: every command the page receives is answered
 * with an outcome, and the model hears outcomes, never assumptions.
 *
 * - Same turn: the server ends a model round on a pending ChatKit client tool call
 *   {@link APPLY_COMMANDS_TOOL} `{commands}`; the element answers `{outcomes}` (one per command, in order).
 * - Next turn: outcomes of commands that arrived as `client_effect`s (or were proposed and applied or
 *   dismissed later) travel in the next request's `metadata[OUTCOMES_METADATA]`.
 * - `metadata[CLIENT_METADATA]` tells the server what the page accepts (`apply`, `allow`): the server
 *   then offers only allowed tools and knows the page answers the client tool.
 */
import * as v from 'valibot';
import { Id, Rationale } from './primitives.js';
import { CLIENT_TOOLS } from './wire.js';

/** The ChatKit client tool that hands the page a batch of commands and gets their outcomes back. */
export const APPLY_COMMANDS_TOOL = CLIENT_TOOLS.applyChartCommands;
/** Request metadata key: outcomes the model has not heard yet. */
export const OUTCOMES_METADATA = 'chart_outcomes';
/** Request metadata key: `{apply, allow}` of the page (see {@link ChartClient}). */
export const CLIENT_METADATA = 'chart_client';

/**
 * - `applied`: the page drew/did it. `rejected`: the host refused (`reason` says why).
 * - `invalid`: failed validation. `refused`: outside the page's `allow` policy.
 * - `proposed`: shown as a proposal (confirm mode); a later `applied`/`dismissed` follows.
 * - `dismissed`: the user dismissed the proposal. `undone`/`redone`: the user undid or redid the AI's turn.
 */
export const OUTCOME_STATUSES = ['applied', 'rejected', 'invalid', 'refused', 'proposed', 'dismissed', 'undone', 'redone'] as const;
export type OutcomeStatus = (typeof OUTCOME_STATUSES)[number];

/** What happened to one command. `id` is the drawing id (when the command has one). */
export const CommandOutcome = v.object({
  type: v.pipe(v.string(), v.maxLength(32)),
  id: v.optional(Id),
  status: v.picklist(OUTCOME_STATUSES),
  reason: v.optional(Rationale),
});
export type CommandOutcome = v.InferOutput<typeof CommandOutcome>;

/** At most this many outcomes per request (older ones are dropped by the element). */
export const MAX_OUTCOMES = 50;
export const CommandOutcomes = v.pipe(v.array(CommandOutcome), v.maxLength(MAX_OUTCOMES));

/** Capabilities a page may grant (`allow="read draw navigate"`). */
export const CAPABILITIES = ['read', 'draw', 'navigate'] as const;
export type Capability = (typeof CAPABILITIES)[number];

/** The capability a command needs: navigation moves the chart, everything else draws. */
export const capabilityOf = (type: string): Capability =>
  type === 'set_symbol' || type === 'set_timeframe' || type === 'set_visible_range' ? 'navigate' : 'draw';

/** What the page accepts, sent with every request. */
export const ChartClient = v.object({
  apply: v.optional(v.picklist(['auto', 'confirm'])),
  allow: v.optional(v.pipe(v.array(v.picklist(CAPABILITIES)), v.maxLength(3))),
  /** The page's chat UI: with `chatkit` the server sends proposal cards as widgets; `lite` draws its own. */
  ui: v.optional(v.picklist(['chatkit', 'lite'])),
});
export type ChartClient = v.InferOutput<typeof ChartClient>;
