/**
 * The random client id kept per browser, sent with every protocol request (the server's default
 * `resolveUser` scopes threads by it).
 */
export const CLIENT_ID_KEY = 'chart-chat:client-id';

let memoryId: string | undefined;

/** A random id, stable per browser profile when localStorage works, per page otherwise. */
export function clientId(): string {
  try {
    let id = localStorage.getItem(CLIENT_ID_KEY);
    if (!id) localStorage.setItem(CLIENT_ID_KEY, (id = randomId()));
    return id;
  } catch {
    return (memoryId ??= randomId());
  }
}

// getRandomValues works outside secure contexts too, unlike crypto.randomUUID.
const randomId = () => Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
