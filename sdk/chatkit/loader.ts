/**
 * Loads OpenAI's ChatKit script once per page and resolves when `<openai-chatkit>` is defined.
 * Fails when the script errors (the element bounds the wait with `chatkitTimeout`). A script tag
 * the host added itself (same `src`) is not added again; we only wait for the element.
 */
const TAG = 'openai-chatkit';
const loads = new Map<string, Promise<unknown>>();

export function loadChatKit(src: string): Promise<unknown> {
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
  return Promise.all([loads.get(src), customElements.whenDefined(TAG)]);
}
