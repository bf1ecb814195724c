/**
 * Client-side latency of a chart command: from the SSE bytes carrying a `client_effect` reaching
 * the page to the `chart-command` event on `<chart-chat>` (SSE parsing, valibot validation,
 * dispatch). Real Chromium, the built script-tag bundle (lite renderer), a real server on
 * loopback. The page clock is read twice in the page, so no cross-process clock is involved:
 * a wrapper around `window.fetch` stamps each response chunk as the renderer reads it.
 *
 * Two shapes: one command per answer (the usual case, N answers), and one answer carrying a
 * burst of commands (throughput of the element's pipeline).
 */
import type { ThreadStreamEvent } from '../server/wire/types.js';
import { ScriptedResponder } from '../server/test-support/scripted-responder.js';
import { launchChromium, serveSite } from '../server/test-support/browser.js';
import { measureBundles } from './bundle-sizes.js';
import { percentile } from './stats.js';

const SINGLE_RUNS = 60;
const BURST = 500;

const command = (i: number) => ({ type: 'price_line', id: `lvl-${i % 40}`, price: 100 + (i % 97) / 10, role: i % 2 ? 'support' : 'resistance', label: `L${i}` });

/** In the page, before the bundle: stamp every `client_effect` as its chunk is read, and every `chart-command`. */
const INSTRUMENT = `
window.__effectsIn = []; window.__commandsOut = [];
const realFetch = window.fetch.bind(window);
window.fetch = async (...args) => {
  const res = await realFetch(...args);
  if (!res.body || !(res.headers.get('content-type') || '').startsWith('text/event-stream')) return res;
  const decoder = new TextDecoder();
  let carry = '';
  const stamp = new TransformStream({
    transform(chunk, controller) {
      const now = performance.now();
      const text = carry + decoder.decode(chunk, { stream: true });
      // An event split across chunks counts once, when its closing blank line arrives.
      const end = text.lastIndexOf('\\n\\n');
      carry = end < 0 ? text : text.slice(end + 2);
      const complete = end < 0 ? '' : text.slice(0, end + 2);
      const effects = complete.split('"type":"client_effect"').length - 1;
      for (let i = 0; i < effects; i++) window.__effectsIn.push(now);
      controller.enqueue(chunk);
    },
  });
  return new Response(res.body.pipeThrough(stamp), { status: res.status, statusText: res.statusText, headers: res.headers });
};
document.addEventListener('chart-command', () => window.__commandsOut.push(performance.now()));
`;

export default async function elementBench(): Promise<Record<string, string | number>> {
  measureBundles(); // fails early with "run npm run build first"
  const responder = new ScriptedResponder(async function* (_thread, input): AsyncGenerator<ThreadStreamEvent> {
    const text = input?.content[0]?.type === 'input_text' ? input.content[0].text : '';
    const count = text === 'burst' ? BURST : 1;
    for (let i = 0; i < count; i++) yield { type: 'client_effect', name: 'chart_command', data: command(i) };
  });
  const site = await serveSite(responder, {
    '/bench.html': `<!doctype html><script>${INSTRUMENT}</script><script type="module" src="/dist/chart-chat.bundle.js"></script><chart-chat renderer="lite" style="height:300px"></chart-chat>`,
  });
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    await page.goto(`${site.url}/bench.html`);
    await page.locator('chart-chat [part~="input"]').waitFor();

    const send = (text: string) =>
      page.evaluate((t) => (document.querySelector('chart-chat') as unknown as { sendMessage(t: string): Promise<void> }).sendMessage(t), text);
    const reset = () => page.evaluate(() => { (window as any).__effectsIn = []; (window as any).__commandsOut = []; });
    const read = () => page.evaluate(() => ({ inn: (window as any).__effectsIn as number[], out: (window as any).__commandsOut as number[] }));

    for (let i = 0; i < 5; i++) await send('one'); // warm-up: JIT, connection
    await reset();
    for (let i = 0; i < SINGLE_RUNS; i++) await send('one');
    const single = await read();
    if (single.inn.length !== SINGLE_RUNS || single.out.length !== SINGLE_RUNS) {
      throw new Error(`expected ${SINGLE_RUNS} effects and commands, saw ${single.inn.length} and ${single.out.length}`);
    }
    const latencies = single.out.map((t, i) => t - single.inn[i]!);

    await reset();
    await send('burst');
    const burst = await read();
    if (burst.inn.length !== BURST || burst.out.length !== BURST) throw new Error(`burst: saw ${burst.inn.length} effects and ${burst.out.length} commands`);
    const burstLatencies = burst.out.map((t, i) => t - burst.inn[i]!);
    const burstSpan = burst.out.at(-1)! - burst.inn[0]!;

    return {
      'answers with one command': SINGLE_RUNS,
      'effect -> chart-command p50 (ms)': percentile(latencies, 50),
      'effect -> chart-command p99 (ms)': percentile(latencies, 99),
      'effect -> chart-command max (ms)': Math.max(...latencies),
      [`burst: ${BURST} commands in one answer, first byte -> last event (ms)`]: burstSpan,
      'burst: commands/s through the element': Math.round((BURST / burstSpan) * 1000),
      'burst: per-command latency p50 (ms)': percentile(burstLatencies, 50),
      'burst: per-command latency p99 (ms)': percentile(burstLatencies, 99),
    };
  } finally {
    await browser.close();
    await site.close();
  }
}
