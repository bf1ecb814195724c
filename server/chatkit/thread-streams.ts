/**
 * One stream per thread at a time, tied to the client's connection. A disconnect aborts the
 * stream's signal; the owner's next streaming request takes the thread over (`claim`): the
 * running stream is cancelled, its partial answer saved, and only then does the new one start,
 * so the owner's "Stop, then send again" never meets a 409 even when the server has not yet
 * noticed the disconnect. A failure outside the pipeline still ends as an `error` event.
 *
 * This is the single-instance guard. A multi-instance deployment replaces the in-memory map
 * with a lease in the shared store; `takeOver` is the seam that carries the cancel request.
 */
import { RequestError } from '../wire/request-error.js';
import { toErrorEvent } from './pipeline.js';
import type { ThreadStreamEvent } from '../wire/types.js';

export const threadBusy = (): RequestError => new RequestError(409, 'thread_busy', 'a response is already streaming on this thread');

/** How long a take-over waits for the cancelled stream to save and end before answering 409. */
const TAKE_OVER_TIMEOUT_MS = 10_000;

interface RunningStream {
  /** Aborts the stream's signal and stops its events, whether or not a client is still reading. */
  cancel(): void;
  /** Settles once the stream has ended and its thread is free (partial answer saved). */
  readonly ended: Promise<void>;
}

export class ThreadStreams {
  readonly #running = new Map<string, RunningStream>();

  constructor(
    private readonly log: (message: string, error: unknown) => void,
    private readonly takeOverTimeoutMs = TAKE_OVER_TIMEOUT_MS,
  ) {}

  isBusy(threadId: string): boolean {
    return this.#running.has(threadId);
  }

  /**
   * Cancels the stream running on the thread, if any, and resolves once it has ended: what it
   * had streamed is saved (as on a disconnect) and the thread is free. Throws 409 `thread_busy`
   * if the stream does not end within the timeout.
   */
  async takeOver(threadId: string): Promise<void> {
    const running = this.#running.get(threadId);
    if (!running) return;
    running.cancel();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), this.takeOverTimeoutMs);
    });
    try {
      if ((await Promise.race([running.ended, timedOut])) === 'timeout') throw threadBusy();
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Takes the thread over (see `takeOver`) and opens a stream on it. Two requests racing for
   * the same thread end with the later one streaming: each one cancels whatever runs when it
   * gets its turn, and the claim itself is synchronous after the last wait.
   */
  async claim(
    threadId: string,
    clientSignal: AbortSignal | undefined,
    build: (signal: AbortSignal) => AsyncIterable<ThreadStreamEvent>,
  ): Promise<AsyncIterable<ThreadStreamEvent>> {
    while (this.#running.has(threadId)) await this.takeOver(threadId);
    return this.open(threadId, clientSignal, build);
  }

  /**
   * Claims the thread (or throws 409 if a stream runs on it) and returns the events `build`
   * produces. The thread is released when the stream ends or the consumer stops reading;
   * `clientSignal` (the request's), the consumer stopping and a take-over all abort the
   * signal handed to `build`.
   */
  open(
    threadId: string,
    clientSignal: AbortSignal | undefined,
    build: (signal: AbortSignal) => AsyncIterable<ThreadStreamEvent>,
  ): AsyncIterable<ThreadStreamEvent> {
    if (this.#running.has(threadId)) throw threadBusy();
    const controller = new AbortController();
    const abort = (): void => controller.abort();
    if (clientSignal?.aborted) abort();
    else clientSignal?.addEventListener('abort', abort, { once: true });
    let released = false;
    let markEnded!: () => void;
    const ended = new Promise<void>((resolve) => (markEnded = resolve));
    const release = (): void => {
      if (released) return;
      released = true;
      if (this.#running.get(threadId) === running) this.#running.delete(threadId);
      clientSignal?.removeEventListener('abort', abort);
      markEnded();
    };
    const log = this.log;
    const events = (async function* guarded(): AsyncGenerator<ThreadStreamEvent, void, undefined> {
      try {
        yield* build(controller.signal);
      } catch (error) {
        if (!controller.signal.aborted) yield toErrorEvent(error, log);
      }
    })();
    // Stops the events and frees the thread once the pipeline has saved what it had. An async
    // generator queues `return` behind a `next` in flight, so this is safe while a client reads.
    const stop = async (): Promise<IteratorResult<ThreadStreamEvent, void>> => {
      abort();
      try {
        return await events.return(undefined);
      } finally {
        release();
      }
    };
    const running: RunningStream = {
      cancel: () => void stop().catch((error: unknown) => this.log('cancelling a stream failed', error)),
      ended,
    };
    this.#running.set(threadId, running);
    const iterator: AsyncIterator<ThreadStreamEvent> = {
      next: async () => {
        try {
          const step = await events.next();
          if (step.done) release();
          return step;
        } catch (error) {
          release();
          throw error;
        }
      },
      // The consumer stopped reading (client gone): cancel, let the pipeline save, then free the thread.
      return: stop,
    };
    return { [Symbol.asyncIterator]: () => iterator };
  }
}
