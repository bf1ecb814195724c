/**
 * Conformance with the reference server: every request of both captures is replayed in order
 * through the whole Hono app (in process, and over a real socket), and every event / JSON
 * answer must equal the capture's, ignoring only ids and timestamps.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { createApp } from '../app.js';
import type { Responder } from './responder.js';
import { post, type Target } from '../test-support/chatkit-client.js';
import { listen, type Listening } from '../test-support/listen.js';
import { SSE_FRAMING } from '../test-support/sse.js';
import { assertWireEqual, IdMap, readCapture } from '../test-support/wire-capture.js';
import { TestAttachmentStore, Wire2Responder, WireResponder, wireActions, wireTranscriber } from '../test-support/wire-responder.js';

const HEADERS = { 'X-Chart-Chat-Client': 'conformance-client-0123456789abcdef01234' };

const captures: Array<{ file: string; exchanges: number; responder: () => Responder }> = [
  { file: 'wire.txt', exchanges: 12, responder: () => new WireResponder() },
  { file: 'wire2.txt', exchanges: 11, responder: () => new Wire2Responder() },
];

function makeApp(responder: Responder) {
  return createApp({ responder, attachments: new TestAttachmentStore(), actions: wireActions, transcribe: wireTranscriber });
}

async function replay(file: string, count: number, target: (app: ReturnType<typeof makeApp>) => Promise<Target>, responder: Responder) {
  const exchanges = readCapture(new URL(`./fixtures/${file}`, import.meta.url));
  assert.equal(exchanges.length, count, `${file}: every exchange is parsed`);
  const app = makeApp(responder);
  const to = await target(app);
  const ids = new IdMap();
  for (const [index, { request, expected }] of exchanges.entries()) {
    const where = `${file} #${index + 1} ${String(request.type)}`;
    const answer = await post(to, ids.substitute(request), HEADERS);
    assert.equal(answer.status, 200, `${where}: ${answer.raw.slice(0, 300)}`);
    if (expected.kind === 'json') {
      assert.equal(answer.contentType, 'application/json', where);
      assertWireEqual(answer.json, expected.body, ids, where);
    } else {
      assert.match(answer.contentType, /^text\/event-stream/, where);
      assert.match(answer.raw, SSE_FRAMING, where);
      const got = answer.events!.map((event) => event.type);
      const want = expected.events.map((event) => (event as { type: string }).type);
      assert.deepEqual(got, want, `${where}: event sequence`);
      assertWireEqual(answer.events, expected.events, ids, where);
    }
  }
  return exchanges.length;
}

for (const { file, exchanges, responder } of captures) {
  describe(`conformance: ${file}`, () => {
    let server: Listening | undefined;
    after(async () => server?.close());

    it('matches the capture in process (app.request)', async () => {
      await replay(file, exchanges, async (app) => app, responder());
    });

    it('matches the capture over a real socket', async () => {
      await replay(
        file,
        exchanges,
        async (app) => {
          server = await listen(app);
          return server.url;
        },
        responder(),
      );
    });
  });
}
