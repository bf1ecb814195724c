/**
 * Loads OpenAI's ChatKit script once per page and waits until `<openai-chatkit>` is defined.
 * Fails (so `auto` can fall back) when the script errors or the element is not defined in time.
 * A script tag the host added itself (same `src`) is not added again; we only wait for the element.
 */
export const DEFAULT_CHATKIT_SRC = 'https://cdn.platform.openai.com/deployments/chatkit/chatkit.js';

const TAG = 'openai-chatkit';
const loads = new Map<string, Promise<unknown>>();

export function loadChatKit(src: string, timeoutMs: number): Promise<unknown> {
  if (!customElements.get(TAG) && !loads.has(src) && !document.querySelector(`script[src="${CSS.escape(src)}"]`)) {
    loads.set(
      src,
      new Promise((resolve, reject) => {
        const script = Object.assign(document.createElement('script'), { src, async: true, onload: resolve });
        script.onerror = () => {
          loads.delete(src); // a later element may try again
          script.remove();
          reject(Error(`could not load the ChatKit script from ${src}`));
        };
        document.head.append(script);
      }),
    );
  }
  // The losing timer is harmless: race() has already settled.
  return Promise.race([
    Promise.all([loads.get(src), customElements.whenDefined(TAG)]),
    new Promise((_, reject) => setTimeout(reject, timeoutMs, Error(`<${TAG}> was not defined within ${timeoutMs} ms`))),
  ]);
}
