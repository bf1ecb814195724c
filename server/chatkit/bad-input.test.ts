/**
 * Bad input: one test per rejection, then a table-driven run over hundreds of malformed bodies.
 * Every one must be a 4xx `{error: {code, message}}` that does not echo the body, none a 5xx,
 * and the server must still serve a valid request afterwards.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createApp } from '../app.js';
import { EchoResponder } from '../responders/echo.js';
import { MemoryStore } from '../store/memory-store.js';
import { addMessage, createdThreadId, createThread, post, userInput, type Answer } from '../test-support/chatkit-client.js';
import { listen } from '../test-support/listen.js';
import { TestAttachmentStore, wireActions, wireTranscriber } from '../test-support/wire-responder.js';

const USER = { 'X-Chart-Chat-Client': 'bad-input-user-0123456789abcdef01234' };
const OWNER = 'client:bad-input-user-0123456789abcdef01234';
/** Planted in bad values: an error message must never contain it. */
const MARK = 'ECHO_MARK';

function assertRefused(answer: Answer, status: number | 'any4xx', code?: string, where = '') {
  if (status === 'any4xx') assert.ok(answer.status >= 400 && answer.status < 500, `${where}: status ${answer.status} ${answer.raw.slice(0, 200)}`);
  else assert.equal(answer.status, status, `${where}: ${answer.raw.slice(0, 200)}`);
  assert.match(answer.contentType, /^application\/json/, where);
  const body = answer.json as { error?: { code?: unknown; message?: unknown } };
  assert.deepEqual(Object.keys(body), ['error'], where);
  assert.deepEqual(Object.keys(body.error!).sort(), ['code', 'message'], where);
  assert.equal(typeof body.error!.code, 'string', where);
  assert.equal(typeof body.error!.message, 'string', where);
  if (code) assert.equal(body.error!.code, code, where);
  assert.equal(answer.raw.includes(MARK), false, `${where}: the error echoes the body: ${answer.raw}`);
}

async function fixture() {
  const store = new MemoryStore();
  const app = createApp({ responder: new EchoResponder(), store, attachments: new TestAttachmentStore(), actions: wireActions, transcribe: wireTranscriber });
  const threadId = createdThreadId(await post(app, createThread('hello'), USER));
  return { app, store, threadId };
}

describe('bad input: one test per rejection', () => {
  it('invalid JSON → 400 invalid_json', async () => {
    const { app } = await fixture();
    assertRefused(await post(app, `{"type": "threads.list", ${MARK}`, USER), 400, 'invalid_json');
  });

  it('invalid UTF-8 → 400 invalid_json', async () => {
    const { app } = await fixture();
    const response = await app.request('/api/chatkit', { method: 'POST', body: new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]), headers: USER });
    const raw = await response.text();
    assertRefused({ status: response.status, contentType: response.headers.get('content-type') ?? '', raw, json: JSON.parse(raw) }, 400, 'invalid_json');
  });

  it('a body over maxBodyBytes → 413 payload_too_large (declared or streamed)', async () => {
    const app = createApp({ responder: new EchoResponder(), maxBodyBytes: 1000 });
    const big = JSON.stringify(createThread('x'.repeat(2000)));
    assertRefused(await post(app, big, USER), 413, 'payload_too_large');
    const server = await listen(app);
    try {
      // Chunked upload without Content-Length: the cap is enforced while reading.
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(new TextEncoder().encode(big));
          controller.close();
        },
      });
      const response = await fetch(`${server.url}/api/chatkit`, { method: 'POST', body, headers: USER, duplex: 'half' } as RequestInit);
      const raw = await response.text();
      assertRefused({ status: response.status, contentType: response.headers.get('content-type') ?? '', raw, json: JSON.parse(raw) }, 413, 'payload_too_large');
    } finally {
      await server.close();
    }
  });

  it('the default body cap is 1 MiB', async () => {
    const { app } = await fixture();
    const body = JSON.stringify({ type: 'threads.list', params: {}, metadata: { pad: 'x'.repeat(1024 * 1024) } });
    assertRefused(await post(app, body, USER), 413, 'payload_too_large');
  });

  it('unknown type → 400 unknown_type', async () => {
    const { app } = await fixture();
    assertRefused(await post(app, { type: `threads.${MARK}`, params: {} }, USER), 400, 'unknown_type');
  });

  it('schema violations → 400 invalid_request naming the path, not the value', async () => {
    const { app } = await fixture();
    const answer = await post(app, { type: 'threads.create', params: { input: { content: [{ type: 'input_text', text: 42 }] } } }, USER);
    assertRefused(answer, 400, 'invalid_request');
    assert.match((answer.json as { error: { message: string } }).error.message, /params\.input\.content\.0\.text/);
  });

  it('nesting deeper than 64 levels (10k nested arrays) → 400 invalid_request', async () => {
    const { app, threadId } = await fixture();
    const deep = `{"type":"threads.add_client_tool_output","params":{"thread_id":"${threadId}","result":${'['.repeat(10_000)}${']'.repeat(10_000)}}}`;
    assertRefused(await post(app, deep, USER), 400, 'invalid_request');
  });

  it('a missing or foreign thread → 404 not_found', async () => {
    const { app } = await fixture();
    assertRefused(await post(app, addMessage('thr_missing', 'x'), USER), 404, 'not_found');
  });

  it('retry target that is not a user message → 400 invalid_retry_target', async () => {
    const { app, store, threadId } = await fixture();
    const reply = (await store.loadItems(threadId, { limit: 1, order: 'desc' })).data[0]!;
    assertRefused(await post(app, { type: 'threads.retry_after_item', params: { thread_id: threadId, item_id: reply.id } }, USER), 400, 'invalid_retry_target');
  });

  it('tool output with no pending call → 409 no_pending_tool_call', async () => {
    const { app, threadId } = await fixture();
    assertRefused(await post(app, { type: 'threads.add_client_tool_output', params: { thread_id: threadId, result: MARK } }, USER), 409, 'no_pending_tool_call');
  });

  it('structured input on a missing item → 404; thread locked → 409 thread_locked', async () => {
    const { app, store, threadId } = await fixture();
    assertRefused(await post(app, { type: 'threads.add_structured_input', params: { thread_id: threadId, item_id: 'si_x', input: { answers: {} } } }, USER), 404, 'not_found');
    const thread = (await store.loadThread(threadId, OWNER))!;
    await store.saveThread({ ...thread, status: { type: 'locked' } });
    assertRefused(await post(app, addMessage(threadId, 'x'), USER), 409, 'thread_locked');
  });

  it('an invalid chart context → 400 invalid_chart_context without echoing it', async () => {
    const { app } = await fixture();
    for (const chart_context of [MARK, { symbol: MARK + ' !', timeframe: '1D' }, { symbol: 'A', timeframe: MARK }, { symbol: 'A', timeframe: '1D', bars: [{ time: MARK }] }]) {
      assertRefused(await post(app, createThread('hi', { chart_context }), USER), 400, 'invalid_chart_context', JSON.stringify(chart_context));
    }
  });

  it('GET on the endpoint → 405; unknown route → 404', async () => {
    const { app } = await fixture();
    const get = await app.request('/api/chatkit');
    assert.equal(get.status, 405);
    assert.equal(((await get.json()) as { error: { code: string } }).error.code, 'method_not_allowed');
    const missing = await app.request('/nope');
    assert.equal(missing.status, 404);
    assert.deepEqual(Object.keys((await missing.json()) as object), ['error']);
  });
});

/**
 * Malformed bodies, generated from a valid body per op by breaking one field at a time.
 * `nullable*` kinds may be absent (or null), so only wrong types are tried for them.
 */
function malformedBodies(threadId: string): Array<[string, unknown]> {
  const cases: Array<[string, unknown]> = [];
  const input = userInput('hi');
  const valid: Record<string, { params: Record<string, unknown>; fields: Record<string, Kind> }> = {
    'threads.create': { params: { input }, fields: { input: 'object', 'input.content': 'array', 'input.content.0': 'object', 'input.content.0.type': 'enum', 'input.content.0.text': 'string', 'input.attachments': 'nullableArray', 'input.inference_options': 'nullableObject', 'input.quoted_text': 'nullableString' } },
    'threads.add_user_message': { params: { thread_id: threadId, input }, fields: { thread_id: 'id', input: 'object', 'input.content': 'array', 'input.content.0.text': 'string' } },
    'threads.add_client_tool_output': { params: { thread_id: threadId, result: {} }, fields: { thread_id: 'id' } },
    'threads.add_structured_input': { params: { thread_id: threadId, item_id: 'si_1', input: { status: 'answered', answers: { q: { values: ['a'] } } } }, fields: { thread_id: 'id', item_id: 'id', input: 'object', 'input.status': 'enum', 'input.answers': 'object', 'input.answers.q': 'object', 'input.answers.q.values': 'array' } },
    'threads.retry_after_item': { params: { thread_id: threadId, item_id: 'msg_1' }, fields: { thread_id: 'id', item_id: 'id' } },
    'threads.custom_action': { params: { thread_id: threadId, item_id: null, action: { type: 'a' } }, fields: { thread_id: 'id', action: 'object', 'action.type': 'id' } },
    'threads.sync_custom_action': { params: { thread_id: threadId, action: { type: 'a' } }, fields: { thread_id: 'id', action: 'object', 'action.type': 'id', item_id: 'nullableString' } },
    'threads.get_by_id': { params: { thread_id: threadId }, fields: { thread_id: 'id' } },
    'threads.list': { params: { limit: 5, order: 'asc' }, fields: { limit: 'nullableInt', order: 'nullableEnum', after: 'nullableString' } },
    'threads.update': { params: { thread_id: threadId, title: 't' }, fields: { thread_id: 'id', title: 'string' } },
    'threads.delete': { params: { thread_id: threadId }, fields: { thread_id: 'id' } },
    'items.list': { params: { thread_id: threadId }, fields: { thread_id: 'id', limit: 'nullableInt', order: 'nullableEnum' } },
    'items.feedback': { params: { thread_id: threadId, item_ids: ['a'], kind: 'positive' }, fields: { thread_id: 'id', item_ids: 'array', 'item_ids.0': 'id', kind: 'enum' } },
    'attachments.create': { params: { name: 'a', size: 1, mime_type: 'text/plain' }, fields: { name: 'string', size: 'int', mime_type: 'id' } },
    'attachments.delete': { params: { attachment_id: 'atc_1' }, fields: { attachment_id: 'id' } },
    'input.transcribe': { params: { audio_base64: 'YWJj', mime_type: 'audio/webm' }, fields: { audio_base64: 'string', mime_type: 'id' } },
  };
  for (const [type, { params, fields }] of Object.entries(valid)) {
    for (const [path, kind] of Object.entries(fields)) {
      for (const bad of BAD_VALUES[kind]) cases.push([`${type} ${path}=${JSON.stringify(bad)?.slice(0, 30)}`, { type, params: setPath(params, path, bad) }]);
      if (!kind.startsWith('nullable')) cases.push([`${type} without ${path}`, { type, params: setPath(params, path, undefined) }]);
    }
    // The params of another op (threads.list has no required param: extra keys are ignored there).
    if (type !== 'threads.list') cases.push([`${type} with the wrong op's params`, { type, params: type === 'threads.update' ? { input } : { title: MARK, extra: 1 } }]);
    cases.push([`${type} params as an array`, { type, params: [MARK] }]);
    cases.push([`${type} params as a string`, { type, params: MARK }]);
    cases.push([`${type} metadata as a string`, { type, params, metadata: MARK }]);
  }
  const huge = 'x'.repeat(200_000);
  cases.push(
    ['huge text', { type: 'threads.create', params: { input: userInput(huge) } }],
    ['huge title', { type: 'threads.update', params: { thread_id: threadId, title: huge } }],
    ['huge id', { type: 'threads.get_by_id', params: { thread_id: 'thr_' + 'a'.repeat(1000) } }],
    ['huge type', { type: huge, params: {} }],
    ['too many content parts', { type: 'threads.create', params: { input: { content: Array(51).fill({ type: 'input_text', text: 'a' }) } } }],
    ['too many attachments', { type: 'threads.create', params: { input: userInput('a', { attachments: Array(21).fill('atc_1') }) } }],
    ['too many feedback ids', { type: 'items.feedback', params: { thread_id: threadId, item_ids: Array(101).fill('a'), kind: 'positive' } }],
    ['unknown content part', { type: 'threads.create', params: { input: { content: [{ type: 'input_image', url: MARK }] } } }],
    ['non-base64 audio', { type: 'input.transcribe', params: { audio_base64: `${MARK}!!`, mime_type: 'audio/webm' } }],
    ['deep object in metadata', JSON.parse(`{"type":"threads.list","params":{},"metadata":${'{"a":'.repeat(200)}1${'}'.repeat(200)}}`)],
    ['deep arrays in tool output', { type: 'threads.add_client_tool_output', params: { thread_id: threadId, result: JSON.parse('['.repeat(100) + ']'.repeat(100)) } }],
    ['no type', { params: {} }],
    ['type is a number', { type: 5, params: {} }],
    ['type is null', { type: null, params: {} }],
    ['type is an object', { type: { type: 'threads.list' }, params: {} }],
    ['type with a prototype key', { type: '__proto__', params: {} }],
    ['type constructor', { type: 'constructor', params: {} }],
    ['type toString', { type: 'toString', params: {} }],
    ['empty object', {}],
  );
  for (const raw of ['', ' ', '{', '}', '[', 'nul', 'tru', '{"type":', '{"type":"threads.list",}', "{'type':'threads.list'}", '{"type":"threads.list" "params":{}}', '\u0000', 'undefined', 'NaN', '{"type":"threads.list","params":{"limit":NaN}}', '{"a":1}{"b":2}', '0x10', '[1,2', '"unterminated', `${MARK}`]) {
    cases.push([`raw ${JSON.stringify(raw)}`, { raw }]);
  }
  for (const json of [1, 'string', [], [1], null, true, false, 1.5]) cases.push([`JSON ${JSON.stringify(json)}`, { raw: JSON.stringify(json) }]);
  return cases;
}

type Kind = 'string' | 'id' | 'int' | 'enum' | 'object' | 'array' | 'nullableObject' | 'nullableString' | 'nullableInt' | 'nullableEnum' | 'nullableArray';
const BAD_VALUES: Record<Kind, unknown[]> = {
  string: [42, true, { v: MARK }, [MARK], null],
  id: [42, '', 'i'.repeat(129), { v: MARK }, [MARK], false, null],
  int: [MARK, 1.5, -1, {}, true, null, 2 ** 60],
  enum: [MARK, 7, {}, null],
  object: [MARK, 3, [MARK], true, null],
  array: [MARK, 3, { v: MARK }, true, null],
  nullableObject: [MARK, 3, [MARK]],
  nullableString: [42, { v: MARK }, [MARK]],
  nullableInt: [MARK, -5, 2.5, {}],
  nullableEnum: [MARK, 1, {}],
  nullableArray: [MARK, 3, { v: MARK }],
};

function setPath(root: Record<string, unknown>, path: string, value: unknown): Record<string, unknown> {
  const copy = structuredClone(root);
  const keys = path.split('.');
  let node: Record<string, unknown> = copy;
  for (const key of keys.slice(0, -1)) node = node[key] as Record<string, unknown>;
  const last = keys.at(-1)!;
  if (value === undefined) delete node[last];
  else node[last] = value;
  return copy;
}

describe('bad input: table-driven malformed bodies', () => {
  it('answers every malformed body with a 4xx error JSON, never a 5xx, and keeps serving', async (t) => {
    const { app, store, threadId } = await fixture();
    const cases = malformedBodies(threadId);
    assert.ok(cases.length >= 200, `${cases.length} cases`);
    t.diagnostic(`${cases.length} malformed bodies`);
    const statuses = new Map<number, number>();
    for (const [name, body] of cases) {
      const payload = body && typeof body === 'object' && 'raw' in body ? (body as { raw: string }).raw : body;
      const answer = await post(app, payload, USER);
      assertRefused(answer, 'any4xx', undefined, name);
      statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
    }
    // Validation refuses nearly all of them outright (only bodies that parse can reach a 404/409).
    assert.ok((statuses.get(400) ?? 0) >= 200, JSON.stringify([...statuses]));
    const items = (await store.loadItems(threadId, { limit: 100, order: 'asc' })).data;
    assert.equal(items.length, 2, 'nothing was written by a refused request');
    const ok = await post(app, addMessage(threadId, 'still here'), USER);
    assert.equal(ok.status, 200);
    assert.equal(ok.events!.at(-1)?.type, 'thread.item.done');
  });

  it('the same bodies over a real socket: all 4xx, server still serving', async () => {
    const { app, threadId } = await fixture();
    const server = await listen(app);
    try {
      const cases = malformedBodies(threadId).filter((_, i) => i % 3 === 0);
      for (const [name, body] of cases) {
        const payload = body && typeof body === 'object' && 'raw' in body ? (body as { raw: string }).raw : body;
        assertRefused(await post(server.url, payload, USER), 'any4xx', undefined, name);
      }
      const ok = await post(server.url, addMessage(threadId, 'still here'), USER);
      assert.equal(ok.status, 200);
    } finally {
      await server.close();
    }
  });
});
