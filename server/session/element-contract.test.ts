/**
 * The session contract between the element and this server, checked with the element's own
 * protocol code (sdk/protocol: `createTransport`, `sessionTokens`, `clientId`) — not a copy —
 * against the real app over a socket: it mints a token from `session-url`, sends it on every
 * request, and after a 401 (here: the server restarted with a new secret) renews once. The
 * identity is the server's device (never the element's self-chosen client id); after a secret
 * change nothing old can be proven, so the renewed token speaks for a new device.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Hono } from 'hono';
import { clientId } from '../../sdk/protocol/client-id.js';
import { sessionTokens } from '../../sdk/protocol/session.js';
import { createTransport } from '../../sdk/protocol/transport.js';
import { createApp } from '../app.js';
import { EchoResponder } from '../responders/echo.js';
import { createThread } from '../test-support/chatkit-client.js';
import { listen, type Listening } from '../test-support/listen.js';
import { parseSse } from '../test-support/sse.js';

const secretA = new TextEncoder().encode('element-contract-secret-A-0123456789abcdef');
const secretB = new TextEncoder().encode('element-contract-secret-B-0123456789abcdef');

describe('the element session client against the server', () => {
  const seen: { path: string; authorization: string | undefined; status: number }[] = [];
  const apps = {
    a: createApp({ responder: new EchoResponder(), session: { secret: secretA, requireSession: true } }),
    b: createApp({ responder: new EchoResponder(), session: { secret: secretB, requireSession: true } }),
  };
  let current = apps.a;
  let server: Listening;
  before(async () => {
    // A front that can swap the app behind the same URL: a server restart with a new secret.
    const front = new Hono();
    front.all('*', async (c) => {
      const response = await current.fetch(c.req.raw, c.env);
      seen.push({ path: new URL(c.req.url).pathname, authorization: c.req.header('authorization'), status: response.status });
      return response;
    });
    server = await listen(front);
  });
  after(() => server.close());

  it('mints, sends and renews the token; the identity is a server-chosen device', async () => {
    const errors: string[] = [];
    const transport = createTransport({
      sessionUrl: `${server.url}/api/session`,
      requestMetadata: () => ({}),
      // What the renderers hand the transport (sdk/renderer.ts's transportOf).
      sessionTokens,
      reportError: (code) => errors.push(code),
    });
    const send = (body: unknown) => transport(`${server.url}/api/chatkit`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

    const first = await send(createThread('hello'));
    assert.equal(first.status, 200);
    assert.ok(parseSse(await first.text()).some((e) => e.type === 'thread.created'));
    const listed = await send({ type: 'threads.list', params: {} });
    assert.equal(((await listed.json()) as { data: unknown[] }).data.length, 1);
    assert.deepEqual(seen.map((s) => [s.path, s.status]), [['/api/session', 200], ['/api/chatkit', 200], ['/api/chatkit', 200]]);
    const token = seen[1]!.authorization!.slice('Bearer '.length);
    assert.equal(seen[2]!.authorization, `Bearer ${token}`, 'the token is reused while fresh');
    assert.match(subOf(token), /^device:[A-Za-z0-9_-]{24}$/);
    assert.equal(subOf(token).includes(clientId()), false, 'the claimed client id is not adopted');

    current = apps.b; // restart: the old token's signature no longer verifies
    seen.length = 0;
    const after = await send({ type: 'threads.list', params: {} });
    assert.equal(after.status, 200);
    assert.deepEqual(seen.map((s) => [s.path, s.status]), [['/api/chatkit', 401], ['/api/session', 200], ['/api/chatkit', 200]]);
    const renewed = seen[2]!.authorization!.slice('Bearer '.length);
    assert.notEqual(renewed, token);
    assert.match(subOf(renewed), /^device:/);
    assert.notEqual(subOf(renewed), subOf(token), 'a token signed with the old secret proves nothing');
    assert.deepEqual(errors, []);
  });
});

function subOf(token: string): string {
  return (JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { sub: string }).sub;
}
