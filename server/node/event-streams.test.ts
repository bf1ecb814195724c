/**
 * How the Node server frames an event stream, over a raw socket: an HTTP/1.1 client gets it
 * chunked, with its headers and opening events before the answer's first text (no read-ahead
 * wait); an HTTP/1.0 client (nginx's default upstream protocol) gets plain bytes and the end of
 * the connection as the end of the stream — never chunk sizes it cannot read.
 */
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { createApp } from '../app.js';
import { EchoResponder } from '../responders/echo.js';
import { createThread, TEST_CLIENT } from '../test-support/chatkit-client.js';
import { listen, type Listening } from '../test-support/listen.js';

interface RawAnswer {
  head: string;
  body: string;
  /** The raw bytes received before the first text delta's frame. */
  beforeFirstDelta: string;
}

/** Sends one POST by hand with the given HTTP version and reads until the server closes. */
function rawPost(port: number, version: '1.0' | '1.1', body: string): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let raw = '';
    let beforeFirstDelta: string | undefined;
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      raw += chunk;
      if (beforeFirstDelta === undefined && raw.includes('text_delta')) beforeFirstDelta = raw.slice(0, raw.indexOf('text_delta'));
      // HTTP/1.1 keeps the connection: the last chunk ends the answer.
      if (version === '1.1' && raw.endsWith('\r\n0\r\n\r\n')) socket.end();
    });
    socket.on('error', reject);
    socket.on('close', () => {
      const split = raw.indexOf('\r\n\r\n');
      resolve({ head: raw.slice(0, split), body: raw.slice(split + 4), beforeFirstDelta: beforeFirstDelta ?? '' });
    });
    const headers = [
      `POST /api/chatkit HTTP/${version}`,
      'Host: 127.0.0.1',
      'Content-Type: application/json',
      `Content-Length: ${Buffer.byteLength(body)}`,
      ...Object.entries(TEST_CLIENT).map(([name, value]) => `${name}: ${value}`),
      ...(version === '1.1' ? ['Connection: keep-alive'] : []),
    ];
    socket.write(`${headers.join('\r\n')}\r\n\r\n${body}`);
  });
}

const frames = (body: string) =>
  body
    .split('\n\n')
    .filter((frame) => frame.startsWith('data: '))
    .map((frame) => JSON.parse(frame.slice(6)) as { type: string });

describe('event streams on the Node server', () => {
  let server: Listening;
  before(async () => {
    server = await listen(createApp({ responder: new EchoResponder() }));
  });
  after(() => server.close());

  it('HTTP/1.1: chunked, headers and opening events sent before the first text', async () => {
    const answer = await rawPost(server.port, '1.1', JSON.stringify(createThread('/slow 3')));
    assert.match(answer.head, /^HTTP\/1\.1 200/);
    assert.match(answer.head, /\r\ntransfer-encoding: chunked/i);
    assert.doesNotMatch(answer.head, /content-length/i);
    // The opening events were on the wire before the answer's first delta (25 ms later).
    assert.match(answer.beforeFirstDelta, /"type":"thread\.created"/);
    assert.match(answer.beforeFirstDelta, /"type":"stream_options"/);
  });

  it('HTTP/1.0: the same events as plain bytes, ended by closing the connection', async () => {
    const answer = await rawPost(server.port, '1.0', JSON.stringify(createThread('hello there')));
    assert.match(answer.head, /^HTTP\/1\.1 200/);
    assert.doesNotMatch(answer.head, /transfer-encoding/i);
    assert.match(answer.head, /\r\ncontent-type: text\/event-stream/i);
    // No chunk-size lines: the body is SSE frames from its first byte.
    assert.ok(answer.body.startsWith('data: {'), answer.body.slice(0, 40));
    const events = frames(answer.body);
    assert.equal(events[0]?.type, 'thread.created');
    assert.equal(events.at(-1)?.type, 'thread.item.done');
    assert.ok(events.some((event) => event.type === 'thread.item.updated'));
  });
});
