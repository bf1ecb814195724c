/**
 * The floor the benchmarks compare chart-chat with: a bare `node:http` proxy doing only the work
 * no chat backend can skip — read and parse the request, make one more hop to the model
 * (the fake upstream at UPSTREAM_URL, over a keep-alive agent), and re-frame the model's SSE as
 * ChatKit events (thread created, user item, stream options, assistant message, text deltas,
 * done). No validation, store, SDK, logging or key guard. Its streams pass the same conversation
 * check as chart-chat's (bench/floor.bench.ts). Runs in its own process (see bench/meter.ts).
 */
import { Agent, createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serveMeter } from './meter.js';

const upstream = process.env['UPSTREAM_URL'];
const key = process.env['UPSTREAM_KEY'] ?? 'sk-test-bench';
if (!upstream) throw new Error('run by a benchmark (needs UPSTREAM_URL)');
const target = new URL(`${upstream}/responses`);
const agent = new Agent({ keepAlive: true, maxSockets: Infinity });
let counter = 0;

const frame = (event: unknown) => `data: ${JSON.stringify(event)}\n\n`;

async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  let body: { params?: { input?: { content?: { text?: unknown }[] } }; metadata?: { chart_context?: unknown } };
  try {
    body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as typeof body;
  } catch {
    res.writeHead(400, { 'content-type': 'application/json' }).end('{"error":{"code":"invalid_json","message":"bad json"}}');
    return;
  }
  const text = body.params?.input?.content?.[0]?.text;
  if (typeof text !== 'string') {
    res.writeHead(400, { 'content-type': 'application/json' }).end('{"error":{"code":"invalid_request","message":"no text"}}');
    return;
  }
  const context = body.metadata?.chart_context;
  const input = [
    ...(context ? [{ type: 'message', role: 'developer', content: JSON.stringify(context) }] : []),
    { type: 'message', role: 'user', content: text },
  ];
  const n = ++counter;
  const threadId = `thr_${n}`;
  const messageId = `msg_${n}`;
  const now = new Date().toISOString();
  const payload = JSON.stringify({ model: 'gpt-4.1-mini', stream: true, input });
  let responded = false;
  // Like any client of a keep-alive upstream (the SDK included), retry a reused socket the upstream had closed.
  const send = (attempt: number) => {
    const up = httpRequest(target, { method: 'POST', agent, headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` } });
    up.setNoDelay(true);
    res.on('close', () => up.destroy());
    up.on('error', () => (!responded && attempt < 2 ? send(attempt + 1) : res.destroy()));
    up.on('response', (upstreamResponse) => relay(upstreamResponse));
    up.end(payload);
  };
  const relay = (upstreamResponse: IncomingMessage) => {
    responded = true;
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' });
    res.write(
      frame({ type: 'thread.created', thread: { id: threadId, title: null, created_at: now, status: { type: 'active' }, metadata: {}, items: { data: [], has_more: false, after: null } } }) +
        frame({ type: 'thread.item.done', item: { type: 'user_message', id: `usr_${n}`, thread_id: threadId, created_at: now, content: [{ type: 'input_text', text }], attachments: [], inference_options: {} } }) +
        frame({ type: 'stream_options', stream_options: { allow_cancel: true } }),
    );
    let answer = '';
    let started = false;
    let newItem = true;
    let buffer = '';
    upstreamResponse.setEncoding('utf8');
    upstreamResponse.on('data', (chunk: string) => {
      buffer += chunk;
      let end: number;
      let out = '';
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const raw = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const data = raw.slice(raw.indexOf('data: ') + 6);
        const event = JSON.parse(data) as { type: string; delta?: string; item?: { type: string } };
        if (event.type === 'response.output_text.delta') {
          if (!started) {
            started = true;
            out += frame({ type: 'thread.item.added', item: { type: 'assistant_message', id: messageId, thread_id: threadId, created_at: now, content: [] } });
          }
          let delta = event.delta ?? '';
          if (newItem && answer !== '') delta = `\n\n${delta}`;
          newItem = false;
          answer += delta;
          out += frame({ type: 'thread.item.updated', item_id: messageId, update: { type: 'assistant_message.content_part.text_delta', content_index: 0, delta } });
        } else if (event.type === 'response.output_item.done' && event.item?.type === 'message') {
          newItem = true;
        } else if (event.type === 'response.completed') {
          const content = [{ type: 'output_text', text: answer, annotations: [] }];
          out += frame({ type: 'thread.item.done', item: { type: 'assistant_message', id: messageId, thread_id: threadId, created_at: now, content } });
        }
      }
      if (out) res.write(out);
    });
    upstreamResponse.on('end', () => res.end());
  };
  send(0);
}

const server = createServer((req, res) => void handle(req, res).catch(() => res.destroy()));
server.keepAliveTimeout = 60_000;
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const { port } = server.address() as AddressInfo;
serveMeter(`http://127.0.0.1:${port}`, async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});
