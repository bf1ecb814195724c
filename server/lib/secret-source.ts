/**
 * Secret bytes, or a function that makes them on first use. Cloudflare Workers refuse random
 * values outside a request ("Disallowed operation called within global scope"), and apps are
 * usually built at module scope there, so a generated secret must wait for the first request.
 */
export type SecretSource = Uint8Array | (() => Uint8Array);

/** The bytes of a secret source (a lazy one is made now, once). */
export const secretBytes = (source: SecretSource): Uint8Array => (typeof source === 'function' ? source() : source);

/** 32 random bytes, generated on first use and the same ever after. */
export function randomSecretOnFirstUse(): () => Uint8Array {
  let bytes: Uint8Array | undefined;
  return () => (bytes ??= crypto.getRandomValues(new Uint8Array(32)));
}
