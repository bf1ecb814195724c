// Confirm mode end to end: the real `npm start` server (offline analyst), the built demo in Debian's
// Chromium. "Draw support and resistance" shows ghost lines and a card; Apply makes them real; a
// second turn replaces them; Undo removes exactly that turn's lines and restores what they replaced;
// Redo puts them back. Screenshots of each step go to demo/e2e/out/confirm-*.png.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { ask, recordChat } from './chat-page.js';
import './demo-window.js';
import { demoUnderTest, SCREENSHOTS } from './harness.js';

const HOST_LINE = 'host-prev-close';

const demo = demoUnderTest();

/** The candle series' price lines other than the host's, as `id@price title`. */
const aiLines = (page: Page) =>
  page.evaluate((host) =>
    window.demo!.candles
      .priceLines()
      .map((l) => l.options())
      .filter((o) => o.id !== host)
      .map((o) => ({ id: o.id, price: o.price, title: o.title, style: o.lineStyle })),
  HOST_LINE);

const inChat = (page: Page, part: string) => page.locator(`chart-chat [part~="${part}"]`);
const frames = (page: Page) => page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));

describe('demo: confirm mode, proposals, undo and redo', () => {
  it('proposes as ghosts and a card, applies, undoes exactly one turn (restoring what it replaced) and redoes it', async () => {
    const page = await demo.browser.newPage({ viewport: { width: 1280, height: 800 } });
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    await recordChat(page);
    try {
      await page.goto(demo.server.url);
      await page.waitForFunction(() => document.documentElement.dataset.ready === 'true');
      await page.locator('#confirm').check();
      assert.equal(await page.evaluate(() => (window.demo!.chat as unknown as { apply: string }).apply), 'confirm');

      // Turn 1: a proposal. Ghosts on the chart (dashed, "proposed"), a card in the chat, no command yet.
      const proposed = await ask(page, 'Draw support and resistance');
      assert.deepEqual(proposed.commands, [], 'nothing is applied before Apply');
      await inChat(page, 'proposal').waitFor();
      const ghosts = await aiLines(page);
      assert.ok(ghosts.length >= 2, `ghost lines: ${JSON.stringify(ghosts)}`);
      assert.ok(ghosts.every((g) => g.title.startsWith('proposed') && g.style === 2), 'dashed and marked proposed');
      const items = await inChat(page, 'proposal-item').allInnerTexts();
      assert.equal(items.length, ghosts.length);
      assert.ok(items.some((t) => /Support/.test(t)) && items.some((t) => /Resistance/.test(t)), items.join(' | '));
      await page.screenshot({ path: join(SCREENSHOTS, 'confirm-1-proposed.png') });

      // Apply: the ghosts become the real lines, through chart-command events.
      await inChat(page, 'apply-button').click();
      await inChat(page, 'undo-button').waitFor();
      await frames(page);
      const first = await aiLines(page);
      assert.deepEqual(first.map((l) => l.id).sort(), ghosts.map((g) => g.id).sort());
      assert.ok(first.every((l) => !l.title.startsWith('proposed')), 'real lines now');
      assert.equal(await inChat(page, 'proposal').count(), 0, 'the card is gone');
      const applied = await page.evaluate(() => window.__commands.length);
      assert.equal(applied, first.length);
      await page.screenshot({ path: join(SCREENSHOTS, 'confirm-2-applied.png') });

      // Turn 2, on other bars (the host switched to 1h): the same ids at new prices replace turn 1's lines.
      await page.selectOption('#timeframe', '1h');
      await page.waitForFunction(() => window.demo!.chat.chartContext?.timeframe === '1h');
      await ask(page, 'Draw support and resistance');
      await inChat(page, 'apply-button').click();
      await page.waitForFunction((n) => window.__commands.length > n, applied);
      await frames(page);
      const second = await aiLines(page);
      assert.notDeepEqual(second.map((l) => l.price), first.map((l) => l.price), 'turn 2 moved the levels');
      assert.equal(await inChat(page, 'undo-button').count(), 2, 'one Undo per turn that changed the chart');
      await page.screenshot({ path: join(SCREENSHOTS, 'confirm-3-second-turn.png') });

      // Undo turn 2: exactly its lines go, turn 1's come back.
      await inChat(page, 'undo-button').last().click();
      await inChat(page, 'redo-button').waitFor();
      await frames(page);
      const undone = await aiLines(page);
      const byId = (lines: { id?: string; price: number }[]) => Object.fromEntries(lines.map((l) => [l.id, l.price]));
      for (const [id, price] of Object.entries(byId(first))) {
        if (second.some((l) => l.id === id)) assert.equal(byId(undone)[id], price, `${id} restored to turn 1's price`);
      }
      for (const l of second) if (!first.some((f) => f.id === l.id)) assert.equal(byId(undone)[l.id!], undefined, `${l.id} (added by turn 2) removed`);
      const origins = await page.evaluate(() => Array.from(document.querySelectorAll('#command-log li'), (li) => li.textContent ?? ''));
      assert.ok(origins.some((t) => t.includes('(undo)')), 'the host can tell undo commands apart');
      await page.screenshot({ path: join(SCREENSHOTS, 'confirm-4-undone.png') });

      // Redo: turn 2's lines are back.
      await inChat(page, 'redo-button').click();
      await page.waitForFunction(() => !document.querySelector('chart-chat')!.shadowRoot!.querySelector('[part~="redo-button"]'));
      await frames(page);
      assert.deepEqual(byId(await aiLines(page)), byId(second));
      await page.screenshot({ path: join(SCREENSHOTS, 'confirm-5-redone.png') });

      // The AI layer hides and shows in one switch.
      await page.locator('#ai-layer').uncheck();
      assert.deepEqual(await aiLines(page), []);
      await page.locator('#ai-layer').check();
      assert.deepEqual(byId(await aiLines(page)), byId(second));
      assert.deepEqual(problems, []);
    } finally {
      await page.close();
    }
  });
});
