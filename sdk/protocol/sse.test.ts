import { expect } from '@open-wc/testing';
import { SseParser, readSse } from './sse.js';

// Two ChatKit events as the server frames them, plus the SSE features a proxy might add.
const WIRE =
  'data: {"type":"stream_options","stream_options":{"allow_cancel":true}}\n\n' +
  ': keep-alive comment\n\n' +
  'event: message\r\nid: 7\r\ndata: {"type":"progress_update","text":"Looking at the chart… 📈"}\r\n\r\n' +
  'data:{"a":1}\ndata: {"b":2}\n\n';
const EXPECTED = [
  '{"type":"stream_options","stream_options":{"allow_cancel":true}}',
  '{"type":"progress_update","text":"Looking at the chart… 📈"}',
  '{"a":1}\n{"b":2}',
];

function parseInChunks(chunks: string[]) {
  const parser = new SseParser();
  return chunks.flatMap((chunk) => parser.push(chunk));
}

function streamOf(chunks: Uint8Array<ArrayBuffer>[]) {
  return new ReadableStream<Uint8Array<ArrayBuffer>>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(chunk);
      controller.close();
    },
  });
}

async function collect(body: ReadableStream<Uint8Array<ArrayBuffer>>) {
  const out: string[] = [];
  for await (const data of readSse(body)) out.push(data);
  return out;
}

describe('SSE parser', () => {
  it('parses a whole stream in one chunk', () => {
    expect(parseInChunks([WIRE])).to.deep.equal(EXPECTED);
  });

  it('gives the same events for every split point', () => {
    for (let i = 0; i <= WIRE.length; i++) {
      expect(parseInChunks([WIRE.slice(0, i), WIRE.slice(i)]), `split at ${i}`).to.deep.equal(EXPECTED);
    }
  });

  it('gives the same events one character at a time', () => {
    expect(parseInChunks([...WIRE])).to.deep.equal(EXPECTED);
  });

  it('emits an event only once its blank line arrived', () => {
    const parser = new SseParser();
    expect(parser.push('data: {"x":1}\n')).to.deep.equal([]);
    expect(parser.push('\n')).to.deep.equal(['{"x":1}']);
    expect(parser.push('data: {"y":')).to.deep.equal([]);
  });

  it('decodes UTF-8 split inside a character, at every byte boundary', async () => {
    const bytes = new TextEncoder().encode(WIRE);
    for (let i = 0; i <= bytes.length; i += 1) {
      const events = await collect(streamOf([bytes.slice(0, i), bytes.slice(i)]));
      expect(events, `split at byte ${i}`).to.deep.equal(EXPECTED);
    }
  });

  it('drops an unterminated event at the end of the stream', async () => {
    const bytes = new TextEncoder().encode('data: {"done":1}\n\ndata: {"half":');
    expect(await collect(streamOf([bytes]))).to.deep.equal(['{"done":1}']);
  });
});
