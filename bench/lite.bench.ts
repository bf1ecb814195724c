/**
 * The lite UI against hostile and long model output, in real Chromium with the built script-tag
 * bundle and a real server on loopback (issue 14.7).
 *
 * - Hostile answers: one 100,000-character line without spaces, a run of 100,000 `[`, and other
 *   adversarial runs for the inline parser. "Render" is from `sendMessage()` to the answer laid out
 *   and the next animation frame, so it includes the request, the stream, Lit and layout; the
 *   same figure for a one-word answer is reported as the floor.
 * - A long answer streamed in small deltas: the cost of one update of the element (render, markdown,
 *   and the layout the lite UI forces to keep the log scrolled) when the answer is about 1,000
 *   characters long and when it is about 50,000. The ratio is what must not grow with the length.
 */
import type { ThreadStreamEvent } from '../server/wire/types.js';
import { ScriptedResponder, assistantDone } from '../server/test-support/scripted-responder.js';
import { launchChromium, serveSite } from '../server/test-support/browser.js';
import { sleep, streamAssistantMessage } from '../server/responders/kit/index.js';
import { measureBundles } from './bundle-sizes.js';
import { percentile } from './stats.js';

const N = 100_000;
/** Answers that once froze the tab or made the link pattern quadratic. */
const HOSTILE: Record<string, string> = {
  '100k-character line': 'x'.repeat(N),
  '100k `[`': '['.repeat(N),
  '50k `](`': ']('.repeat(N / 2),
  '100k `*`': '*'.repeat(N),
  '100k backticks': '`'.repeat(N),
  '100k `_`': '_'.repeat(N),
  'nested brackets': '['.repeat(N / 2) + ']'.repeat(N / 2),
  '`[a](` repeated': '[a]('.repeat(N / 4),
  '`**a` repeated': '**a'.repeat(N / 3),
  '25k list items': '- a\n'.repeat(N / 4),
  '33k paragraphs': 'a\n\n'.repeat(N / 3),
};
const LONG = 50_000;
const DELTA = 20;
const PROBE = 1_000;
const STREAMED_DELTAS = 1000;

/** A long, ordinary answer: paragraphs with inline styles and links, lists, code blocks. */
export function longAnswer(length: number): string {
  const blocks: string[] = [];
  for (let i = 0; blocks.join('\n\n').length < length; i++) {
    if (i % 5 === 3) blocks.push(`- level **${100 + i}** held\n- [source ${i}](https://example.com/${i})\n- *watch* \`SMA(${i})\``);
    else if (i % 7 === 6) blocks.push('```\nconst level = ' + i + ';\nreturn level * 2;\n```');
    else blocks.push(`Support at **${200 + i}** with *rising* volume and \`RSI(14)\` near ${i % 70}; see [the chart](https://example.com/c/${i}). `.repeat(2).trim());
  }
  return blocks.join('\n\n').slice(0, length);
}

const PAGE = `<!doctype html>
<script type="module" src="/dist/chart-chat.bundle.js"></script>
<chart-chat renderer="lite" style="display:block;width:420px;height:600px"></chart-chat>
<script type="module">
  await customElements.whenDefined('chart-chat');
  const chat = document.querySelector('chart-chat');
  const log = () => chat.shadowRoot.querySelector('[part~="log"]');
  const frame = () => new Promise((r) => requestAnimationFrame(() => setTimeout(r)));
  /** Sends, waits for the answer, forces layout and a frame: milliseconds from send to painted. */
  window.timeAnswer = async (text) => {
    chat.newThread();
    await frame();
    const t0 = performance.now();
    await chat.sendMessage(text);
    await chat.updateComplete;
    void log().scrollHeight;
    await frame();
    const ms = performance.now() - t0;
    const answer = [...chat.shadowRoot.querySelectorAll('[part~="assistant-message"]')].at(-1);
    const box = answer.getBoundingClientRect();
    return { ms, chars: answer.textContent.trim().length, overflow: answer.scrollWidth > Math.ceil(box.width) + 1 || box.width > log().clientWidth };
  };
  /** Times every element update while a long answer streams, with the answer's length at that time. */
  window.timeUpdates = async (text) => {
    chat.newThread();
    await frame();
    const updates = [];
    const perform = chat.performUpdate;
    chat.performUpdate = function () {
      const t0 = performance.now();
      perform.call(this);
      const ms = performance.now() - t0;
      const answer = [...this.shadowRoot.querySelectorAll('[part~="assistant-message"]')].at(-1);
      updates.push([ms, answer ? answer.textContent.length : 0]);
    };
    try { await chat.sendMessage(text); } finally { delete chat.performUpdate; }
    return updates;
  };
</script>`;

export default async function liteBench(): Promise<Record<string, string | number>> {
  measureBundles(); // fails early with "run npm run build first"
  const responder = new ScriptedResponder(async function* (thread, input, ctx): AsyncGenerator<ThreadStreamEvent> {
    const text = input?.content[0]?.type === 'input_text' ? input.content[0].text : '';
    const [kind, ...rest] = text.split(' ');
    const name = rest.join(' ');
    if (kind === 'once') yield assistantDone(thread, ctx, HOSTILE[name] ?? name);
    else if (kind === 'stream') {
      // The hostile text in 1,000 deltas of 100 characters, as a model would stream it.
      const whole = HOSTILE[name]!;
      const size = Math.ceil(whole.length / STREAMED_DELTAS);
      yield* streamAssistantMessage(thread, ctx, Array.from({ length: STREAMED_DELTAS }, (_, i) => whole.slice(i * size, (i + 1) * size)));
    } else if (kind === 'long') {
      // Delta by delta, with time for one render each, through the first PROBE characters and the
      // last PROBE; quickly in between.
      const whole = longAnswer(LONG);
      yield* streamAssistantMessage(thread, ctx, (async function* () {
        for (let i = 0; i < whole.length; ) {
          const probe = i < PROBE || i >= LONG - PROBE;
          const size = probe ? DELTA : 10 * DELTA;
          yield whole.slice(i, (i += size));
          await sleep(probe ? 20 : 1);
        }
      })());
    } else yield assistantDone(thread, ctx, 'ok');
  });
  const site = await serveSite(responder, { '/bench.html': PAGE });
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    await page.goto(`${site.url}/bench.html`);
    await page.locator('chart-chat [part~="input"]').waitFor();
    await page.waitForFunction(() => 'timeAnswer' in window);
    type Timed = { ms: number; chars: number; overflow: boolean };
    const time = (text: string) => page.evaluate((t) => (window as unknown as { timeAnswer(t: string): Promise<Timed> }).timeAnswer(t), text);
    const median = async (text: string, runs: number, expected: number) => {
      const results: Timed[] = [];
      for (let i = 0; i < runs; i++) results.push(await time(text));
      for (const r of results) {
        if (r.chars < expected) throw new Error(`"${text}": only ${r.chars} of ${expected} characters rendered`);
        if (r.overflow) throw new Error(`"${text}": the answer overflows the message box`);
      }
      return percentile(results.map((r) => r.ms), 50);
    };

    for (let i = 0; i < 3; i++) await time('floor'); // warm-up
    const result: Record<string, string | number> = { 'floor: one-word answer, send -> painted (ms)': await median('floor', 5, 2) };
    for (const [name, text] of Object.entries(HOSTILE)) {
      // What must show: everything but the markers the parser may consume.
      const visible = name.includes('line') ? N : 0;
      result[`${name}, one event (ms)`] = await median(`once ${name}`, 3, visible);
    }
    for (const name of ['100k-character line', '100k `[`']) result[`${name}, ${STREAMED_DELTAS.toLocaleString('en-US')} deltas (ms)`] = await median(`stream ${name}`, 1, name.includes('line') ? N : 0);

    const updates = await page.evaluate(() => (window as unknown as { timeUpdates(t: string): Promise<Array<[number, number]>> }).timeUpdates('long'));
    // One update per delta while probing. Lengths are of the rendered text (markers and link
    // targets do not show), so the windows are fractions of the final length: the first PROBE
    // characters but the very first ones, and the last PROBE but the update that ends the answer.
    const final = updates.at(-1)![1];
    const within = (from: number, to: number) => updates.slice(0, -1).filter(([, length]) => length > from * final && length <= to * final).map(([ms]) => ms);
    const [early, late] = [within(0.2 * (PROBE / LONG), PROBE / LONG), within(1 - 0.9 * (PROBE / LONG), 1)];
    if (early.length < 20 || late.length < 20) throw new Error(`too few single-delta updates: ${early.length} near 1k, ${late.length} near 50k characters`);
    const [p1k, p50k] = [percentile(early, 50), percentile(late, 50)];
    Object.assign(result, {
      [`long answer: ${LONG.toLocaleString('en-US')} chars, element updates`]: updates.length,
      [`one ${DELTA}-char delta at ~1k chars, median (ms)`]: p1k,
      [`one ${DELTA}-char delta at ~50k chars, median (ms)`]: p50k,
      'per-delta cost, 50k ÷ 1k': p50k / p1k,
    });
    return result;
  } finally {
    await browser.close();
    await site.close();
  }
}
