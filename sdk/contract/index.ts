/**
 * The chart-chat contract: what the host sends (`ChartContext`) and what the AI asks the
 * chart to do (`ChartCommand`). Valibot schemas with their TypeScript types, shared by the
 * `<chart-chat>` element, the adapter and the server, plus the names that cross the wire (`wire.ts`).
 */
export * from './primitives.js';
export * from './chart-context.js';
export * from './chart-command.js';
export * from './outcomes.js';
export * from './wire.js';
export * from './bars-ref.js';
