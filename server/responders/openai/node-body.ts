/**
 * The key a Node transport (chart-chat/server/node's `nodeFetch`) sets on its responses: the
 * answer as Node's `IncomingMessage`, so ./stream-events.ts reads it without a web stream in
 * between. `Symbol.for`, not `Symbol()`: the Node entry and the server entry are separate
 * bundles, each with its own copy of this module.
 */
export const NODE_BODY = Symbol.for('chart-chat.node-body');
