/**
 * Server-sent events exactly as chatkit-python frames them: `data: <compact json>\n\n` per
 * event, nothing else (no event/id/retry fields, no heartbeats, no terminal sentinel).
 * A slow client applies backpressure to the responder (see {@link sseResponse}); when the
 * client goes away the runtime cancels the body and the event source is stopped.
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

/**
 * Rewrites an event stream's text on its way out (the key guard: ../security/key-guard.ts). It
 * sees every frame in order, in bursts; it may hold text back and release it later or at
 * `flush` (the stream's normal end). A response wrapper installs it with
 * {@link filterEventStream} instead of wrapping the body in another stream.
 */
export interface FrameFilter {
  push(text: string): string;
  flush(): string;
}

/** The filter setter of each response {@link sseResponse} made, until its body is first read. */
const filterSetters = new WeakMap<Response, (filter: FrameFilter) => void>();

/**
 * Installs `filter` on an event stream made by {@link sseResponse} whose body has not been
 * read yet; false for any other response (the caller then wraps the body itself).
 */
export function filterEventStream(response: Response, filter: FrameFilter): boolean {
  const set = filterSetters.get(response);
  if (!set) return false;
  filterSetters.delete(response);
  set(filter);
  return true;
}

/** How many framed events may wait for a slow client before the source is paused. */
const MAX_QUEUED_EVENTS = 64;

/**
 * The event stream as an SSE response; `observer` sees each event as it is framed and how the
 * stream ended. The source starts at once — the model request goes out while the response
 * headers are still being written — and runs ahead of the client by at most
 * {@link MAX_QUEUED_EVENTS} events, so a slow client still slows the responder down. Events that
 * arrive together (one model chunk becomes several events) leave as one body chunk, so the layers
 * below (key guard, the runtime's writer) handle a burst once instead of once per event.
 */
export function sseResponse(events: AsyncIterable<ThreadStreamEvent>, observer?: ExchangeObserver): Response {
  const iterator = events[Symbol.asyncIterator]();
  const encoder = new TextEncoder();
  const queue: string[] = [];
  let filter: FrameFilter | undefined;
  /** How the source ended, once it has. */
  let finished: 'done' | 'failed' | undefined;
  let failure: unknown;
  let pumping = false;
  let cancelled = false;
  let ended = false;
  /** Wakes a pull that waits for frames. */
  let wake: (() => void) | undefined;
  const end = (outcome: StreamOutcome) => {
    if (ended) return;
    ended = true;
    try {
      observer?.end?.(outcome);
    } catch {
      // Observers must not break the response.
    }
  };
  const frameOf = (event: ThreadStreamEvent): string => {
    if (observer?.event) {
      try {
        observer.event(event);
      } catch {
        // Observers must not break the response.
      }
    }
    return sseFrame(event);
  };
  const pump = async () => {
    pumping = true;
    try {
      while (!cancelled && queue.length < MAX_QUEUED_EVENTS) {
        const step = await iterator.next();
        if (cancelled) break;
        if (step.done) {
          finished = 'done';
          break;
        }
        queue.push(frameOf(step.value));
        wake?.();
      }
    } catch (error) {
      finished = 'failed';
      failure = error;
    }
    pumping = false;
    wake?.();
  };
  void pump();
  const body = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        for (;;) {
          if (queue.length === 0 && !finished) {
            if (!pumping) void pump();
            await new Promise<void>((resolve) => (wake = resolve));
            wake = undefined;
            // Let the rest of this burst arrive: it goes out in the same chunk.
            if (!finished) await afterThisTurn();
          }
          if (cancelled) return;
          if (queue.length > 0) {
            let text = queue.length === 1 ? queue[0]! : queue.join('');
            queue.length = 0;
            if (!finished && !pumping) void pump();
            if (filter) text = filter.push(text);
            // A pull that enqueues nothing is not called again: wait for more if the filter held it all.
            if (text === '') continue;
            controller.enqueue(encoder.encode(text));
            return;
          }
          if (finished === 'failed') {
            end('error');
            controller.error(failure);
            return;
          }
          const rest = filter?.flush();
          if (rest) controller.enqueue(encoder.encode(rest));
          end('done');
          controller.close();
          return;
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
  const response = new Response(body, { status: 200, headers: SSE_HEADERS });
  filterSetters.set(response, (installed) => (filter = installed));
  return response;
}

/** Resolves once the promise jobs queued now have run (setImmediate where the runtime has it). */
const afterThisTurn = (): Promise<void> =>
  new Promise((resolve) => (typeof setImmediate === 'function' ? setImmediate(resolve) : setTimeout(resolve, 0)));
