/**
 * Server-sent events exactly as chatkit-python frames them: `data: <compact json>\n\n` per
 * event, nothing else (no event/id/retry fields, no heartbeats, no terminal sentinel).
 * Pull-based, so a slow client applies backpressure to the responder; when the client goes
 * away the runtime cancels the body and the event source is stopped.
 */
import type { ExchangeObserver, StreamOutcome } from './observer.js';
import { eventJson } from './serialize.js';
import type { ThreadStreamEvent } from '../wire/types.js';

export const SSE_HEADERS: Readonly<Record<string, string>> = {
  'Content-Type': 'text/event-stream; charset=utf-8',
  'Cache-Control': 'no-cache, no-transform',
  'X-Accel-Buffering': 'no',
};

export function sseFrame(event: ThreadStreamEvent): string {
  return `data: ${eventJson(event)}\n\n`;
}

/** The event stream as an SSE response; `observer` sees each event as it goes and how the stream ended. */
export function sseResponse(events: AsyncIterable<ThreadStreamEvent>, observer?: ExchangeObserver): Response {
  const iterator = events[Symbol.asyncIterator]();
  const encoder = new TextEncoder();
  let cancelled = false;
  let ended = false;
  const end = (outcome: StreamOutcome) => {
    if (ended) return;
    ended = true;
    try {
      observer?.end?.(outcome);
    } catch {
      // Observers must not break the response.
    }
  };
  const body = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          const step = await iterator.next();
          if (cancelled) return;
          if (step.done) {
            end('done');
            controller.close();
            return;
          }
          if (observer?.event) {
            try {
              observer.event(step.value);
            } catch {
              // Observers must not break the response.
            }
          }
          controller.enqueue(encoder.encode(sseFrame(step.value)));
        } catch (error) {
          if (!cancelled) {
            end('error');
            controller.error(error);
          }
        }
      },
      async cancel() {
        cancelled = true;
        end('cancelled');
        await iterator.return?.();
      },
    },
    { highWaterMark: 0 },
  );
  return new Response(body, { status: 200, headers: SSE_HEADERS });
}
