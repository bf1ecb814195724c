/**
 * Names that cross the wire between `<chart-chat>` and the server, defined once here and
 * imported by both sides: the anonymous client-id header and its rule, the effect that carries
 * a chart command, and the client tools the element answers.
 */

/** The per-browser anonymous id the element sends on every request (threads are scoped to it). */
export const CLIENT_ID_HEADER = 'X-Chart-Chat-Client';

/**
 * What a client id must look like; anything else is no identity at all. Without sessions the id
 * is a bearer secret, so it must be unguessable: at least 32 characters (the element sends 32
 * hex digits, 128 random bits).
 */
export const CLIENT_ID_PATTERN = /^[A-Za-z0-9_-]{32,64}$/;

/** The `client_effect` name whose `data` is one `ChartCommand`. */
export const CHART_COMMAND_EFFECT = 'chart_command';

/** ChatKit client tools the element answers (`client_tool_call` items the page runs). */
export const CLIENT_TOOLS = {
  /** Answers the page's current, validated chart context. */
  getChartContext: 'get_chart_context',
  /** Hands the page a batch of commands; answers their outcomes (see `outcomes.ts`). */
  applyChartCommands: 'apply_chart_commands',
} as const;
export type ClientToolName = (typeof CLIENT_TOOLS)[keyof typeof CLIENT_TOOLS];
