/**
 * Driving the demo (or any page with one `<chart-chat>`) like a user: type into the lite
 * renderer's composer, wait for the streamed answer to end, read it. Every `chart-command`
 * event the page sees is recorded from the first script on (`window.__commands`).
 */
import type { Page } from 'playwright-core';
import type { ChartCommand } from '../../sdk/contract/index.js';

declare global {
  interface Window {
    __commands: ChartCommand[];
    __responses: number;
  }
}

/** Call before `page.goto`: records commands and finished responses for the whole page life. */
export async function recordChat(page: Page): Promise<void> {
  await page.addInitScript(() => {
    window.__commands = [];
    window.__responses = 0;
    document.addEventListener('chart-command', (e) => window.__commands.push((e as CustomEvent<ChartCommand>).detail));
    document.addEventListener('chart-chat-response-end', () => window.__responses++);
  });
}

export interface Answer {
  text: string;
  /** The commands that arrived while this answer streamed. */
  commands: ChartCommand[];
}

/** Types a message into the composer, presses Enter, waits for the answer to finish. */
export async function ask(page: Page, text: string): Promise<Answer> {
  const [responses, commandCount, answers] = await page.evaluate(() => [
    window.__responses,
    window.__commands.length,
    document.querySelector('chart-chat')!.shadowRoot!.querySelectorAll('[part~="assistant-message"]').length,
  ]);
  const input = page.locator('chart-chat textarea');
  await input.fill(text);
  await input.press('Enter');
  await page.waitForFunction((n) => window.__responses > n, responses, { timeout: 20_000 });
  const messages = page.locator('chart-chat [part~="assistant-message"]');
  await page.waitForFunction(
    (n) => document.querySelector('chart-chat')!.shadowRoot!.querySelectorAll('[part~="assistant-message"]').length > n,
    answers,
  );
  // Commands are applied synchronously; the adapter publishes the context on the next frame.
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  return {
    text: (await messages.last().innerText()).trim(),
    commands: await page.evaluate((from) => window.__commands.slice(from), commandCount),
  };
}
