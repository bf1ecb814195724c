/**
 * Two `npm start` processes on one real PostgreSQL (DATABASE_URL, same CHART_CHAT_SECRET)
 * behave as one server: a thread made on one is listed and continued on the other; the owner's
 * new message on one cancels the answer streaming on the other (seen at its next lease
 * renewal) and keeps its partial text; and when one is killed mid-answer, the other takes the
 * thread over once the lease expires, with the streamed part of the cut answer kept.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import { addMessage, createdThreadId, createThread, post } from '../test-support/chatkit-client.js';
import { freshPostgres, NO_POSTGRES } from '../test-support/databases.js';
import { openStream, startServerProcess, type ServerProcess } from '../test-support/server-process.js';
import type { AssistantMessageItem, ThreadItem } from '../wire/types.js';

const LEASE_SECONDS = 3;
const bars = (JSON.parse(readFileSync(new URL('../../demo/data/TSLA-1D.json', import.meta.url), 'utf8')) as { bars: unknown[] }).bars.slice(-300);
const chart = { chart_context: { symbol: 'TSLA', timeframe: '1D', bars } };
const user = { 'X-Chart-Chat-Client': 'cluster-test-client-0123456789abcdef0123' };

const database = await freshPostgres();

async function items(url: string, threadId: string): Promise<ThreadItem[]> {
  const answer = await post(url, { type: 'items.list', params: { thread_id: threadId, limit: 50, order: 'asc' } }, user);
  assert.equal(answer.status, 200, answer.raw);
  return (answer.json as { data: ThreadItem[] }).data;
}
const textOf = (item: ThreadItem | undefined): string => (item as AssistantMessageItem).content.map((part) => part.text).join('');
const assistantTexts = (list: ThreadItem[]) => list.filter((item) => item.type === 'assistant_message').map(textOf);

if (!database) {
  describe('two instances on one PostgreSQL', () => {
    it('share threads, cancel across instances, and survive one being killed mid-answer', (t) => t.skip(NO_POSTGRES));
  });
} else describe('two instances on one PostgreSQL', () => {
  let a: ServerProcess;
  let b: ServerProcess;
  after(async () => {
    a?.child.kill('SIGKILL');
    await b?.stop();
    await database?.drop();
  });

  it('share threads, cancel across instances, and survive one being killed mid-answer', { timeout: 240_000 }, async () => {
    const env = {
      DATABASE_URL: database!.url,
      CHART_CHAT_SECRET: 'a-shared-secret-of-at-least-32-characters!',
      STREAM_LEASE_SECONDS: String(LEASE_SECONDS),
      ANALYST_CHUNK_DELAY_MS: '60',
    };
    [a, b] = await Promise.all([startServerProcess(env), startServerProcess(env)]);

    // Made on A, listed and continued on B.
    const created = await post(a.url, { ...createThread('what is the trend?'), metadata: chart }, user);
    const threadId = createdThreadId(created);
    const listed = await post(b.url, { type: 'threads.list', params: { limit: 10, order: 'desc' } }, user);
    assert.deepEqual((listed.json as { data: { id: string }[] }).data.map((t) => t.id), [threadId]);
    const continued = await post(b.url, addMessage(threadId, 'what is the trend?', chart), user);
    assert.equal(continued.status, 200);
    assert.equal((await items(a.url, threadId)).length, 4);

    // Stop, then send again, across instances: B's message cancels A's running answer.
    const running = await openStream(a.url, addMessage(threadId, 'draw support and resistance', chart), user, 20, threadId);
    const resent = await post(b.url, addMessage(threadId, 'what is the trend?', chart), user);
    assert.equal(resent.status, 200, resent.raw);
    await running.done;
    const afterCancel = await items(b.url, threadId);
    const kept = assistantTexts(afterCancel);
    assert.equal(kept.length, 4, `the cancelled answer is kept: ${JSON.stringify(afterCancel.map((i) => i.type))}`);
    assert.ok(running.text().startsWith(kept[2]!) && kept[2]!.trim() !== '', 'its saved text is what A streamed');

    // A dies mid-answer: B waits for the lease to expire, then takes the thread over.
    const cut = await openStream(a.url, addMessage(threadId, 'draw support and resistance', chart), user, 20, threadId);
    await new Promise((resolve) => setTimeout(resolve, 1500)); // past a partial save
    a.child.kill('SIGKILL');
    await a.exited;
    const seen = cut.text();
    const started = Date.now();
    const takeover = await post(b.url, addMessage(threadId, 'what is the trend?', chart), user);
    const waited = Date.now() - started;
    assert.equal(takeover.status, 200, takeover.raw);
    assert.ok(waited < (LEASE_SECONDS + 3) * 1000, `taken over within the lease time (${waited} ms)`);
    const final = assistantTexts(await items(b.url, threadId));
    assert.equal(final.length, 6);
    assert.ok(final[4]!.trim() !== '' && seen.startsWith(final[4]!), 'the streamed part of the cut answer is kept');
  });
});
