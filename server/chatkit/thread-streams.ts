/**
 * One stream per thread at a time, tied to the client's connection. A disconnect aborts the
 * stream's signal; the owner's next streaming request takes the thread over (`claim`): the
 * running stream is cancelled, its partial answer saved, and only then does the new one start,
 * so the owner's "Stop, then send again" never meets a 409 even when the server has not yet
 * noticed the disconnect. A failure outside the pipeline still ends as an `error` event.
 *
 * Across instances the guard is a lease in the store (`StreamLeases`): claimed before a stream
 * starts, renewed while it runs, released when it ends, taken over once it expires (its process
 * died). A take-over of a stream another instance runs flags the lease; that instance sees the
 * request at its next renewal, cancels and saves like a local take-over, and releases.
 */
import { MemoryLeases, type StreamLeases } from '../store/leases.js';
import { RequestError } from '../wire/request-error.js';
import { newId } from './ids.js';
import { toErrorEvent } from './pipeline.js';
import type { ThreadStreamEvent } from '../wire/types.js';

const DONE: IteratorReturnResult<undefined> = { done: true, value: undefined };

export const threadBusy = (): RequestError => new RequestError(409, 'thread_busy', 'a response is already streaming on this thread');

/** How long a take-over waits for the cancelled stream to save and end before answering 409. */
const TAKE_OVER_TIMEOUT_MS = 10_000;
/** A lease nobody renews is free after this long (a dead instance's thread is taken over). */
export const DEFAULT_LEASE_TTL_MS = 10_000;
/** How often a stream renews its lease, which is also how soon it sees a remote cancel request. */
const RENEW_EVERY_MS = 1_000;
/** How often a take-over checks whether a remote stream has let go. */
const POLL_MS = 100;

/** The final event of a stream the server ends because it is shutting down. */
const SHUTDOWN_EVENT: ThreadStreamEvent = {
  type: 'error',
  code: 'custom',
  message: 'The server is restarting. The answer so far is saved; send your message again to continue.',
  allow_retry: true,
};

export interface ThreadStreamsOptions {
  readonly leases?: StreamLeases;
  readonly leaseTtlMs?: number;
  readonly takeOverTimeoutMs?: number;
}

interface RunningStream {
  /** Aborts the stream's signal and stops its events, whether or not a client is still reading. */
  cancel(): void;
  /** Settles once the stream has ended and its thread is free (partial answer saved). */
  readonly ended: Promise<void>;
}

export class ThreadStreams {
  readonly #running = new Map<string, RunningStream>();
  readonly #shutdown = new Set<() => void>();
  readonly #leases: StreamLeases;
  readonly #leaseTtlMs: number;
  readonly #renewEveryMs: number;
  readonly #takeOverTimeoutMs: number;
  /** This instance, as a lease holder. */
  /** This instance's lease-holder id; made on first use (Workers refuse random values while the app is built). */
  #holderId: string | undefined;
  get #holder(): string {
    return (this.#holderId ??= newId('inst'));
  }
  #closing = false;

  constructor(
    private readonly log: (message: string, error: unknown) => void,
    options: ThreadStreamsOptions = {},
  ) {
    this.#leases = options.leases ?? new MemoryLeases();
    this.#leaseTtlMs = options.leaseTtlMs ?? DEFAULT_LEASE_TTL_MS;
    this.#renewEveryMs = Math.min(RENEW_EVERY_MS, this.#leaseTtlMs / 3);
    // A remote holder that died frees its lease only when it expires: wait at least that long.
    this.#takeOverTimeoutMs = options.takeOverTimeoutMs ?? Math.max(TAKE_OVER_TIMEOUT_MS, this.#leaseTtlMs + 2_000);
  }

  /** True while a stream runs on the thread, here or on another instance sharing the store. */
  async isBusy(threadId: string): Promise<boolean> {
    return this.#running.has(threadId) || (await this.#leases.isHeld(threadId));
  }

  /**
   * Ends every open stream for a shutdown: each saves what it streamed, sends a final `error`
   * event saying the server restarts, and closes. Resolves when all have ended (or after `timeoutMs`).
   */
  async shutdown(timeoutMs = 5_000): Promise<void> {
    this.#closing = true;
    const ended = [...this.#running.values()].map((running) => running.ended);
    for (const stop of this.#shutdown) stop();
    await Promise.race([Promise.all(ended), new Promise((resolve) => setTimeout(resolve, timeoutMs))]);
  }

  /**
   * Cancels the stream running on the thread, if any, and resolves once it has ended: what it
   * had streamed is saved (as on a disconnect) and the thread is free. Throws 409 `thread_busy`
   * if the stream does not end within the timeout.
   */
  async takeOver(threadId: string): Promise<void> {
    const deadline = Date.now() + this.#takeOverTimeoutMs;
    const running = this.#running.get(threadId);
    if (running) {
      running.cancel();
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timedOut = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), this.#takeOverTimeoutMs);
      });
      try {
        if ((await Promise.race([running.ended, timedOut])) === 'timeout') throw threadBusy();
      } finally {
        clearTimeout(timer);
      }
    }
    // Another instance's stream: ask it to stop (it sees the flag when it renews) and wait until it has.
    if (!(await this.#leases.requestCancel(threadId))) return;
    while (await this.#leases.isHeld(threadId)) {
      if (Date.now() > deadline) throw threadBusy();
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
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
    prepare?: () => Promise<void>,
  ): Promise<AsyncIterable<ThreadStreamEvent>> {
    const deadline = Date.now() + this.#takeOverTimeoutMs;
    for (;;) {
      while (this.#running.has(threadId)) await this.takeOver(threadId);
      if (await this.#leases.claim(threadId, this.#holder, this.#leaseTtlMs)) break;
      if (Date.now() > deadline) throw threadBusy();
      await this.takeOver(threadId);
    }
    await this.#prepare(threadId, prepare);
    return this.#start(threadId, clientSignal, build);
  }

  /**
   * Claims the thread (or throws 409 if a stream runs on it) and returns the events `build`
   * produces. The thread is released when the stream ends or the consumer stops reading;
   * `clientSignal` (the request's), the consumer stopping and a take-over all abort the
   * signal handed to `build`.
   */
  async open(
    threadId: string,
    clientSignal: AbortSignal | undefined,
    build: (signal: AbortSignal) => AsyncIterable<ThreadStreamEvent>,
    prepare?: () => Promise<void>,
  ): Promise<AsyncIterable<ThreadStreamEvent>> {
    if (this.#running.has(threadId) || !(await this.#leases.claim(threadId, this.#holder, this.#leaseTtlMs))) throw threadBusy();
    await this.#prepare(threadId, prepare);
    return this.#start(threadId, clientSignal, build);
  }

  /** Writes done under the lease before the stream starts; a failure frees the thread and is the answer. */
  async #prepare(threadId: string, prepare: (() => Promise<void>) | undefined): Promise<void> {
    try {
      await prepare?.();
    } catch (error) {
      await this.#leases.release(threadId, this.#holder).catch(() => undefined);
      throw error;
    }
  }

  /** Runs a stream on a thread whose lease this instance holds. */
  #start(
    threadId: string,
    clientSignal: AbortSignal | undefined,
    build: (signal: AbortSignal) => AsyncIterable<ThreadStreamEvent>,
  ): AsyncIterable<ThreadStreamEvent> {
    if (this.#closing) {
      void this.#leases.release(threadId, this.#holder);
      throw new RequestError(503, 'shutting_down', 'the server is restarting; try again');
    }
    const controller = new AbortController();
    const abort = (): void => controller.abort();
    if (clientSignal?.aborted) abort();
    else clientSignal?.addEventListener('abort', abort, { once: true });
    let released = false;
    let markEnded!: () => void;
    const ended = new Promise<void>((resolve) => (markEnded = resolve));
    let shuttingDown = false;
    const shutdown = (): void => {
      shuttingDown = true;
      abort(); // the pipeline saves and returns; the final event follows below
    };
    this.#shutdown.add(shutdown);
    // Renewing keeps other instances out, and is where a cancel request from one of them arrives.
    const renewal = setInterval(() => {
      this.#leases.renew(threadId, this.#holder, this.#leaseTtlMs).then(
        (result) => {
          if (result !== 'held') running.cancel();
        },
        (error: unknown) => this.log('renewing a stream lease failed', error),
      );
    }, this.#renewEveryMs);
    // Node: a stream stuck forever must not keep the process alive on its own.
    (renewal as { unref?: () => void }).unref?.();
    const release = (): void => {
      if (released) return;
      released = true;
      clearInterval(renewal);
      this.#shutdown.delete(shutdown);
      if (this.#running.get(threadId) === running) this.#running.delete(threadId);
      clientSignal?.removeEventListener('abort', abort);
      // The thread is free for others once the lease is gone, so `ended` waits for that.
      this.#leases
        .release(threadId, this.#holder)
        .catch((error: unknown) => this.log('releasing a stream lease failed', error))
        .finally(markEnded);
    };
    const log = this.log;
    // One plain iterator over the built events, not another async-generator layer (promise jobs
    // on every event): a failure outside the pipeline becomes an `error` event, and a shutdown
    // ends the events with SHUTDOWN_EVENT. It never awaits a step itself: `stop` hands over to
    // the source's own `return`, which an async generator (the pipeline) queues behind a step in
    // flight. So a take-over by the owner's next request never awaits a promise of this one
    // (Workers refuse that across requests).
    let source: AsyncIterator<ThreadStreamEvent> | undefined;
    let state: 'streaming' | 'closing' | 'done' = 'streaming';
    const tail: ThreadStreamEvent[] = [];
    const finished = (): IteratorResult<ThreadStreamEvent, void> => {
      state = 'done';
      release();
      return DONE;
    };
    const fromTail = (): IteratorResult<ThreadStreamEvent, void> => (tail.length > 0 ? { done: false, value: tail.shift()! } : finished());
    const sourceEnded = (failure?: { error: unknown }): IteratorResult<ThreadStreamEvent, void> => {
      if (state === 'done') return DONE; // stopped while this step was in flight
      state = 'closing';
      if (failure && !controller.signal.aborted) tail.push(toErrorEvent(failure.error, log));
      if (shuttingDown) tail.push(SHUTDOWN_EVENT);
      return fromTail();
    };
    const next = (): Promise<IteratorResult<ThreadStreamEvent, void>> => {
      if (state === 'done') return Promise.resolve(DONE);
      if (state === 'closing') return Promise.resolve(fromTail());
      try {
        source ??= build(controller.signal)[Symbol.asyncIterator]();
      } catch (error) {
        return Promise.resolve(sourceEnded({ error }));
      }
      return source.next().then(
        (step) => (step.done ? sourceEnded() : state === 'done' ? DONE : step),
        (error: unknown) => sourceEnded({ error }),
      );
    };
    // Stops the events and frees the thread once the pipeline has saved what it had.
    const stop = async (): Promise<IteratorResult<ThreadStreamEvent, void>> => {
      abort();
      const stopping = state === 'streaming' ? source : undefined;
      state = 'done';
      try {
        await stopping?.return?.();
        return DONE;
      } finally {
        release();
      }
    };
    const running: RunningStream = {
      cancel: () => void stop().catch((error: unknown) => this.log('cancelling a stream failed', error)),
      ended,
    };
    this.#running.set(threadId, running);
    // The consumer stopping (client gone) cancels: the pipeline saves, then the thread is free.
    const iterator: AsyncIterator<ThreadStreamEvent> = { next, return: stop };
    return { [Symbol.asyncIterator]: () => iterator };
  }
}
