/**
 * Wraps a response body stream so middleware can rewrite or watch chunks as they pass, and
 * learn how the stream ended. Cancellation (the client went away) is passed straight through to
 * the source, so the handler's own abort handling still fires.
 */

export type StreamOutcome = 'done' | 'cancelled' | 'error';

export interface BodyTap {
  /** Returns what to pass on for this chunk (may be empty). */
  chunk?(bytes: Uint8Array): Uint8Array;
  /** Bytes still held back when the source ends. */
  flush?(): Uint8Array;
  /** Called exactly once. */
  end?(outcome: StreamOutcome): void;
}

export function tapBody(body: ReadableStream<Uint8Array>, tap: BodyTap): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  let ended = false;
  const end = (outcome: StreamOutcome) => {
    if (ended) return;
    ended = true;
    try {
      tap.end?.(outcome);
    } catch {
      // Observers must not break the response.
    }
  };
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        // Read until there is something to pass on: a pull that enqueues nothing is not called
        // again, and a tap may hold a whole chunk back (e.g. half an SSE frame).
        for (;;) {
          let step: ReadableStreamReadResult<Uint8Array>;
          try {
            step = await reader.read();
          } catch (error) {
            end('error');
            controller.error(error);
            return;
          }
          if (step.done) {
            const rest = tap.flush?.();
            if (rest && rest.byteLength > 0) controller.enqueue(rest);
            end('done');
            controller.close();
            return;
          }
          const value = typeof step.value === 'string' ? new TextEncoder().encode(step.value) : step.value;
          const out = tap.chunk ? tap.chunk(value) : value;
          if (out.byteLength > 0) {
            controller.enqueue(out);
            return;
          }
        }
      },
      async cancel(reason) {
        end('cancelled');
        await reader.cancel(reason);
      },
    },
    { highWaterMark: 0 },
  );
}
