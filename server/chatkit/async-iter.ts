/**
 * Tiny event-source combinators the protocol core composes streams with. `lazy` and `prepend`
 * are plain iterators that hand each step straight to their source: every async-generator layer
 * costs a few promise jobs per event, and these sit on every streamed event.
 */

const DONE: IteratorReturnResult<undefined> = { done: true, value: undefined };

/** Calls `make` only when iteration starts, so a synchronous throw surfaces inside the stream. */
export function lazy<T>(make: () => AsyncIterable<T>): AsyncIterable<T> {
  return prepend([], make);
}

/** `first` (in order), then the events of `rest()`, which is called only once they are needed. */
export function prepend<T>(first: readonly T[], rest: () => AsyncIterable<T>): AsyncIterable<T> {
  return {
    [Symbol.asyncIterator]() {
      let index = 0;
      let source: AsyncIterator<T> | undefined;
      let finished = false;
      return {
        next() {
          if (finished) return Promise.resolve(DONE);
          if (index < first.length) return Promise.resolve({ done: false, value: first[index++]! });
          try {
            source ??= rest()[Symbol.asyncIterator]();
          } catch (error) {
            finished = true;
            return Promise.reject(error);
          }
          return source.next();
        },
        return() {
          finished = true;
          return source?.return ? source.return() : Promise.resolve(DONE);
        },
      };
    },
  };
}

export async function* single<T>(value: T): AsyncGenerator<T, void, undefined> {
  yield value;
}

// eslint-disable-next-line require-yield
export async function* fail(error: Error): AsyncGenerator<never, void, undefined> {
  throw error;
}
