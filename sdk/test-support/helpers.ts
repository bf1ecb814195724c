/** Shared helpers for the element's browser tests (not part of the package). */
import { fixture, html, waitUntil } from '@open-wc/testing';
import type { ChartChat } from '../chart-chat.js';
import type { ChartContextInput } from '../contract/index.js';
import '../define.js';

export const CONTEXT: ChartContextInput = {
  symbol: 'TSLA',
  timeframe: '1D',
  lastPrice: 251.5,
  // Deliberately out of order: the element sends the validated (sorted) bars.
  bars: [
    { time: 1_700_086_400, open: 250, high: 255, low: 248, close: 251.5 },
    { time: 1_700_000_000, open: 240, high: 252, low: 239, close: 250, volume: 1200 },
  ],
};

export interface SeenRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
}

/** Requests the test runner's proxy forwarded to the real server since the last call. */
export async function seenRequests(): Promise<SeenRequest[]> {
  return (await fetch('/__test/requests')).json();
}

export async function liteChat(props: { context?: ChartContextInput; prompts?: ChartChat['prompts']; greeting?: string } = {}) {
  const el = await fixture<ChartChat>(html`<chart-chat
    renderer="lite"
    greeting=${props.greeting ?? 'Ask me about this chart'}
    .chartContext=${props.context}
    .prompts=${props.prompts ?? []}
  ></chart-chat>`);
  await waitUntil(() => el.activeRenderer === 'lite' && part(el, 'input'), 'lite renderer did not mount', { timeout: 5000 });
  return el;
}

export function part<T extends Element = HTMLElement>(el: ChartChat, name: string): T | null {
  return el.shadowRoot!.querySelector<T>(`[part~="${name}"]`);
}

export function parts<T extends Element = HTMLElement>(el: ChartChat, name: string): T[] {
  return [...el.shadowRoot!.querySelectorAll<T>(`[part~="${name}"]`)];
}

export const lastAnswer = (el: ChartChat) => parts(el, 'assistant-message').at(-1)?.textContent?.trim() ?? '';

export const isBusy = (el: ChartChat) => !!part(el, 'stop-button');

/** Waits until no answer is streaming and returns the last answer's text. */
export async function answered(el: ChartChat, what = 'the answer'): Promise<string> {
  await waitUntil(() => !isBusy(el) && lastAnswer(el), `no ${what}`, { timeout: 5000 });
  return lastAnswer(el);
}

/** Records every event of the given types dispatched on `target`. */
export function record<E extends Event = Event>(target: EventTarget, ...types: string[]) {
  const events: E[] = [];
  for (const type of types) target.addEventListener(type, (e) => events.push(e as E));
  return events;
}

/** `waitUntil` with a timeout that allows for a busy CI machine (the server streams in real time). */
export const until = (predicate: () => unknown, message?: string) => waitUntil(predicate, message, { timeout: 5000 });
