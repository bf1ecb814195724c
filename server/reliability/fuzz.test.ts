/**
 * Fuzz: 10,000 random and mutated requests, derived from the valid captures, against the whole
 * app (sessions, CORS, logging at debug level, key guard) over a real socket with the echo
 * responder, in two configurations: with an identity and the rate limiter off, so mutations
 * reach the parser and the deep paths; and as `npm start` configures it (readConfig's defaults:
 * per-IP and per-user limits on), where most requests are refused from their headers (429)
 * with their bodies unread. Zero 5xx, zero crashes, every answer well-formed, and every request
 * answered: a connection reset or hang-up is a failure, whatever the status would have been.
 * Memory back near its baseline. Deterministic: FUZZ_SEED reproduces a run (the seed is printed).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { after, before, describe, it } from 'node:test';
import { createApp, type AppOptions } from '../app.js';
import { readConfig } from '../config.js';
import { createLogger } from '../log/logger.js';
import { EchoResponder } from '../responders/echo.js';
import { createdThreadId, createThread, post } from '../test-support/chatkit-client.js';
import { listen, type Listening } from '../test-support/listen.js';
import { SSE_FRAMING } from '../test-support/sse.js';
import { Mutator, prng, type Json } from './mutate.js';

const REQUESTS = Number(process.env['FUZZ_REQUESTS'] ?? 10_000);
/** Refusals are cheap: the default configuration's run is shorter. */
const DEFAULT_CONFIG_REQUESTS = Math.ceil(REQUESTS / 10);
const CONCURRENCY = 8;
const SEED = Number(process.env['FUZZ_SEED'] ?? Date.now() % 1_000_000);
const CLIENT_ID = 'fuzz-client-0001-0123456789abcdef01234';
const KEY = 'sk-test-LEAKCHECK-fuzz-000000000000';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function captures(): Json[] {
  const dir = new URL('../chatkit/fixtures/', import.meta.url);
  return ['wire.txt', 'wire2.txt'].flatMap((file) =>
    readFileSync(new URL(file, dir), 'utf8')
      .split('\n')
      .filter((line) => line.startsWith('>>> REQUEST '))
      .map((line) => JSON.parse(line.slice('>>> REQUEST '.length)) as Json),
  );
}

const chartContext: Json = {
  symbol: 'ACME',
  timeframe: '1h',
  visibleRange: { from: 1_700_000_000, to: 1_700_036_000 },
  lastPrice: 101.5,
  bars: Array.from({ length: 12 }, (_, i) => ({ time: 1_700_000_000 + i * 3600, open: 100 + i, high: 102 + i, low: 99 + i, close: 101 + i, volume: 1000 + i })),
  indicators: [{ id: 'sma20', indicator: 'sma', params: { period: 20 } }],
  drawings: [{ id: 'd1', kind: 'price_line' }],
  meta: { source: 'fuzz' },
};

interface FuzzRun {
  /** What the run is called. */
  readonly name: string;
  /** The app's options besides the responder, store and logger. */
  readonly app: Omit<AppOptions, 'responder' | 'logger'>;
  readonly requests: number;
  /** Whether enough requests pass the limits to check that mutations reach the responder. */
  readonly reachesResponder: boolean;
}

const secret = new TextEncoder().encode('fuzz-secret-fuzz-secret-fuzz-secret-000');
const RUNS: FuzzRun[] = [
  {
    name: 'with an identity, limiter off',
    app: { session: { secret }, cors: { origins: ['https://allowed.example'] }, secrets: [KEY] },
    requests: REQUESTS,
    reachesResponder: true,
  },
  {
    name: 'as npm start configures it (limits on)',
    app: { ...withoutLogger(readConfig({ CORS_ORIGINS: 'https://allowed.example' }, { sink: () => {} }).app), secrets: [KEY] },
    requests: DEFAULT_CONFIG_REQUESTS,
    reachesResponder: false,
  },
];

function withoutLogger({ logger: _logger, responder: _responder, ...rest }: AppOptions): Omit<AppOptions, 'responder' | 'logger'> {
  return rest;
}

for (const run of RUNS) describe(`fuzz: mutated ChatKit requests, ${run.name}`, () => {
  let listening: Listening;
  let auth: Record<string, string>;
  const ids: string[] = [];
  let logLines = 0;
  /** A plain keep-alive HTTP client: the fuzz spends its CPU on the server, not on fetch machinery. */
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });

  before(async () => {
    const logger = createLogger({ level: 'debug', secrets: [KEY], sink: () => void logLines++ });
    const app = createApp({ ...run.app, responder: new EchoResponder(), logger });
    listening = await listen(app);
    const session = await post(listening.url, {}, { 'x-chart-chat-client': CLIENT_ID }, '/api/session');
    auth = { authorization: `Bearer ${(session.json as { token: string }).token}`, 'x-chart-chat-client': CLIENT_ID };
    // Real threads and items, so mutated ids also reach the deep paths (not only validation).
    for (const text of ['seed one', '/tool get_chart_context {}', '/effect {"type":"clear"}']) {
      const created = await post(listening.url, createThread(text, { chart_context: chartContext }), auth);
      ids.push(createdThreadId(created));
      for (const event of created.events ?? []) if (event.type === 'thread.item.done') ids.push(event.item.id);
    }
  });
  after(async () => {
    agent.destroy();
    await listening.close();
  });

  it(`answers ${run.requests} mutated requests without a 5xx, a reset, a crash or a malformed answer (seed ${SEED})`, { timeout: 240_000 }, async () => {
    console.log(`# fuzz seed ${SEED} (set FUZZ_SEED to reproduce)`);
    const crashes: unknown[] = [];
    const onCrash = (error: unknown) => crashes.push(error);
    process.on('uncaughtException', onCrash);
    process.on('unhandledRejection', onCrash);

    const random = prng(SEED);
    const mutator = new Mutator(random, () => ids);
    const seeds: Json[] = [
      ...captures(),
      { type: 'threads.create', params: { input: { content: [{ type: 'input_text', text: 'hi' }], attachments: [], inference_options: {} } }, metadata: { chart_context: chartContext } },
      { type: 'threads.add_user_message', params: { thread_id: ids[0]!, input: { content: [{ type: 'input_text', text: '/effect {"type":"price_line","id":"p","price":1,"role":"level"}' }], attachments: [], inference_options: {} } } },
      { type: 'threads.add_user_message', params: { thread_id: ids[0]!, input: { content: [{ type: 'input_text', text: '/error' }], attachments: [], inference_options: {} } } },
      { type: 'items.list', params: { thread_id: ids[0]!, limit: 2, order: 'desc', after: ids[1]! } },
    ];

    // Warm up (JIT, pools, caches) before taking the memory baseline.
    for (let i = 0; i < 200; i++) await send(JSON.stringify(mutator.pick(seeds)), auth);
    gc();
    const baseline = process.memoryUsage().heapUsed;

    const statuses = new Map<number, number>();
    const failures: string[] = [];
    let next = 0;
    const worker = async () => {
      while (next < run.requests) {
        const n = next++;
        const body = random() < 0.05 ? randomBytes(random) : mutator.mutate(mutator.pick(seeds));
        const headers = random() < 0.1 ? mutateHeaders(mutator, auth) : auth;
        const result = await send(body, headers);
        statuses.set(result.status, (statuses.get(result.status) ?? 0) + 1);
        if (result.problem && failures.length < 10) failures.push(`#${n} ${result.problem} ← ${JSON.stringify(headers).slice(0, 200)} ${preview(body)}`);
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));

    process.off('uncaughtException', onCrash);
    process.off('unhandledRejection', onCrash);
    console.log(`# fuzz statuses ${JSON.stringify(Object.fromEntries([...statuses].sort()))}, log lines ${logLines}`);
    assert.deepEqual(failures, []);
    assert.deepEqual(crashes, []);
    assert.equal([...statuses.values()].reduce((a, b) => a + b, 0), run.requests);
    assert.equal(statuses.get(-1), undefined, 'no request went unanswered');
    if (run.reachesResponder) {
      assert.ok((statuses.get(200) ?? 0) > 100, 'some mutations stay valid and reach the responder');
      assert.ok([...statuses.keys()].filter((s) => s >= 400).length >= 3, 'a variety of refusals');
    } else {
      assert.ok((statuses.get(429) ?? 0) > run.requests / 2, 'most requests are refused by the limits, from their headers');
    }

    // Still serving (once the limits refill), and memory back near the baseline once the threads the fuzz made are gone.
    if (run.reachesResponder) assert.equal((await post(listening.url, { type: 'threads.list', params: {} }, auth)).status, 200);
    if (run.reachesResponder) await deleteAllThreads(listening.url, auth);
    await new Promise((resolve) => setTimeout(resolve, 200));
    gc();
    const afterHeap = process.memoryUsage().heapUsed;
    console.log(`# fuzz heap baseline ${mb(baseline)} MB, after ${mb(afterHeap)} MB`);
    // 10 MB over ~15 MB: a leak of 1 KB per request (10,000 requests) would fail this.
    assert.ok(afterHeap < baseline + 10 * 2 ** 20, `heap grew from ${mb(baseline)} MB to ${mb(afterHeap)} MB`);
  });

  async function send(body: string | Uint8Array, headers: Record<string, string>): Promise<{ status: number; problem?: string }> {
    let response: RawResponse;
    try {
      response = await rawPost(agent, `${listening.url}/api/chatkit`, headers, body);
    } catch (error) {
      return { status: -1, problem: `connection failed: ${String(error)}` };
    }
    const { text, type } = response;
    if (response.status >= 500) return { status: response.status, problem: `${response.status} ${text.slice(0, 200)}` };
    if (response.status === 200 && type.startsWith('text/event-stream')) {
      return text === '' || SSE_FRAMING.test(text) ? { status: 200 } : { status: 200, problem: `bad SSE framing: ${text.slice(0, 200)}` };
    }
    if (response.status === 200) {
      try {
        JSON.parse(text);
        return { status: 200 };
      } catch {
        return { status: 200, problem: `200 with non-JSON body: ${text.slice(0, 200)}` };
      }
    }
    try {
      const error = (JSON.parse(text) as { error?: { code?: unknown; message?: unknown } }).error;
      if (typeof error?.code !== 'string' || typeof error.message !== 'string') throw new Error('shape');
    } catch {
      return { status: response.status, problem: `${response.status} without the {error:{code,message}} body: ${text.slice(0, 200)}` };
    }
    return { status: response.status };
  }
});

/** Damaged headers (many make the server refuse before reading the body). */
function mutateHeaders(mutator: Mutator, auth: Record<string, string>): Record<string, string> {
  const headers = { ...auth };
  switch (mutator.int(6)) {
    case 0:
      headers['authorization'] = mutator.pick(['Bearer', 'Bearer ', 'Basic Zm9v', `${auth['authorization']}x`, 'Bearer cc1.e30.AAAA', `Bearer ${'A'.repeat(5000)}`]);
      break;
    case 1:
      headers['origin'] = mutator.pick(['https://evil.example', 'null', 'https://allowed.example', 'garbage']);
      break;
    case 2: headers['content-type'] = mutator.pick(['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/json; charset=latin1']); break;
    case 3: headers['accept-language'] = mutator.pick(['', '*', 'en-US,en;q=0.9', 'x'.repeat(2000), '\u00e9']); break;
    case 4: headers['x-chart-chat-client'] = mutator.pick(['', 'short', 'x'.repeat(100), '../../etc/passwd']); break;
    default: delete headers['authorization'];
  }
  for (const [k, v] of Object.entries(headers)) if (!/^[\t\x20-\x7e]*$/.test(v)) delete headers[k]; // fetch refuses non-Latin-1 values
  return headers;
}

interface RawResponse {
  status: number;
  type: string;
  text: string;
}

function rawPost(agent: Agent, url: string, headers: Record<string, string>, body: string | Uint8Array): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', agent, headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type'] ?? ''), text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

function randomBytes(random: () => number): Uint8Array {
  return Uint8Array.from({ length: Math.floor(random() * 2000) }, () => Math.floor(random() * 256));
}

async function deleteAllThreads(url: string, auth: Record<string, string>): Promise<void> {
  for (;;) {
    const page = (await post(url, { type: 'threads.list', params: { limit: 100 } }, auth)).json as { data: { id: string }[] };
    if (page.data.length === 0) return;
    for (const thread of page.data) await post(url, { type: 'threads.delete', params: { thread_id: thread.id } }, auth);
  }
}

const preview = (body: string | Uint8Array) => JSON.stringify((typeof body === 'string' ? body : new TextDecoder().decode(body)).slice(0, 160));
const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(1);
