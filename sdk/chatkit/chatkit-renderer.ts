/**
 * The ChatKit renderer: hosts `<openai-chatkit>`, hands it a complete options object on every
 * change (ChatKit replaces options, it never merges) and turns its DOM events into ours.
 * Callbacks are stable and read the element's live state, so context changes need no setOptions.
 *
 * `chatkit.ready` only means the frame loaded (a refused domain key fires it too, then a
 * `chatkit.error`, then removes the frame), so `startChatKit` waits through a grace window before
 * the element trusts ChatKit. This module is a lazy chunk: pages on the lite UI never load it.
 */
import type { ChatKitOptions, OpenAIChatKit } from '@openai/chatkit';
import { handleAction, handleEffect, runClientTool } from '../bridge.js';
import { fire } from '../events.js';
import type { ChartChatErrorCode } from '../events.js';
import { DEFAULT_CHATKIT_SRC } from '../options.js';
import { promptParts, transportOf, type Renderer, type RendererHost } from '../renderer.js';
import { loadChatKit } from './loader.js';
import { chatkitLocale } from './locale.js';

/** ChatKit's own placeholder for localhost, where it skips domain verification. Never sent elsewhere. */
export const DEV_DOMAIN_KEY = 'local-dev';

const isLocalhost = (host = location.hostname) =>
  host === 'localhost' || host.endsWith('.localhost') || host === '127.0.0.1' || host === '[::1]';

/**
 * The key to hand ChatKit: on localhost the integrator's key or a placeholder; elsewhere only a
 * real `domain_pk_…` key. `undefined`: ChatKit cannot run on this page.
 */
export const domainKeyFor = (key: string | undefined): string | undefined =>
  isLocalhost() ? key || DEV_DOMAIN_KEY : key?.startsWith('domain_pk_') ? key : undefined;

/** Why ChatKit cannot run: an Error with the `chart-chat-error` code to report. */
export type ChatKitFailure = Error & { code?: ChartChatErrorCode };

/**
 * Loads ChatKit and starts it for `host`. Without a usable domain key it refuses at once
 * (`domain_key_required`); otherwise the script must define `<openai-chatkit>` and ChatKit must be
 * ready within `chatkitTimeout`, then stay healthy through a grace window (min(3 s, timeout / 2)).
 * `show` puts the still invisible renderer in the page (false: no longer wanted). Rejects with a
 * {@link ChatKitFailure}; the caller disposes a shown renderer that failed.
 */
export async function startChatKit(host: RendererHost, show: (renderer: ChatKitRenderer) => boolean): Promise<ChatKitRenderer> {
  if (!domainKeyFor(host.domainKey)) {
    throw Object.assign(Error(`ChatKit needs a domain-key (domain_pk_…) on ${location.hostname}`), { code: 'domain_key_required' as const });
  }
  const timeout = host.chatkitTimeout;
  const started = Date.now();
  let timer: ReturnType<typeof setTimeout> | undefined;
  await Promise.race([
    loadChatKit(host.chatkitSrc || DEFAULT_CHATKIT_SRC),
    new Promise((_, reject) => (timer = setTimeout(reject, timeout, Error(`<openai-chatkit> was not defined within ${timeout} ms`)))),
  ]).finally(() => clearTimeout(timer));
  const renderer = new ChatKitRenderer(host);
  renderer.update(); // options first: ChatKit loads its frame once it has them and is in the page
  if (!show(renderer)) {
    renderer.dispose();
    throw Error('superseded');
  }
  await renderer.start(timeout - (Date.now() - started), Math.min(3000, timeout / 2), timeout);
  return renderer;
}

export class ChatKitRenderer implements Renderer {
  readonly kind = 'chatkit';
  threadId: string | null = null;
  readonly element = document.createElement('openai-chatkit') as OpenAIChatKit;
  /** Ends every listener, observer and timer of this renderer. */
  readonly #life = new AbortController();

  constructor(private readonly host: RendererHost) {
    const on = <D>(type: string, listener: (detail: D) => void) =>
      this.element.addEventListener(type, (e) => listener((e as CustomEvent<D>).detail), { signal: this.#life.signal });
    this.element.setAttribute('part', 'chatkit');
    on<{ name?: unknown; data?: unknown }>('chatkit.effect', (d) => {
      if (typeof d?.name === 'string') handleEffect(host, d.name, d.data);
    });
    on<{ error?: unknown } | undefined>('chatkit.error', (d) => host.reportError('chatkit_error', d?.error));
    on('chatkit.response.start', () => fire(host, 'chart-chat-response-start', null));
    on('chatkit.response.end', () => fire(host, 'chart-chat-response-end', null));
    on<{ threadId?: string | null }>('chatkit.thread.change', (d) => {
      this.threadId = d?.threadId ?? null;
      fire(host, 'chart-chat-thread-change', { threadId: this.threadId });
    });
  }

  /**
   * Resolves once ChatKit is ready within `remaining` ms and then stays healthy for `grace` ms
   * (no `chatkit.error`, its frame still there at the end); rejects otherwise. ChatKit stays invisible meanwhile.
   * `timeout` (the whole budget) is what the error message names.
   */
  start(remaining: number, grace: number, timeout = remaining): Promise<void> {
    const el = this.element;
    const { signal } = this.#life;
    el.style.opacity = '0';
    return new Promise((resolve, reject) => {
      const settle = (error?: unknown) => {
        clearTimeout(timer);
        el.removeEventListener('chatkit.error', failed);
        el.style.opacity = '';
        error ? reject(error) : resolve();
      };
      const failed = (e: Event) => settle((e as CustomEvent<{ error?: unknown } | undefined>).detail?.error ?? Error('ChatKit failed'));
      let timer = setTimeout(settle, remaining, Error(`ChatKit was not ready within ${timeout} ms`));
      signal.addEventListener('abort', () => settle());
      el.addEventListener('chatkit.error', failed);
      el.addEventListener(
        'chatkit.ready',
        () => {
          clearTimeout(timer);
          // ChatKit removes its frame when it gives up (a refused domain key does so after an error).
          const frame = el.shadowRoot?.querySelector('iframe');
          timer = setTimeout(() => settle(frame?.isConnected === false ? Error('ChatKit removed its frame') : undefined), grace);
        },
        { once: true, signal },
      );
    });
  }

  /** ChatKit's fetch: the element's transport (which tells us when the thread on screen is gone). */
  readonly #fetch: typeof fetch = (input, init) => transportOf(this.host)(input, init, this);

  /**
   * A message to the thread on screen found it gone (deleted, expired by retention): let go of
   * it, so the next message starts a new thread instead of failing until the user clicks "New thread".
   */
  threadGone(gone: unknown) {
    if (gone === this.threadId && gone) {
      this.threadId = null;
      void this.element.setThreadId(null);
      this.host.reportError('thread_gone', Error(`thread ${gone} is no longer available: the next message starts a new thread`));
    }
  }

  /** The whole option set: the integrator's `chatkitOptions` under what the element owns. */
  options(): ChatKitOptions {
    const h = this.host;
    const x = h.chatkitOptions ?? {};
    const locale = chatkitLocale(h.locale) ?? x.locale;
    return {
      ...x,
      api: { ...x.api, url: h.apiUrl, domainKey: domainKeyFor(h.domainKey)!, fetch: this.#fetch },
      theme: typeof x.theme === 'object' ? { colorScheme: h.theme, ...x.theme } : h.theme,
      ...(locale && { locale }),
      composer: { ...x.composer, ...(!!h.placeholder && { placeholder: h.placeholder }) },
      startScreen: {
        prompts: [],
        ...x.startScreen,
        ...(!!h.greeting && { greeting: h.greeting }),
        ...(h.prompts.length > 0 && { prompts: h.prompts.map(promptParts) }),
      },
      onClientTool: ({ name, params }) => runClientTool(h, name, params, x.onClientTool),
      // chart_command / chart_proposal actions are the element's; every other action goes to the integrator's handler.
      widgets: {
        ...x.widgets,
        onAction: (action, item) =>
          action.type === 'chart_command' || action.type === 'chart_proposal' ? handleAction(h, action) : (x.widgets?.onAction?.(action, item) ?? Promise.resolve()),
      },
    };
  }

  render() {
    return this.element;
  }

  update() {
    this.element.setOptions(this.options());
  }

  sendMessage(text: string) {
    return this.element.sendUserMessage({ text });
  }

  newThread() {
    void this.element.setThreadId(null);
  }

  focusComposer() {
    void this.element.focusComposer();
  }

  /** Stops listening and takes ChatKit out of the page (late events of a removed element are ignored). */
  dispose() {
    this.#life.abort();
    this.element.remove();
  }
}
