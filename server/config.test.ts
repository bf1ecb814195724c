import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createApp } from './app.js';
import { readConfig } from './config.js';
import { AnalystResponder, OpenAIResponder } from './responders/index.js';
import { nodeFetch } from './node/node-fetch.js';
import { createThread, post } from './test-support/chatkit-client.js';
import { maxChartContext } from './test-support/max-chart-context.js';
import { startFakeOpenAI, turn } from './test-support/fake-openai.js';
import { assistantMessages } from './test-support/responder-assertions.js';

const SECRET = 'env-config-test-secret-0123456789abcdefgh';

describe('readConfig', () => {
  it('defaults: port 8787 on every address, the analyst, random secret with a warning, rate limits on, same-origin only, info logs', () => {
    const lines: string[] = [];
    const { port, host, app, summary } = readConfig({}, { sink: (line) => lines.push(line) });
    assert.deepEqual([port, host], [8787, '0.0.0.0']);
    assert.ok(app.responder instanceof AnalystResponder);
    assert.equal(app.logger.level, 'info');
    assert.deepEqual(app.cors, { origins: [] });
    assert.deepEqual(app.rateLimit, { perIp: { capacity: 120, refillPerSecond: 2 }, perUser: { capacity: 60, refillPerSecond: 1 } });
    assert.equal(app.session?.requireSession, false);
    assert.equal(app.session?.ttlSeconds, 900);
    assert.equal(summary['session_secret'], 'random (per process)');
    assert.match(lines.join('\n'), /CHART_CHAT_SECRET is not set/);
  });

  it('reads every variable, and the secrets end up guarded and redacted', async () => {
    const lines: string[] = [];
    const { port, host, app, summary } = readConfig(
      {
        PORT: '0',
        HOST: '127.0.0.1',
        CHART_CHAT_SECRET: SECRET,
        SESSION_TTL_SECONDS: '60',
        REQUIRE_SESSION: 'true',
        CORS_ORIGINS: 'https://a.example,https://b.example',
        RATE_LIMIT_IP_PER_MIN: '0',
        RATE_LIMIT_USER_PER_MIN: '30',
        TRUST_PROXY: '2',
        LOG_LEVEL: 'DEBUG',
        OPENAI_API_KEY: 'sk-test-LEAKCHECK-env-000000000',
      },
      { sink: (line) => lines.push(line) },
    );
    assert.deepEqual([port, host], [0, '127.0.0.1']);
    assert.ok(app.responder instanceof OpenAIResponder);
    assert.equal(app.logger.level, 'debug');
    assert.deepEqual(app.cors?.origins, ['https://a.example', 'https://b.example']);
    assert.deepEqual(app.rateLimit, { perIp: false, perUser: { capacity: 30, refillPerSecond: 0.5 } });
    assert.equal(app.trustProxy, 2);
    assert.equal(app.session?.requireSession, true);
    assert.equal(app.session?.ttlSeconds, 60);
    assert.deepEqual(app.secrets, ['sk-test-LEAKCHECK-env-000000000', SECRET]);
    assert.equal(summary['session_secret'], 'configured');
    app.logger.info('probe', { note: `key sk-test-LEAKCHECK-env-000000000 secret ${SECRET}` });
    assert.ok(!lines.join('\n').includes('LEAKCHECK') && !lines.join('\n').includes(SECRET));

    // The whole app built from it: a token from /api/session works, none is refused.
    const server = createApp({ ...app, responder: new AnalystResponder(), session: app.session });
    const minted = (await (await server.request('/api/session', { method: 'POST', body: '{}' })).json()) as { token: string; expires_at: number };
    assert.ok(minted.expires_at - Date.now() / 1000 <= 60);
    const list = await server.request('/api/chatkit', { method: 'POST', headers: { authorization: `Bearer ${minted.token}` }, body: '{"type":"threads.list","params":{}}' });
    assert.equal(list.status, 200);
  });

  it('uses the offline analyst without a key (blank counts as unset), paced by ANALYST_CHUNK_DELAY_MS', async () => {
    assert.ok(readConfig({ OPENAI_API_KEY: '  ' }, { sink: () => {} }).app.responder instanceof AnalystResponder);
    const { app } = readConfig({ ANALYST_CHUNK_DELAY_MS: '0', LOG_LEVEL: 'silent' }, { sink: () => {} });
    const answer = await post(createApp(app), createThread('what chart is loaded?'), { 'X-Chart-Chat-Client': 'config-test-client-0123456789abcdef' });
    assert.match(assistantMessages(answer.events!)[0]!.text, /can't see a chart/);
  });

  it('uses OpenAI with OPENAI_API_KEY, OPENAI_BASE_URL and OPENAI_MODEL', async () => {
    const upstream = await startFakeOpenAI();
    try {
      const { app } = readConfig(
        { OPENAI_API_KEY: 'sk-env-test', OPENAI_BASE_URL: upstream.baseURL, OPENAI_MODEL: 'gpt-test-model', OPENAI_MAX_RETRIES: '0', LOG_LEVEL: 'silent' },
        { sink: () => {} },
      );
      assert.ok(app.responder instanceof OpenAIResponder);
      upstream.enqueue(turn.text('from the fake'));
      const answer = await post(createApp(app), createThread('hi'), { 'X-Chart-Chat-Client': 'config-test-client-0123456789abcdef' });
      assert.equal(assistantMessages(answer.events!)[0]!.text, 'from the fake');
      assert.equal(upstream.requests[0]!.body.model, 'gpt-test-model');
      assert.equal(upstream.requests[0]!.headers['authorization'], 'Bearer sk-env-test');
    } finally {
      await upstream.close();
    }
  });

  it("sends model requests through the modelFetch it is given (npm start's nodeFetch)", async () => {
    const upstream = await startFakeOpenAI();
    try {
      const transport = nodeFetch();
      const sent: string[] = [];
      const modelFetch: typeof fetch = (input, init) => (sent.push(String(input)), transport(input, init));
      const { app } = readConfig({ OPENAI_API_KEY: 'sk-env-test', OPENAI_BASE_URL: upstream.baseURL, OPENAI_MAX_RETRIES: '0', LOG_LEVEL: 'silent' }, { sink: () => {}, modelFetch });
      upstream.enqueue(turn.text('over node:http'));
      const answer = await post(createApp(app), createThread('hi'), { 'X-Chart-Chat-Client': 'config-test-client-0123456789abcdef' });
      assert.equal(assistantMessages(answer.events!)[0]!.text, 'over node:http');
      assert.deepEqual(sent, [`${upstream.baseURL}/responses`]);
    } finally {
      await upstream.close();
    }
  });

  it('fits model requests to OPENAI_INPUT_TOKEN_BUDGET and enforces OPENAI_DAILY_TOKENS_PER_USER', async () => {
    const upstream = await startFakeOpenAI();
    const client = { 'X-Chart-Chat-Client': 'config-test-client-0123456789abcdef' };
    try {
      const env = { OPENAI_API_KEY: 'sk-env-test', OPENAI_BASE_URL: upstream.baseURL, OPENAI_MAX_RETRIES: '0', LOG_LEVEL: 'silent' };
      const tight = readConfig({ ...env, OPENAI_INPUT_TOKEN_BUDGET: '5000' }, { sink: () => {} });
      assert.equal(tight.summary['input_token_budget'], 5000);
      upstream.enqueue(turn.text('ok'));
      await post(createApp(tight.app), createThread('hi', { chart_context: maxChartContext() }), client);
      assert.ok(upstream.requests[0]!.bytes / 4 <= 5000 * 1.02, `${upstream.requests[0]!.bytes} bytes`);

      const broke = readConfig({ ...env, OPENAI_DAILY_TOKENS_PER_USER: '100' }, { sink: () => {} });
      const refused = await post(createApp(broke.app), createThread('hi'), client);
      const error = refused.events!.find((e) => e.type === 'error');
      assert.ok(error?.type === 'error' && error.code === 'daily_token_budget', refused.raw.slice(-300));
      assert.equal(upstream.requests.length, 1, 'the refused turn sent nothing upstream');
      assert.equal(readConfig({ ...env, OPENAI_DAILY_TOKENS_PER_USER: '0' }, { sink: () => {} }).summary['daily_tokens_per_user'], 'off');
    } finally {
      await upstream.close();
    }
  });

  it('bad values fail fast with a message naming the variable', () => {
    for (const [env, message] of [
      [{ PORT: '70000' }, /PORT must be an integer in 0\.\.65535/],
      [{ PORT: 'eighty' }, /PORT/],
      [{ CHART_CHAT_SECRET: 'short' }, /at least 32/],
      [{ CORS_ORIGINS: '*' }, /not allowed/],
      [{ RATE_LIMIT_IP_PER_MIN: '-1' }, /RATE_LIMIT_IP_PER_MIN/],
      [{ SESSION_TTL_SECONDS: '0' }, /SESSION_TTL_SECONDS/],
      [{ REQUIRE_SESSION: 'maybe' }, /REQUIRE_SESSION/],
      [{ TRUST_PROXY: 'yes please' }, /TRUST_PROXY/],
      [{ LOG_LEVEL: 'verbose' }, /LOG_LEVEL/],
      [{ OPENAI_API_KEY: 'k', OPENAI_MAX_RETRIES: 'lots' }, /OPENAI_MAX_RETRIES/],
      [{ OPENAI_API_KEY: 'k', OPENAI_INPUT_TOKEN_BUDGET: '1000' }, /OPENAI_INPUT_TOKEN_BUDGET must be at least 4000/],
      [{ OPENAI_API_KEY: 'k', OPENAI_DAILY_TOKENS_PER_USER: 'unlimited' }, /OPENAI_DAILY_TOKENS_PER_USER/],
      [{ ANALYST_CHUNK_DELAY_MS: '-1' }, /ANALYST_CHUNK_DELAY_MS/],
    ] as const) {
      assert.throws(() => readConfig(env, { sink: () => {} }), message, JSON.stringify(env));
    }
    assert.throws(() => readConfig({ PORT: 'x', REQUIRE_SESSION: 'maybe' }, { sink: () => {} }), /PORT.*REQUIRE_SESSION/, 'every bad variable is named');
  });
});
