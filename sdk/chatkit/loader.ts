/**
 * Loads OpenAI's ChatKit script once per page and waits until `<openai-chatkit>` is defined.
 * Fails (so `auto` can fall back) when the script errors or the element is not defined in time.
 */
export const DEFAULT_CHATKIT_SRC = 'https://cdn.platform.openai.com/deployments/chatkit/chatkit.js';

const loads = new Map<string, Promise<unknown>>();

export function loadChatKit(src: string, timeoutMs: number): Promise<unknown> {
  const tag = 'openai-chatkit';
  if (customElements.get(tag)) return Promise.resolve();
  let load = loads.get(src);
  // A script tag the host added itself counts as loading; we only wait for the element.
  if (!load && ![...document.scripts].some((s) => s.src === new URL(src, location.href).href)) {
    load = new Promise((resolve, reject) => {
      const script = document.createElement('script');
      script.src = src;
      script.async = true;
      script.onload = resolve;
      script.onerror = () => {
        loads.delete(src); // a later element may try again
        script.remove();
        reject(new Error(`could not load the ChatKit script from ${src}`));
      };
      document.head.append(script);
    });
    loads.set(src, load);
  }
  let timer: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([
    Promise.all([load, customElements.whenDefined(tag)]),
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`<${tag}> was not defined within ${timeoutMs} ms`)), timeoutMs);
    }),
  ]).finally(() => clearTimeout(timer));
}
