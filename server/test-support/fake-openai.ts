/**
 * A fake OpenAI upstream for tests and benchmarks: a REAL local HTTP server (127.0.0.1, port 0)
 * that speaks the Responses API streaming format closely enough for the real `openai` SDK
 * (`client.responses.create({stream: true})` and `client.responses.stream()`) to consume it.
 *
 * Usage:
 *
 *     const upstream = await startFakeOpenAI();
 *     upstream.enqueue(turn.text('Hello ', 'world'));                    // one scripted answer per request
 *     upstream.enqueue(turn.call('price_line', { id: 'a', price: 1, role: 'level' }), turn.text('Done'));
 *     upstream.enqueue(turn.status(429, { 'retry-after': '1' }));        // an HTTP error, no stream
 *     upstream.enqueue(turn.steps(step.text('par'), step.cut()));        // a stream cut mid-answer
 *     upstream.enqueue((req) => turn.text(`saw ${req.body.input.length} items`)); // built from the request
 *     const client = new OpenAI({ apiKey: 'sk-test', baseURL: upstream.baseURL, maxRetries: 0 });
 *     …
 *     upstream.requests[0].body.input                                     // what the SDK sent
 *     await upstream.close();
 *
 * Every `POST /v1/responses` takes the next queued turn (FIFO). With the queue empty it answers the
 * default turn if one is set (`setDefault`, for load tests), else HTTP 500
 * `{error: {code: "fake_openai_unscripted"}}`, so a test that under-scripts fails loudly.
 * Streams are framed as OpenAI frames them: `event: <type>\ndata: <json>\n\n`, with increasing
 * `sequence_number`s, `response.created` first and `response.completed` (with the full output)
 * last unless the script ends otherwise. Other paths answer 404.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** One thing a streamed turn does, in order. */
export type ScriptStep =
  /** An assistant message, streamed as one `output_text.delta` per chunk. */
  | { type: 'text'; chunks: string[] }
  /** A function call; `arguments` (a JSON string, sent verbatim, may be invalid) streamed in `chunks` pieces. */
  | { type: 'function_call'; name: string; arguments: string; callId?: string; chunks?: number }
  /** Waits before the next step (the connection stays open). */
  | { type: 'delay'; ms: number }
  /** Destroys the socket mid-stream (`destroy`), or ends the body cleanly without `response.completed` (`end`). */
  | { type: 'cut'; mode?: 'destroy' | 'end' }
  /** Writes one frame whose data is not JSON, then carries on. */
  | { type: 'malformed'; raw?: string }
  /** Stops sending but keeps the connection open until the client gives up. */
  | { type: 'hang' }
  /** Waits until the promise settles (a test-controlled gate: prove the client got earlier events first). */
  | { type: 'gate'; until: Promise<unknown> }
  /** An in-stream `error` event (what OpenAI sends when a response fails after headers), then the body ends. */
  | { type: 'error'; code?: string; message?: string }
  /** A `response.failed` event with the given error, then the body ends. */
  | { type: 'failed'; code?: string; message?: string };

/** One scripted answer to one request. */
export type ScriptedTurn =
  /**
   * A 200 event stream. `complete: false` leaves out the final `response.completed`. `usage` is
   * the token count it reports (default 10 in, 10 out; `null` reports none).
   */
  | { kind: 'stream'; steps: ScriptStep[]; complete?: boolean; model?: string; usage?: { input_tokens: number; output_tokens: number } | null }
  /** An HTTP error with OpenAI's error body (`{error: {message, type, param, code}}`), no stream. */
  | { kind: 'status'; status: number; headers?: Record<string, string>; code?: string; message?: string }
  /** Accepts the request and never answers (not even headers): for client timeouts. */
  | { kind: 'hang' };

/** A turn, or a function that builds it from the request it answers (for answers that depend on tool outputs). */
export type TurnScript = ScriptedTurn | ((request: RecordedRequest) => ScriptedTurn);

/** A request the fake received. */
export interface RecordedRequest {
  method: string;
  path: string;
  /** Lower-cased header names. */
  headers: Record<string, string | string[] | undefined>;
  /** The parsed JSON body (undefined if it was not JSON). */
  body: any;
  /** The body's size in bytes, as received. */
  bytes: number;
  /** Set once the client closed the connection before the answer was complete (abort, timeout). */
  clientAborted: boolean;
}

export interface FakeOpenAI {
  /** The SDK's `baseURL` (ends in `/v1`). */
  readonly baseURL: string;
  /** Every request received, oldest first. */
  readonly requests: readonly RecordedRequest[];
  /** Queues scripted turns; each request consumes the next one. */
  enqueue(...turns: TurnScript[]): void;
  /** Turns queued but not yet consumed. */
  readonly pending: number;
  /** The turn answered when the queue is empty (for load tests); `null` (the default) answers HTTP 500. */
  setDefault(turn: TurnScript | null): void;
  /** Forgets recorded requests and queued turns (open streams carry on). */
  reset(): void;
  /** Resolves when `count` requests have been received (already received ones count). */
  waitForRequests(count: number): Promise<void>;
  /** Resolves once the request at `index` has been aborted by its client. */
  waitForAbort(index: number): Promise<void>;
  /** Stops the server and drops every open connection. */
  close(): Promise<void>;
}

/** Builders for {@link ScriptStep}s. */
export const step = {
  /** A message streamed as the given chunks (one delta each). */
  text: (...chunks: string[]): ScriptStep => ({ type: 'text', chunks }),
  /** A function call; objects are JSON-encoded, strings sent verbatim (e.g. broken JSON). */
  call: (name: string, args: unknown, options: { callId?: string; chunks?: number } = {}): ScriptStep => ({
    type: 'function_call',
    name,
    arguments: typeof args === 'string' ? args : JSON.stringify(args),
    ...options,
  }),
  delay: (ms: number): ScriptStep => ({ type: 'delay', ms }),
  cut: (mode: 'destroy' | 'end' = 'destroy'): ScriptStep => ({ type: 'cut', mode }),
  malformed: (raw?: string): ScriptStep => (raw === undefined ? { type: 'malformed' } : { type: 'malformed', raw }),
  hang: (): ScriptStep => ({ type: 'hang' }),
  gate: (until: Promise<unknown>): ScriptStep => ({ type: 'gate', until }),
  error: (message = 'The server had an error while processing your request.', code = 'server_error'): ScriptStep => ({ type: 'error', code, message }),
  failed: (message = 'The model failed to produce a response.', code = 'server_error'): ScriptStep => ({ type: 'failed', code, message }),
};

/** Builders for whole {@link ScriptedTurn}s. */
export const turn = {
  /** A complete answer that is just text, in the given chunks. */
  text: (...chunks: string[]): ScriptedTurn => ({ kind: 'stream', steps: [step.text(...chunks)] }),
  /** A complete answer that is one function call (optionally after some text). */
  call: (name: string, args: unknown, options: { callId?: string; chunks?: number; text?: string } = {}): ScriptedTurn => ({
    kind: 'stream',
    steps: [...(options.text ? [step.text(options.text)] : []), step.call(name, args, options)],
  }),
  /** Any sequence of steps; completed unless a step ends the stream first. */
  steps: (...steps: ScriptStep[]): ScriptedTurn => ({ kind: 'stream', steps }),
  /** An HTTP error answer (401, 429, 500, …). */
  status: (status: number, headers: Record<string, string> = {}, message?: string): ScriptedTurn => ({
    kind: 'status',
    status,
    headers,
    ...(message ? { message } : {}),
  }),
  hang: (): ScriptedTurn => ({ kind: 'hang' }),
};

const ERROR_TYPES: Record<number, [type: string, code: string, message: string]> = {
  400: ['invalid_request_error', 'invalid_request', 'Invalid request.'],
  401: ['invalid_request_error', 'invalid_api_key', 'Incorrect API key provided: sk-test***. You can find your API key at https://platform.openai.com/account/api-keys.'],
  403: ['invalid_request_error', 'forbidden', 'You are not allowed to use this model.'],
  404: ['invalid_request_error', 'model_not_found', 'The model does not exist.'],
  429: ['requests', 'rate_limit_exceeded', 'Rate limit reached for requests.'],
  500: ['server_error', 'server_error', 'The server had an error while processing your request.'],
  503: ['server_error', 'overloaded', 'The engine is currently overloaded.'],
};

export async function startFakeOpenAI(): Promise<FakeOpenAI> {
  const queue: TurnScript[] = [];
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();
  const waiters: { check: () => boolean; resolve: () => void }[] = [];
  const notify = () => {
    for (const waiter of [...waiters]) {
      if (waiter.check()) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    }
  };
  const waitFor = (check: () => boolean) =>
    new Promise<void>((resolve) => {
      if (check()) resolve();
      else waiters.push({ check, resolve });
    });
  let responseCounter = 0;
  let fallback: TurnScript | null = null;

  const server = createServer((req, res) => {
    void handle(req, res).catch(() => res.destroy());
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const received = Buffer.concat(chunks);
    const raw = received.toString('utf8');
    let body: unknown;
    try {
      body = JSON.parse(raw);
    } catch {
      body = undefined;
    }
    const record: RecordedRequest = { method: req.method ?? '', path: req.url ?? '', headers: { ...req.headers }, body, bytes: received.length, clientAborted: false };
    requests.push(record);
    let finished = false;
    res.on('close', () => {
      if (!finished) {
        record.clientAborted = true;
        notify();
      }
    });
    notify();

    const path = (req.url ?? '').split('?')[0];
    if (req.method !== 'POST' || (path !== '/v1/responses' && path !== '/responses')) {
      finished = true;
      return json(res, 404, errorBody('invalid_request_error', 'not_found', `fake-openai does not serve ${req.method} ${path}`));
    }
    const script = queue.shift() ?? fallback ?? undefined;
    const next = typeof script === 'function' ? script(record) : script;
    if (!next) {
      finished = true;
      return json(res, 500, errorBody('server_error', 'fake_openai_unscripted', 'fake-openai: no scripted turn left for this request'));
    }
    if (next.kind === 'hang') return; // never answer; the client times out or aborts
    if (next.kind === 'status') {
      const [type, code, message] = ERROR_TYPES[next.status] ?? ['server_error', 'error', `HTTP ${next.status}`];
      finished = true;
      return json(res, next.status, errorBody(type, next.code ?? code, next.message ?? message), next.headers);
    }
    const model = next.model ?? (body as { model?: string } | undefined)?.model ?? 'gpt-fake';
    const outcome = await streamTurn(res, next, model, `resp_${(++responseCounter).toString(16).padStart(8, '0')}`);
    finished = outcome !== 'hung';
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    requests,
    enqueue: (...turns) => void queue.push(...turns),
    get pending() {
      return queue.length;
    },
    setDefault: (turn) => {
      fallback = turn;
    },
    reset: () => {
      queue.length = 0;
      requests.length = 0;
    },
    waitForRequests: (count) => waitFor(() => requests.length >= count),
    waitForAbort: (index) => waitFor(() => requests[index]?.clientAborted === true),
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

function errorBody(type: string, code: string, message: string) {
  return { error: { message, type, param: null, code } };
}

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', 'x-request-id': `req_fake_${status}`, ...headers });
  res.end(JSON.stringify(body));
}

/** Streams one turn; 'hung' when it stopped sending but left the connection open. */
async function streamTurn(res: ServerResponse, scripted: Extract<ScriptedTurn, { kind: 'stream' }>, model: string, id: string): Promise<'done' | 'hung'> {
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive', 'x-request-id': `req_${id}` });
  let sequence = 0;
  const output: Record<string, unknown>[] = [];
  const created_at = Math.floor(Date.now() / 1000);
  const usage = scripted.usage === undefined ? { input_tokens: 10, output_tokens: 10 } : scripted.usage;
  const response = (status: string, extra: Record<string, unknown> = {}) => ({
    id,
    object: 'response',
    created_at,
    status,
    model,
    output: status === 'in_progress' ? [] : output,
    error: null,
    incomplete_details: null,
    instructions: null,
    metadata: {},
    parallel_tool_calls: true,
    temperature: 1,
    tool_choice: 'auto',
    tools: [],
    top_p: 1,
    usage: status === 'completed' && usage ? { ...usage, total_tokens: usage.input_tokens + usage.output_tokens, input_tokens_details: { cached_tokens: 0 }, output_tokens_details: { reasoning_tokens: 0 } } : null,
    ...extra,
  });
  const send = (type: string, data: Record<string, unknown>) =>
    res.write(`event: ${type}\ndata: ${JSON.stringify({ type, ...data, sequence_number: sequence++ })}\n\n`);

  send('response.created', { response: response('in_progress') });
  send('response.in_progress', { response: response('in_progress') });

  let items = 0;
  for (const s of scripted.steps) {
    switch (s.type) {
      case 'text': {
        const output_index = output.length;
        const item_id = `msg_${id.slice(5)}${(items++).toString(16)}`;
        const text = s.chunks.join('');
        send('response.output_item.added', { output_index, item: { id: item_id, type: 'message', status: 'in_progress', role: 'assistant', content: [] } });
        send('response.content_part.added', { item_id, output_index, content_index: 0, part: { type: 'output_text', text: '', annotations: [], logprobs: [] } });
        for (const delta of s.chunks) send('response.output_text.delta', { item_id, output_index, content_index: 0, delta, logprobs: [] });
        send('response.output_text.done', { item_id, output_index, content_index: 0, text, logprobs: [] });
        const part = { type: 'output_text', text, annotations: [], logprobs: [] };
        send('response.content_part.done', { item_id, output_index, content_index: 0, part });
        const item = { id: item_id, type: 'message', status: 'completed', role: 'assistant', content: [part] };
        output.push(item);
        send('response.output_item.done', { output_index, item });
        break;
      }
      case 'function_call': {
        const output_index = output.length;
        const item_id = `fc_${id.slice(5)}${(items++).toString(16)}`;
        const call_id = s.callId ?? `call_${id.slice(5)}${output_index}`;
        send('response.output_item.added', {
          output_index,
          item: { id: item_id, type: 'function_call', status: 'in_progress', arguments: '', call_id, name: s.name },
        });
        const pieces = Math.max(1, s.chunks ?? 3);
        const size = Math.ceil(s.arguments.length / pieces) || 1;
        for (let i = 0; i < s.arguments.length; i += size) {
          send('response.function_call_arguments.delta', { item_id, output_index, delta: s.arguments.slice(i, i + size) });
        }
        send('response.function_call_arguments.done', { item_id, output_index, name: s.name, arguments: s.arguments });
        const item = { id: item_id, type: 'function_call', status: 'completed', arguments: s.arguments, call_id, name: s.name };
        output.push(item);
        send('response.output_item.done', { output_index, item });
        break;
      }
      case 'delay':
        await new Promise((resolve) => setTimeout(resolve, s.ms));
        if (res.destroyed) return 'done';
        break;
      case 'cut':
        if (s.mode === 'end') res.end();
        else {
          // Let everything sent so far reach the client first (an SSE comment with a flush callback).
          await new Promise<void>((resolve) => res.write(': cut\n\n', () => resolve()));
          res.destroy();
        }
        return 'done';
      case 'malformed':
        res.write(`event: response.output_text.delta\ndata: ${s.raw ?? '{"type":"response.output_text.delta","delta":"oops'}\n\n`);
        break;
      case 'hang':
        return 'hung';
      case 'gate':
        await s.until.catch(() => undefined);
        if (res.destroyed) return 'done';
        break;
      case 'error':
        send('error', { code: s.code ?? 'server_error', message: s.message ?? 'error', param: null });
        res.end();
        return 'done';
      case 'failed':
        send('response.failed', { response: response('failed', { error: { code: s.code ?? 'server_error', message: s.message ?? 'failed' } }) });
        res.end();
        return 'done';
    }
  }
  if (scripted.complete !== false) send('response.completed', { response: response('completed') });
  res.end();
  return 'done';
}
