/**
 * The fake OpenAI upstream of bench/floor.bench.ts in its own process (see bench/meter.ts): it
 * answers each load conversation with its numbered words (server/reliability/load-stack.ts). A
 * real model runs on another machine; here it at least runs outside the client's event loop,
 * so at 200 concurrent the client's own work and the upstream's do not queue behind each other.
 */
import { answerFor } from '../server/reliability/load-stack.js';
import { startFakeOpenAI } from '../server/test-support/fake-openai.js';
import { serveMeter } from './meter.js';

const upstream = await startFakeOpenAI();
upstream.setDefault((request) => answerFor(request));
serveMeter(upstream.baseURL, () => upstream.close());
