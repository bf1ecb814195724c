/**
 * HTTP framing: streaming ops answer `text/event-stream` with exactly `data: <json>\n\n` frames
 * and the anti-buffering headers; every other op answers `application/json`. Streaming is
 * decided by `type`, never by `Accept`, and the body is parsed whatever its Content-Type.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createApp } from '../app.js';
import { EchoResponder } from '../responders/echo.js';
import { createdThreadId, createThread, post, userInput } from '../test-support/chatkit-client.js';
import { listen, type Listening } from '../test-support/listen.js';
import { SSE_FRAMING } from '../test-support/sse.js';
import { TestAttachmentStore, wireActions, wireTranscriber } from '../test-support/wire-responder.js';

const USER = { 'X-Chart-Chat-Client': 'sse-user-0001-0123456789abcdef01234' };

describe('SSE framing and content types (real socket)', () => {
  let server: Listening;
  before(async () => {
    server = await listen(createApp({ responder: new EchoResponder(), attachments: new TestAttachmentStore(), actions: wireActions, transcribe: wireTranscriber }));
  });
  after(() => server.close());

  async function raw(body: unknown, headers: Record<string, string> = {}) {
    const response = await fetch(`${server.url}/api/chatkit`, { method: 'POST', body: typeof body === 'string' ? body : JSON.stringify(body), headers: { ...USER, ...headers } });
    return { response, bytes: await response.text() };
  }

  it('answers every op with the right content type; streams are exact frames with anti-buffering headers', async () => {
    const created = await post(server.url, createThread('/tool pick {"x":1}'), USER);
    const threadId = createdThreadId(created);
    const userItem = created.events!.find((e) => e.type === 'thread.item.done')!;
    assert.ok(userItem.type === 'thread.item.done');
    const widgetThread = createdThreadId(await post(server.url, createThread('plain'), USER));
    const attachment = (await post(server.url, { type: 'attachments.create', params: { name: 'a.txt', size: 1, mime_type: 'text/plain' } }, USER)).json as { id: string };

    const streaming: unknown[] = [
      createThread('hello'),
      { type: 'threads.add_client_tool_output', params: { thread_id: threadId, result: { ok: true } } },
      { type: 'threads.add_user_message', params: { thread_id: threadId, input: userInput('more') } },
      { type: 'threads.retry_after_item', params: { thread_id: threadId, item_id: userItem.item.id } },
      { type: 'threads.custom_action', params: { thread_id: widgetThread, action: { type: 'noop' } } },
    ];
    for (const body of streaming) {
      const { response, bytes } = await raw(body);
      const where = (body as { type: string }).type;
      assert.equal(response.status, 200, `${where}: ${bytes.slice(0, 200)}`);
      assert.equal(response.headers.get('content-type'), 'text/event-stream; charset=utf-8', where);
      assert.equal(response.headers.get('cache-control'), 'no-cache, no-transform', where);
      assert.equal(response.headers.get('x-accel-buffering'), 'no', where);
      assert.equal(response.headers.get('content-encoding'), null, where);
      assert.match(bytes, SSE_FRAMING, where);
    }

    const json: unknown[] = [
      { type: 'threads.get_by_id', params: { thread_id: threadId } },
      { type: 'threads.list', params: {} },
      { type: 'threads.update', params: { thread_id: threadId, title: 'x' } },
      { type: 'items.list', params: { thread_id: threadId } },
      { type: 'items.feedback', params: { thread_id: threadId, item_ids: [userItem.item.id], kind: 'positive' } },
      { type: 'threads.sync_custom_action', params: { thread_id: widgetThread, action: { type: 'noop' } } },
      { type: 'input.transcribe', params: { audio_base64: 'YWJj', mime_type: 'audio/webm' } },
      { type: 'attachments.delete', params: { attachment_id: attachment.id } },
      { type: 'threads.delete', params: { thread_id: widgetThread } },
    ];
    for (const body of json) {
      const { response, bytes } = await raw(body, { accept: 'text/event-stream' });
      const where = (body as { type: string }).type;
      assert.equal(response.status, 200, `${where}: ${bytes.slice(0, 200)}`);
      assert.equal(response.headers.get('content-type'), 'application/json', where);
      assert.doesNotThrow(() => JSON.parse(bytes), where);
    }
  });

  it('decides streaming from type, not Accept, and ignores the Content-Type', async () => {
    const { response, bytes } = await raw(createThread('hi'), { accept: 'application/json', 'content-type': 'text/plain' });
    assert.equal(response.headers.get('content-type'), 'text/event-stream; charset=utf-8');
    assert.match(bytes, SSE_FRAMING);
  });

  it('frames stay single-line even when text holds newlines and unicode line separators', async () => {
    const { bytes } = await raw(createThread('line one\nline two\u2028three\r\nfour'));
    assert.match(bytes, SSE_FRAMING);
    const frames = bytes.split('\n\n').filter(Boolean);
    assert.ok(frames.every((frame) => frame.startsWith('data: {') && !frame.includes('\n') && !frame.includes('\r')));
  });

  it('streams events as they are produced, not at the end', async () => {
    const threadId = createdThreadId(await post(server.url, createThread('first'), USER));
    const response = await fetch(`${server.url}/api/chatkit`, { method: 'POST', headers: USER, body: JSON.stringify({ type: 'threads.add_user_message', params: { thread_id: threadId, input: userInput('/slow 40') } }) });
    const reader = response.body!.getReader();
    const first = await reader.read();
    assert.equal(first.done, false);
    const text = new TextDecoder().decode(first.value);
    assert.ok(text.startsWith('data: {"type":"thread.item.done"'), text.slice(0, 80));
    assert.ok(!text.includes('content_part.done'), 'the first chunk arrived before the turn finished');
    await reader.cancel();
  });
});
