/**
 * chart-chat as the benchmarks measure it, in its own process (see bench/meter.ts): the whole
 * app in its production configuration — key guard on (the upstream key is a guarded secret) and
 * request/turn logging at info (lines built and redacted, then dropped) — with the OpenAI
 * responder pointed at the fake upstream (UPSTREAM_URL).
 */
import { createApp } from '../server/app.js';
import { createLogger } from '../server/log/logger.js';
import { OpenAIResponder } from '../server/responders/openai/openai-responder.js';
import { listen } from '../server/test-support/listen.js';
import { nodeFetch } from '../server/node/node-fetch.js';
import { serveMeter } from './meter.js';

const upstream = process.env['UPSTREAM_URL'];
const key = process.env['UPSTREAM_KEY'] ?? 'sk-test-bench';
if (!upstream) throw new Error('run by a benchmark (needs UPSTREAM_URL)');

// maxRetries as in production: a keep-alive socket the upstream just closed is retried, not a failed turn.
const responder = new OpenAIResponder({ apiKey: key, baseURL: upstream, maxRetries: 2, timeoutMs: 60_000, idleTimeoutMs: 60_000, fetch: nodeFetch() });
const server = await listen(createApp({ responder, logger: createLogger({ level: 'info', secrets: [key], sink: () => {} }), secrets: [key] }));
serveMeter(server.url, () => server.close());
