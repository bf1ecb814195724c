/**
 * Nothing a user saw is lost, through the default `npm start` (PGlite on files in DATA_DIR):
 * kill -9 in the middle of an answer, start again, and every thread, the finished answer and
 * the streamed part of the cut answer are there, and the thread continues. Also: a second
 * process on the same DATA_DIR refuses with a clear message, and the killed process's stale
 * lock is taken over. SIGTERM ends an open stream with a final event and its partial answer saved.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, it } from 'node:test';
import { addMessage, createdThreadId, createThread, post } from '../test-support/chatkit-client.js';
import { openStream, startServerProcess } from '../test-support/server-process.js';
import type { AssistantMessageItem, ThreadItem } from '../wire/types.js';

const dataDir = mkdtempSync(join(tmpdir(), 'chart-chat-data-'));
after(() => rmSync(dataDir, { recursive: true, force: true }));

const bars = (JSON.parse(readFileSync(new URL('../../demo/data/TSLA-1D.json', import.meta.url), 'utf8')) as { bars: unknown[] }).bars.slice(-300);
const chart = { chart_context: { symbol: 'TSLA', timeframe: '1D', bars } };
const user = { 'X-Chart-Chat-Client': 'persistence-test-client-0123456789abcdef' };
// Slow enough that an answer is still streaming well after the first partial save (every second).
const env = { DATA_DIR: dataDir, ANALYST_CHUNK_DELAY_MS: '60' };

async function items(url: string, threadId: string): Promise<ThreadItem[]> {
  const answer = await post(url, { type: 'items.list', params: { thread_id: threadId, limit: 50, order: 'asc' } }, user);
  assert.equal(answer.status, 200, answer.raw);
  return (answer.json as { data: ThreadItem[] }).data;
}
const textOf = (item: ThreadItem | undefined): string => (item as AssistantMessageItem).content.map((part) => part.text).join('');

it('npm start (PGlite): kill -9 mid-answer, restart, everything the user saw is there and the thread continues', { timeout: 240_000 }, async () => {
  const first = await startServerProcess(env);
  let finishedThread: string;
  let cut: Awaited<ReturnType<typeof openStream>>;
  try {
    const finished = await post(first.url, { ...createThread('what is the trend?'), metadata: chart }, user);
    assert.equal(finished.status, 200);
    finishedThread = createdThreadId(finished);

    // A second process on the same folder refuses, naming the reason.
    const second = startServerProcess(env);
    await assert.rejects(second, /DATA_DIR .* is in use by another chart-chat process/);

    cut = await openStream(first.url, addMessage(finishedThread, 'draw support and resistance', chart), user, 40, finishedThread);
    await new Promise((resolve) => setTimeout(resolve, 1500)); // past at least one partial save
    first.child.kill('SIGKILL');
    await first.exited;
    await cut.done;
  } finally {
    first.child.kill('SIGKILL');
  }
  const seen = cut.text();
  assert.ok(seen.length >= 40);

  const again = await startServerProcess(env); // takes over the stale lock
  try {
    const list = await post(again.url, { type: 'threads.list', params: { limit: 10, order: 'desc' } }, user);
    assert.deepEqual((list.json as { data: { id: string }[] }).data.map((t) => t.id), [finishedThread]);
    const stored = await items(again.url, finishedThread);
    assert.deepEqual(stored.map((item) => item.type), ['user_message', 'assistant_message', 'user_message', 'assistant_message']);
    assert.ok(textOf(stored[1]).length > 20, 'the finished answer');
    const partial = textOf(stored[3]);
    assert.ok(partial.trim().length > 0, 'the cut answer kept something');
    assert.ok(seen.startsWith(partial), `what was saved is what the user saw: ${JSON.stringify(partial.slice(0, 80))}`);
    assert.equal('incomplete' in stored[3]!, false, 'the wire form does not carry the stored marker');

    const next = await post(again.url, addMessage(finishedThread, 'what is the trend?', chart), user);
    assert.equal(next.status, 200);
    assert.ok(next.events?.some((event) => event.type === 'thread.item.done' && event.item.type === 'assistant_message'));
    assert.equal((await items(again.url, finishedThread)).length, 6);

    // SIGTERM mid-answer: a final event reaches the client, and the partial answer is saved.
    const ending = await openStream(again.url, addMessage(finishedThread, 'draw support and resistance', chart), user, 20, finishedThread);
    await again.stop();
    await ending.done;
    const last = ending.events.at(-1);
    assert.equal(last?.type, 'error', `the stream ends with a final event, got ${JSON.stringify(last)}`);
    assert.equal(await again.exited, 0);
  } finally {
    again.child.kill('SIGKILL');
  }
  const third = await startServerProcess(env);
  try {
    const stored = await items(third.url, finishedThread);
    assert.equal(stored.length, 8);
    assert.ok(textOf(stored[7]).trim().length > 0, 'the answer cut by SIGTERM was saved');
  } finally {
    await third.stop();
  }
});
