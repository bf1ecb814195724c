/**
 * Events per second through the SSE path: the whole app (`createApp`: validation, store, SSE
 * framing) on a real socket, a responder that yields as fast as it can, and a client that reads
 * and parses every event. One stream of text deltas, one of chart-command effects, and 20
 * concurrent streams. The responder does no work, so this is the protocol layer's ceiling.
 */
import { createApp } from '../server/app.js';
import { streamAssistantMessage } from '../server/responders/kit/index.js';
import type { ThreadStreamEvent } from '../server/wire/types.js';
import { createThread } from '../server/test-support/chatkit-client.js';
import { listen } from '../server/test-support/listen.js';
import { ScriptedResponder } from '../server/test-support/scripted-responder.js';
import { readSse } from '../server/test-support/sse.js';

const DELTAS = 20_000;
const EFFECTS = 5_000;
const CONCURRENT = 20;
const DELTAS_EACH = 2_000;

/** Streams one request; returns the number of events and the ms from sending to the last event. */
async function stream(url: string, text: string, client: string): Promise<{ events: number; ms: number }> {
  const start = performance.now();
  const response = await fetch(`${url}/api/chatkit`, {
    method: 'POST',
    // Client ids are 32-64 characters (the identity rule): the short names are padded.
    headers: { 'content-type': 'application/json', 'x-chart-chat-client': client.padEnd(32, '0') },
    body: JSON.stringify(createThread(text)),
  });
  if (!response.ok || !response.body) throw new Error(`HTTP ${response.status}: ${await response.text()}`);
  let events = 0;
  for await (const _event of readSse(response.body)) events++;
  return { events, ms: performance.now() - start };
}

export default async function sseBench(): Promise<Record<string, string | number>> {
  const responder = new ScriptedResponder(async function* (thread, input, ctx): AsyncGenerator<ThreadStreamEvent> {
    const [kind = '', count = '0'] = (input?.content[0]?.type === 'input_text' ? input.content[0].text : '').split(' ');
    const n = Number(count);
    if (kind === 'effects') {
      for (let i = 0; i < n; i++) {
        yield { type: 'client_effect', name: 'chart_command', data: { type: 'price_line', id: `l${i % 50}`, price: 100 + (i % 100), role: 'level' } };
      }
      return;
    }
    // `messages N`: N/500 assistant messages of 500 deltas (answer-sized); `deltas N`: one message.
    const per = kind === 'messages' ? 500 : n;
    for (let done = 0; done < n; done += per) {
      yield* streamAssistantMessage(thread, ctx, Array.from({ length: Math.min(per, n - done) }, (_, i) => `w${i} `));
    }
  });
  const server = await listen(createApp({ responder, log: () => {} }));
  try {
    await stream(server.url, 'deltas 500', 'bench-warmup-0001'); // warm-up
    const messages = await stream(server.url, `messages ${DELTAS}`, 'bench-messages-01');
    const deltas = await stream(server.url, `deltas ${DELTAS}`, 'bench-deltas-0001');
    const effects = await stream(server.url, `effects ${EFFECTS}`, 'bench-effects-001');
    const started = performance.now();
    const many = await Promise.all(Array.from({ length: CONCURRENT }, (_, i) => stream(server.url, `messages ${DELTAS_EACH}`, `bench-concurrent-${String(i).padStart(4, '0')}`)));
    const manyMs = performance.now() - started;
    const manyEvents = many.reduce((n, r) => n + r.events, 0);
    return {
      [`one stream: ${DELTAS / 500} messages x 500 text deltas, events/s`]: Math.round((messages.events / messages.ms) * 1000),
      // Slower per event as the message grows: a sign of per-delta work proportional to the text so far.
      [`one stream: one message of ${DELTAS.toLocaleString('en-US')} text deltas, events/s`]: Math.round((deltas.events / deltas.ms) * 1000),
      [`one stream: ${EFFECTS.toLocaleString('en-US')} client_effect, events/s`]: Math.round((effects.events / effects.ms) * 1000),
      [`${CONCURRENT} concurrent streams x ${DELTAS_EACH.toLocaleString('en-US')} deltas (500 per message), events/s (total)`]: Math.round((manyEvents / manyMs) * 1000),
      [`${CONCURRENT} concurrent streams, slowest stream (ms)`]: Math.max(...many.map((r) => r.ms)),
    };
  } finally {
    await server.close();
  }
}
