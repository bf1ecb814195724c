/**
 * The key guard's edge: an OpenAI key the model streams in pieces, cut anywhere within its
 * first characters ("s" + "k-" + "pro" + …), through the real path — the OpenAI responder
 * against a real local stand-in upstream, the whole app over a socket. Not one character of
 * the key may reach the client: the guard holds back a delta's tail that could start a key
 * (even a lone "s") until the next delta or event shows whether it does.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createApp } from '../app.js';
import { OpenAIResponder } from '../responders/openai/openai-responder.js';
import { addMessage, createdThreadId, createThread, post } from '../test-support/chatkit-client.js';
import { startFakeOpenAI, turn, type FakeOpenAI } from '../test-support/fake-openai.js';
import { listen, type Listening } from '../test-support/listen.js';
import type { ThreadStreamEvent } from '../wire/types.js';

const KEY = 'sk-proj-SPLITCHECK-0f1e2d3c4b5a69788796a5b4c3d2e1f0';
/** Cuts are tried at every position up to here (2^(HEAD-1) ways to cut the key's head). */
const HEAD = 8;

/** Every way to cut `KEY.slice(0, HEAD)` into pieces; the rest of the key is one more piece. */
function splits(): string[][] {
  const out: string[][] = [];
  for (let mask = 0; mask < 2 ** (HEAD - 1); mask++) {
    const pieces: string[] = [];
    let from = 0;
    for (let at = 1; at < HEAD; at++) {
      if (mask & (1 << (at - 1))) {
        pieces.push(KEY.slice(from, at));
        from = at;
      }
    }
    pieces.push(KEY.slice(from, HEAD), KEY.slice(HEAD));
    out.push(pieces);
  }
  return out;
}

/** The text deltas the client received, in order. */
function deltas(events: readonly ThreadStreamEvent[]): string[] {
  return events.flatMap((e) => (e.type === 'thread.item.updated' && e.update.type === 'assistant_message.content_part.text_delta' ? [e.update.delta] : []));
}

describe('the key guard: a key split anywhere within its first characters', () => {
  let upstream: FakeOpenAI;
  let server: Listening;
  let threadId: string;
  const leaks: string[] = [];

  before(async () => {
    upstream = await startFakeOpenAI();
    const app = createApp({
      responder: new OpenAIResponder({ apiKey: KEY, baseURL: upstream.baseURL, maxRetries: 0, timeoutMs: 5000 }),
      secrets: [KEY],
      log: (message) => leaks.push(message),
    });
    server = await listen(app);
    upstream.enqueue(turn.text('Hello.'));
    threadId = createdThreadId(await post(server.url, createThread('hi')));
  });
  after(async () => {
    await server.close();
    await upstream.close();
  });

  it(`never sends a character of the key, for all ${2 ** (HEAD - 1)} ways to cut its first ${HEAD} characters (alone, or glued to the text before)`, async () => {
    let runs = 0;
    for (const pieces of splits()) {
      for (const glued of [false, true]) {
        // Glued: the first piece shares a delta with the text before it ("It is s" + "k-" + …).
        const chunks = glued ? [`It is ${pieces[0]}`, ...pieces.slice(1), ' — done.'] : ['It is ', ...pieces, ' — done.'];
        upstream.enqueue(turn.text(...chunks));
        const answer = await post(server.url, addMessage(threadId, 'your key?'));
        const what = `${JSON.stringify(chunks.slice(0, -1))}`;
        assert.equal(answer.status, 200, what);
        const received = deltas(answer.events ?? []);
        // Deltas only append: if the joined text is exact, no delta ever carried a piece of the key.
        assert.equal(received.join(''), 'It is [REDACTED] — done.', what);
        for (let n = 3; n <= KEY.length; n++) assert.ok(!answer.raw.includes(KEY.slice(0, n)), `${what}: ${KEY.slice(0, n)} reached the client`);
        runs++;
      }
    }
    assert.equal(runs, 2 ** HEAD);
    assert.equal(upstream.pending, 0);
  });

  it('releases a held tail intact when it turns out not to be the key: at the next delta, before the next event, or at the end', async () => {
    upstream.enqueue(turn.text('levels', ' ask', 's', 'k-', 'pro', 'j-', 'X marks', ' the end s'));
    const answer = await post(server.url, addMessage(threadId, 'ordinary text'));
    const received = deltas(answer.events ?? []);
    assert.equal(received.join(''), 'levels asksk-proj-X marks the end s');
    // Nothing is lost or reordered, and the message that was saved says the same.
    const done = (answer.events ?? []).find((e) => e.type === 'thread.item.done' && e.item.type === 'assistant_message');
    assert.ok(done && done.type === 'thread.item.done' && done.item.type === 'assistant_message');
    assert.equal(done.item.content.map((part) => ('text' in part ? part.text : '')).join(''), 'levels asksk-proj-X marks the end s');
    // The last delta's "s" could start a key: it is held until the part ends, then released.
    assert.equal(received.at(-1)?.endsWith('s'), true);
  });
});
