/**
 * One stream per thread at a time, tied to the client's connection: a second streaming
 * request on a busy thread is refused (409 thread_busy), a disconnect aborts the stream's
 * signal, and a failure outside the pipeline still ends as an `error` event.
 */
import { RequestError } from './errors.js';
import { toErrorEvent } from './pipeline.js';
import type { ThreadStreamEvent } from '../wire/types.js';

export const threadBusy = (): RequestError => new RequestError(409, 'thread_busy', 'a response is already streaming on this thread');

export class ThreadStreams {
  readonly #busy = new Set<string>();

  constructor(private readonly log: (message: string, error: unknown) => void) {}

  isBusy(threadId: string): boolean {
    return this.#busy.has(threadId);
  }

  /**
   * Claims the thread (or throws 409) and returns the events `build` produces. The thread is
   * released when the stream ends or the consumer stops reading; `clientSignal` (the request's)
   * and the consumer stopping both abort the signal handed to `build`.
   */
  open(
    threadId: string,
    clientSignal: AbortSignal | undefined,
    build: (signal: AbortSignal) => AsyncIterable<ThreadStreamEvent>,
  ): AsyncIterable<ThreadStreamEvent> {
    if (this.#busy.has(threadId)) throw threadBusy();
    this.#busy.add(threadId);
    const controller = new AbortController();
    const abort = (): void => controller.abort();
    if (clientSignal?.aborted) abort();
    else clientSignal?.addEventListener('abort', abort, { once: true });
    let released = false;
    const release = (): void => {
      if (released) return;
      released = true;
      this.#busy.delete(threadId);
      clientSignal?.removeEventListener('abort', abort);
    };
    const log = this.log;
    const events = (async function* guarded(): AsyncGenerator<ThreadStreamEvent, void, undefined> {
      try {
        yield* build(controller.signal);
      } catch (error) {
        if (!controller.signal.aborted) yield toErrorEvent(error, log);
      }
    })();
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
      return: async () => {
        abort();
        try {
          return await events.return(undefined);
        } finally {
          release();
        }
      },
    };
    return { [Symbol.asyncIterator]: () => iterator };
  }
}
