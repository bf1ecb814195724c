import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createApp } from './app.js';
import { EchoResponder } from './responders/echo.js';
import { securityOptionsFromEnv } from './config.js';

const SECRET = 'env-config-test-secret-0123456789abcdefgh';

test('defaults: random secret with a warning, rate limits on, same-origin only, info logs', () => {
  const lines: string[] = [];
  const { options, summary } = securityOptionsFromEnv({}, (line) => lines.push(line));
  assert.equal(options.logger.level, 'info');
  assert.deepEqual(options.cors, { origins: [] });
  assert.deepEqual(options.rateLimit, { perIp: { capacity: 120, refillPerSecond: 2 }, perUser: { capacity: 60, refillPerSecond: 1 } });
  assert.equal(options.session?.requireSession, false);
  assert.equal(options.session?.ttlSeconds, 900);
  assert.equal(summary['session_secret'], 'random (per process)');
  assert.match(lines.join('\n'), /CHART_CHAT_SECRET is not set/);
});

test('every variable is read, and the secrets end up guarded and redacted', async () => {
  const lines: string[] = [];
  const { options, summary } = securityOptionsFromEnv(
    {
      CHART_CHAT_SECRET: SECRET,
      SESSION_TTL_SECONDS: '60',
      REQUIRE_SESSION: 'true',
      CORS_ORIGINS: 'https://a.example,https://b.example',
      RATE_LIMIT_IP_PER_MIN: '0',
      RATE_LIMIT_USER_PER_MIN: '30',
      TRUST_PROXY: '2',
      LOG_LEVEL: 'debug',
      OPENAI_API_KEY: 'sk-test-LEAKCHECK-env-000000000',
      CHATKIT_WORKFLOW_ID: 'wf_1',
    },
    (line) => lines.push(line),
  );
  assert.equal(options.logger.level, 'debug');
  assert.deepEqual(options.cors?.origins, ['https://a.example', 'https://b.example']);
  assert.deepEqual(options.rateLimit, { perIp: false, perUser: { capacity: 30, refillPerSecond: 0.5 } });
  assert.equal(options.trustProxy, 2);
  assert.equal(options.session?.requireSession, true);
  assert.equal(options.session?.ttlSeconds, 60);
  assert.ok(options.session?.hosted);
  assert.deepEqual(options.secrets, ['sk-test-LEAKCHECK-env-000000000', SECRET]);
  assert.equal(summary['session_secret'], 'configured');
  options.logger.info('probe', { note: `key sk-test-LEAKCHECK-env-000000000 secret ${SECRET}` });
  assert.ok(!lines.join('\n').includes('LEAKCHECK') && !lines.join('\n').includes(SECRET));

  // The whole app built from it: a token from /api/session works, none is refused.
  const app = createApp({ responder: new EchoResponder(), ...options, session: { ...options.session!, hosted: undefined } });
  const minted = (await (await app.request('/api/session', { method: 'POST', body: '{}' })).json()) as { token: string; expires_at: number };
  assert.ok(minted.expires_at - Date.now() / 1000 <= 60);
  const list = await app.request('/api/chatkit', { method: 'POST', headers: { authorization: `Bearer ${minted.token}` }, body: '{"type":"threads.list","params":{}}' });
  assert.equal(list.status, 200);
});

test('bad values fail fast with a clear message', () => {
  for (const [env, message] of [
    [{ CHART_CHAT_SECRET: 'short' }, /at least 32/],
    [{ CORS_ORIGINS: '*' }, /not allowed/],
    [{ RATE_LIMIT_IP_PER_MIN: '-1' }, /RATE_LIMIT_IP_PER_MIN/],
    [{ SESSION_TTL_SECONDS: '0' }, /SESSION_TTL_SECONDS/],
    [{ REQUIRE_SESSION: 'maybe' }, /REQUIRE_SESSION/],
    [{ TRUST_PROXY: 'yes please' }, /TRUST_PROXY/],
    [{ CHATKIT_WORKFLOW_ID: 'wf_1' }, /OPENAI_API_KEY/],
  ] as const) {
    assert.throws(() => securityOptionsFromEnv(env, () => {}), message);
  }
});
