/**
 * The server side of bench/load.bench.ts, in its own process so its CPU and memory are its own:
 * the whole app with the OpenAI responder pointed at the fake upstream (UPSTREAM_URL), logging
 * at info to nowhere. Talks to the parent over IPC: sends `{url}` once listening; answers
 * `mark` (start a measurement) and `report` (peak memory and CPU time since the mark).
 */
import { createApp } from '../server/app.js';
import { createLogger } from '../server/log/logger.js';
import { OpenAIResponder } from '../server/responders/openai/openai-responder.js';
import { listen } from '../server/test-support/listen.js';

const upstream = process.env['UPSTREAM_URL'];
const key = process.env['UPSTREAM_KEY'] ?? 'sk-test-bench';
if (!upstream || !process.send) throw new Error('run by bench/load.bench.ts (needs UPSTREAM_URL and an IPC channel)');

// maxRetries as in production: a keep-alive socket the upstream just closed is retried, not a failed turn.
const responder = new OpenAIResponder({ apiKey: key, baseURL: upstream, maxRetries: 2, timeoutMs: 60_000, idleTimeoutMs: 60_000 });
const server = await listen(createApp({ responder, logger: createLogger({ level: 'info', secrets: [key], sink: () => {} }), secrets: [key] }));

let idle = process.memoryUsage();
let cpuAtMark = process.cpuUsage();
let peak = { rss: 0, heapUsed: 0 };
const sample = () => {
  const m = process.memoryUsage();
  peak = { rss: Math.max(peak.rss, m.rss), heapUsed: Math.max(peak.heapUsed, m.heapUsed) };
};
setInterval(sample, 25).unref();

process.on('message', (message: unknown) => {
  if (message === 'mark') {
    globalThis.gc?.();
    idle = process.memoryUsage();
    peak = { rss: idle.rss, heapUsed: idle.heapUsed };
    cpuAtMark = process.cpuUsage();
    process.send!({ marked: true });
  } else if (message === 'report') {
    sample();
    const cpu = process.cpuUsage(cpuAtMark);
    process.send!({ idle: { rss: idle.rss, heapUsed: idle.heapUsed }, peak, cpuMs: (cpu.user + cpu.system) / 1000 });
  } else if (message === 'stop') {
    void server.close().then(() => process.exit(0));
  }
});
process.send({ url: server.url });
