/**
 * Where the chat endpoints live. The base is the ChatKit endpoint (`/api/chatkit` by default);
 * the others hang under it, so the paths of the integration plan this product implements
 * (`/api/chatkit/proxy`, `/api/chatkit/session`) work unchanged next to ours.
 */
export interface ChatPaths {
  /** The ChatKit custom-backend protocol. */
  readonly chatkit: string;
  /** The same endpoint under the plan's name. */
  readonly proxy: string;
  /** One question about the chart, answered as `{text, chart_commands}` without a thread. */
  readonly chartAction: string;
  /** The session endpoint under the plan's name (when sessions are on). */
  readonly session: string;
}

export function chatPaths(base = '/api/chatkit'): ChatPaths {
  const root = base.replace(/\/+$/, '') || '/api/chatkit';
  return { chatkit: root, proxy: `${root}/proxy`, chartAction: `${root}/chart-action`, session: `${root}/session` };
}

/** The endpoints that act for a user: authenticated and rate-limited per user alike. */
export const userEndpoints = (paths: ChatPaths): string[] => [paths.chatkit, paths.proxy, paths.chartAction];
