import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Hono } from 'hono';
import { keyGuard, SecretScanner } from './key-guard.js';

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
