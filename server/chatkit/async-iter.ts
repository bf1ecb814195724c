/** Tiny async-generator combinators the protocol core composes event sources with. */

/** Calls `make` only when iteration starts, so a synchronous throw surfaces inside the stream. */
export async function* lazy<T>(make: () => AsyncIterable<T>): AsyncGenerator<T, void, undefined> {
  yield* make();
}

export async function* prepend<T>(first: T, rest: AsyncIterable<T>): AsyncGenerator<T, void, undefined> {
  yield first;
  yield* rest;
}

export async function* single<T>(value: T): AsyncGenerator<T, void, undefined> {
  yield value;
}

// eslint-disable-next-line require-yield
export async function* fail(error: Error): AsyncGenerator<never, void, undefined> {
  throw error;
}
