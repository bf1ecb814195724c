/**
 * Node only (./node-server.ts, for `server/main.ts` and the test listener): one model chunk becomes several
 * ChatKit events, each enqueued as its own body chunk, and @hono/node-server writes each one
 * to the socket as it comes — a syscall per event. Corking the response on the first write of
 * a burst and uncorking on the next tick (after the burst's microtasks) sends the burst in one
 * write, at no cost in latency.
 */
import type { ServerResponse } from 'node:http';

export function coalesceWrites(res: ServerResponse): void {
  const write = res.write;
  let corked = false;
  const uncork = () => {
    corked = false;
    res.uncork();
  };
  res.write = function (this: ServerResponse, ...args: Parameters<ServerResponse['write']>) {
    if (!corked) {
      corked = true;
      res.cork();
      process.nextTick(uncork);
    }
    return (write as (...a: unknown[]) => boolean).apply(this, args);
  } as ServerResponse['write'];
}
