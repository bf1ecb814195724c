import assert from 'node:assert/strict';
import { describe, it, test } from 'node:test';
import { Hono } from 'hono';
import { DeltaGuard } from './delta-guard.js';
import { keyGuard } from './key-guard.js';
import { SecretScanner } from './secret-scanner.js';

const KEY = 'sk-test-LEAKCHECK-0123456789abcdef';
const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);

test('the scanner redacts a secret wherever the chunk boundaries fall', () => {
  const text = `data: {"a":"x${KEY}y"}\n\ndata: {"b":"${KEY}${KEY}"}\n\n`;
  const bytes = enc(text);
  const expected = text.split(KEY).join('[REDACTED]');
  for (let cut1 = 0; cut1 <= bytes.length; cut1 += 3) {
    for (let cut2 = cut1; cut2 <= bytes.length; cut2 += 11) {
      let hits = 0;
      const scanner = new SecretScanner([enc(KEY)], () => hits++);
      const out = [scanner.push(bytes.subarray(0, cut1)), scanner.push(bytes.subarray(cut1, cut2)), scanner.push(bytes.subarray(cut2)), scanner.flush()];
      assert.equal(out.map(dec).join(''), expected, `cuts ${cut1}/${cut2}`);
      assert.equal(hits, 3);
    }
  }
});

test('the scanner passes ordinary text through untouched and holds back only possible prefixes', () => {
  const scanner = new SecretScanner([enc(KEY)]);
  assert.equal(dec(scanner.push(enc('hello world'))), 'hello world');
  assert.equal(dec(scanner.push(enc('ends with sk-te'))), 'ends with ');
  assert.equal(dec(scanner.push(enc('rrific'))), 'sk-terrific');
  assert.equal(dec(scanner.push(enc('tail sk-test-LEAK'))), 'tail ');
  assert.equal(dec(scanner.flush()), 'sk-test-LEAK');
});

test('the middleware scrubs JSON bodies, streams and headers', async () => {
  const leaks: string[] = [];
  const app = new Hono();
  app.use('*', keyGuard({ secrets: [KEY], onLeak: (where) => leaks.push(where) }));
  app.get('/json', (c) => c.json({ error: { message: `Incorrect API key provided: ${KEY}` } }, 502, { 'x-debug': `key=${KEY}` }));
  app.get('/stream', () => {
    const parts = ['data: {"t":"sk-test-LEA', 'KCHECK-0123456789abcdef"}\n\n', 'data: {}\n\n'];
    return new Response(new ReadableStream({ pull(c) { const p = parts.shift(); if (p === undefined) c.close(); else c.enqueue(enc(p)); } }), {
      headers: { 'content-type': 'text/event-stream' },
    });
  });
  const json = await app.request('/json');
  assert.equal(json.status, 502);
  assert.equal(json.headers.get('x-debug'), 'key=[REDACTED]');
  assert.deepEqual(await json.json(), { error: { message: 'Incorrect API key provided: [REDACTED]' } });
  const stream = await app.request('/stream');
  assert.equal(await stream.text(), 'data: {"t":"[REDACTED]"}\n\ndata: {}\n\n');
  assert.deepEqual(leaks.sort(), ['body', 'body', 'header']);
});

describe('a secret spread over several text deltas', () => {
  const frame = (event: unknown) => `data: ${JSON.stringify(event)}\n\n`;
  const delta = (text: string, item = 'msg_1') => frame({ type: 'thread.item.updated', item_id: item, update: { type: 'assistant_message.content_part.text_delta', content_index: 0, delta: text } });
  const done = frame({ type: 'thread.item.done', item: { type: 'assistant_message', id: 'msg_1', content: [{ type: 'output_text', text: 'x' }] } });
  const run = (frames: string[], cut = 0) => {
    let hits = 0;
    const guard = new DeltaGuard([enc(KEY)], () => hits++);
    const bytes = enc(frames.join(''));
    const parts = cut > 0 ? [bytes.subarray(0, cut), bytes.subarray(cut)] : [bytes];
    const out = [...parts.map((p) => guard.push(p)), guard.flush()].map(dec).join('');
    return { out, hits };
  };
  const texts = (sse: string) =>
    sse.split('\n\n').filter(Boolean).map((f) => JSON.parse(f.slice(6)) as { type: string; update?: { delta?: string } }).map((e) => (e.update?.delta !== undefined ? e.update.delta : `<${e.type}>`));

  it('is replaced, the text stays in order and held text is released before the next event', () => {
    for (let cut = 0; cut < 400; cut += 37) {
      const { out, hits } = run([delta('The key is sk-test-LEAK'), delta('CHECK-0123'), delta('456789abcdef and more'), done], cut);
      assert.equal(hits, 1, `cut ${cut}`);
      assert.ok(!out.includes('LEAKCHECK') && !out.includes('0123456789abcdef'));
      assert.equal(texts(out).filter((t) => !t.startsWith('<')).join(''), 'The key is [REDACTED] and more');
      assert.equal(texts(out).at(-1), '<thread.item.done>');
    }
    // A held prefix that turns out not to be the key is released intact, before the done event.
    const { out } = run([delta('see sk-test-LEAK'), delta('Y pipes'), done]);
    assert.deepEqual(texts(out), ['see ', 'sk-test-LEAKY pipe', 's', '<thread.item.done>']);
    const { out: atEnd } = run([delta('ends with sk-test-LE'), done]);
    assert.deepEqual(texts(atEnd), ['ends with ', 'sk-test-LE', '<thread.item.done>']);
  });

  it('holds a delta ending in any start of the secret, down to one character, and releases it intact with the next event', () => {
    // Every cut of the secret's head: "s" + "k-" + …, "sk-t" + "est-" + …
    for (let cut = 1; cut < 10; cut++) {
      const { out, hits } = run([delta(`key: ${KEY.slice(0, cut)}`), delta(KEY.slice(cut)), delta(' end'), done]);
      assert.equal(hits, 1, `cut ${cut}`);
      assert.deepEqual(texts(out), ['key: ', '[REDACTED]', ' end', '<thread.item.done>'], `cut ${cut}`);
    }
    // Ordinary text ending in "s" or "sk-" is held only until the next delta or event shows it is not the key.
    const { out, hits } = run([frame({ type: 'thread.created', thread: { id: 't' } }), delta('levels'), delta(' ask-'), delta('sk-'), delta('te'), done]);
    assert.equal(hits, 0);
    assert.deepEqual(texts(out), ['<thread.created>', 'level', 's a', 'sk-', 'sk-te', '<thread.item.done>']);
  });

  it('leaves deltas that cannot end in a start of the secret byte-for-byte alone', () => {
    const frames = [frame({ type: 'thread.created', thread: { id: 't' } }), delta('level'), delta(' ask- '), delta('k-te'), done, frame({ type: 'stream_options', stream_options: { allow_cancel: true } })];
    const { out, hits } = run(frames);
    assert.equal(out, frames.join(''));
    assert.equal(hits, 0);
  });
});

test("the protocol's own event streams are guarded as text, without a second stream around their body", async () => {
  const { sseResponse } = await import('../chatkit/sse.js');
  const leaks: string[] = [];
  let made: Response | undefined;
  const app = new Hono();
  app.use('*', keyGuard({ secrets: [KEY], onLeak: (where) => leaks.push(where) }));
  app.post('/stream', () => {
    async function* events() {
      yield { type: 'progress_update' as const, text: `whole ${KEY} here` };
      for (const delta of ['key: s', 'k-test-LEAK', 'CHECK-0123456789abcdef', ' done'])
        yield { type: 'thread.item.updated' as const, item_id: 'msg_1', update: { type: 'assistant_message.content_part.text_delta' as const, content_index: 0, delta } };
    }
    made = sseResponse(events());
    return made;
  });
  const res = await app.request('/stream', { method: 'POST' });
  assert.equal(res.body, made!.body, 'the body is the event stream itself');
  const text = await res.text();
  assert.ok(!text.includes(KEY) && !text.includes('LEAKCHECK'), text);
  assert.match(text, /whole \[REDACTED\] here/);
  const deltas = text.split('\n\n').filter((frame) => frame.includes('text_delta')).map((frame) => (JSON.parse(frame.slice(6)) as { update: { delta: string } }).update.delta);
  assert.equal(deltas.join(''), 'key: [REDACTED] done');
  assert.ok(leaks.length >= 2 && leaks.every((where) => where === 'body'));
});
