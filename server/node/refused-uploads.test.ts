/**
 * Uploads refused from their headers alone (401 no identity, 403 foreign origin, 413 declared
 * too large, 429 over the limit) or part way (413 of a chunked body) are answered, never reset:
 * over a real socket, with bodies from half a kilobyte to 24 MB sent as fast as the client can,
 * the client reads the status and its JSON error every time — with Node's client on fresh and on
 * reused keep-alive connections, and with a client that sends its whole request before it reads
 * anything (where a server that closes early resets the connection under the unread answer).
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { Agent, request } from 'node:http';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { createApp } from '../app.js';
import { EchoResponder } from '../responders/echo.js';
import { TEST_CLIENT } from '../test-support/chatkit-client.js';
import { listen, type Listening } from '../test-support/listen.js';

const freshClientId = () => `upload-${randomUUID()}`;
const CHUNK = Buffer.alloc(64 * 1024, 0x20);
const SIZES = [512, 64 * 1024, 1024 * 1024, 4 * 1024 * 1024, 24 * 1024 * 1024];

interface Outcome {
  status: number;
  code?: string;
  error?: string;
}

/** POSTs `size` bytes in 64 KB writes (respecting backpressure); resolves with what the client read. */
function upload(url: string, headers: Record<string, string>, size: number, agent: Agent | false): Promise<Outcome> {
  return new Promise((resolve) => {
    let settled = false;
    const done = (outcome: Outcome) => {
      if (!settled) resolve(outcome);
      settled = true;
    };
    const req = request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json', ...headers, 'content-length': String(size) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        let code: string | undefined;
        try {
          code = (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { error?: { code?: string } }).error?.code;
        } catch {
          code = undefined;
        }
        done({ status: res.statusCode ?? 0, ...(code !== undefined && { code }) });
      });
      res.on('error', (error) => done({ status: -1, error: String(error) }));
    });
    // A write error after the whole answer was read is the client's own business (it was told to stop).
    req.on('error', (error) => done({ status: -1, error: String(error) }));
    let sent = 0;
    const pump = () => {
      while (sent < size) {
        const piece = CHUNK.subarray(0, Math.min(CHUNK.length, size - sent));
        sent += piece.length;
        if (sent >= size) {
          req.end(piece);
          return;
        }
        if (!req.write(piece)) {
          req.once('drain', pump);
          return;
        }
      }
    };
    pump();
  });
}

/** Sends the whole request (head, then the body in 64 KB writes, chunked if asked) before reading a byte of the answer. */
function uploadThenRead(port: number, headers: Record<string, string>, size: number, chunked: boolean): Promise<Outcome> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.pause();
    const received: Buffer[] = [];
    let settled = false;
    const done = (outcome: Outcome) => {
      if (!settled) resolve(outcome);
      settled = true;
      socket.destroy();
    };
    const stall = setTimeout(() => done({ status: -1, error: 'stalled' }), 20_000);
    socket.on('error', (error) => done({ status: -1, error: String(error) }));
    socket.on('data', (chunk: Buffer) => received.push(chunk));
    socket.on('end', () => {
      clearTimeout(stall);
      const text = Buffer.concat(received).toString('utf8');
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? -1);
      let code: string | undefined;
      try {
        code = (JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4)) as { error?: { code?: string } }).error?.code;
      } catch {
        code = undefined;
      }
      done({ status, ...(code !== undefined && { code }) });
    });
    const head = [
      'POST /api/chatkit HTTP/1.1',
      `Host: 127.0.0.1:${port}`,
      'Content-Type: application/json',
      'Connection: close',
      ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
      chunked ? 'Transfer-Encoding: chunked' : `Content-Length: ${size}`,
    ];
    const write = (data: string | Buffer) => new Promise<void>((ok) => (socket.write(data) ? ok() : socket.once('drain', ok)));
    void (async () => {
      await write(`${head.join('\r\n')}\r\n\r\n`);
      for (let sent = 0; sent < size && !settled; sent += CHUNK.length) {
        const piece = CHUNK.subarray(0, Math.min(CHUNK.length, size - sent));
        await write(chunked ? Buffer.concat([Buffer.from(`${piece.length.toString(16)}\r\n`), piece, Buffer.from('\r\n')]) : piece);
      }
      if (chunked) await write('0\r\n\r\n');
      socket.resume(); // only now read the answer
    })();
  });
}

describe('uploads refused from their headers alone are answered, not reset', () => {
  let server: Listening;
  const target = () => `${server.url}/api/chatkit`;

  before(async () => {
    const app = createApp({
      responder: new EchoResponder(),
      cors: { origins: ['https://allowed.example'] },
      // One request per minute per user: the second upload of a user is refused with 429 from its headers.
      rateLimit: { perIp: false, perUser: { capacity: 1, refillPerSecond: 1 / 60 } },
      maxBodyBytes: 256 * 1024,
      log: () => {},
    });
    server = await listen(app);
  });
  after(() => server.close());

  const cases: { name: string; status: number; code: string; headers: () => Record<string, string>; minSize?: number }[] = [
    { name: '401 without an identity', status: 401, code: 'missing_identity', headers: () => ({}) },
    { name: '403 from a foreign origin', status: 403, code: 'origin_not_allowed', headers: () => ({ ...TEST_CLIENT, origin: 'https://evil.example' }) },
    // A fresh user each time, so the per-user limit does not answer first.
    { name: '413 declared too large', status: 413, code: 'payload_too_large', headers: () => ({ 'x-chart-chat-client': freshClientId() }), minSize: 256 * 1024 + 1 },
    { name: '429 over the limit', status: 429, code: 'rate_limited', headers: () => ({ 'x-chart-chat-client': 'limited-client-0123456789abcdef0123456' }) },
  ];

  for (const c of cases) {
    it(c.name, async () => {
      // The limited user spends its one request first.
      if (c.status === 429) await upload(target(), c.headers(), 2, false);
      const failures: string[] = [];
      const keepAlive = new Agent({ keepAlive: true, maxSockets: 1 });
      try {
        for (const size of SIZES.filter((s) => s >= (c.minSize ?? 0))) {
          for (const agent of [false, keepAlive] as const) {
            for (let round = 0; round < 3; round++) {
              const outcome = await upload(target(), c.headers(), size, agent);
              if (outcome.status !== c.status || outcome.code !== c.code) failures.push(`${size} B ${agent ? 'keep-alive' : 'fresh'} #${round}: ${JSON.stringify(outcome)}`);
            }
          }
        }
      } finally {
        keepAlive.destroy();
      }
      assert.deepEqual(failures, []);
    });

    it(`${c.name}, to a client that sends everything before it reads`, async () => {
      if (c.status === 429) await upload(target(), c.headers(), 2, false);
      const failures: string[] = [];
      for (const size of SIZES.filter((s) => s >= (c.minSize ?? 0))) {
        const outcome = await uploadThenRead(server.port, c.headers(), size, false);
        if (outcome.status !== c.status || outcome.code !== c.code) failures.push(`${size} B: ${JSON.stringify(outcome)}`);
      }
      assert.deepEqual(failures, []);
    });
  }

  it('413 part way through a chunked body (no length declared), to either client', async () => {
    const failures: string[] = [];
    for (const size of [1024 * 1024, 4 * 1024 * 1024, 24 * 1024 * 1024]) {
      const headers = { 'x-chart-chat-client': freshClientId() };
      const outcome = await uploadThenRead(server.port, headers, size, true);
      if (outcome.status !== 413 || outcome.code !== 'payload_too_large') failures.push(`${size} B chunked, sent first: ${JSON.stringify(outcome)}`);
    }
    assert.deepEqual(failures, []);
  });
});
