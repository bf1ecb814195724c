import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createLogger } from './logger.js';
import { createUserHasher } from './user-hash.js';

const KEY = 'sk-test-LEAKCHECK-abcdef0123456789';

test('each line is one JSON object with time, level, msg and the fields', () => {
  const lines: string[] = [];
  const logger = createLogger({ sink: (l) => lines.push(l), now: () => new Date(0) });
  logger.info('request', { status: 200, type: 'threads.list' });
  assert.deepEqual(lines.map((l) => JSON.parse(l)), [{ status: 200, type: 'threads.list', time: '1970-01-01T00:00:00.000Z', level: 'info', msg: 'request' }]);
  assert.ok(!lines[0]!.includes('\n'));
});

test('levels filter: debug lines appear only at debug', () => {
  for (const [level, expected] of [['debug', 4], ['info', 3], ['warn', 2], ['error', 1], ['silent', 0]] as const) {
    const lines: string[] = [];
    const logger = createLogger({ level, sink: (l) => lines.push(l) });
    logger.debug('d');
    logger.info('i');
    logger.warn('w');
    logger.error('e');
    assert.equal(lines.length, expected, level);
  }
});

test('keys, tokens and credentials never reach the sink', () => {
  const lines: string[] = [];
  const logger = createLogger({ level: 'debug', sink: (l) => lines.push(l), secrets: [KEY, 'server-secret-value-0123'] });
  logger.error('upstream failed', {
    error: new Error(`401 Incorrect API key provided: ${KEY}`),
    headers: { authorization: 'Bearer cc1.eyJ2IjoxfQ.c2lnbmF0dXJl', 'x-other': 'fine' },
    note: 'token cc1.eyJ2IjoxfQ.c2lnbmF0dXJl was sent; sk-proj-abcdefghijkl too; server-secret-value-0123',
    client_secret: 'ek_123456789',
    nested: [{ apiKey: 'anything' }],
    [`field-${KEY}`]: 1,
  });
  const line = lines.join('\n');
  for (const secret of [KEY, 'cc1.eyJ2', 'sk-proj-abcdefghijkl', 'ek_123456789', 'anything', 'server-secret-value-0123']) {
    assert.ok(!line.includes(secret), `${secret} leaked: ${line}`);
  }
  assert.match(line, /"x-other":"fine"/);
  assert.match(line, /Incorrect API key provided: \[REDACTED\]/);
});

test('a throwing sink or unserializable fields never throw into the caller', () => {
  const logger = createLogger({ sink: () => { throw new Error('disk full'); } });
  assert.doesNotThrow(() => logger.info('x', { big: 1n }));
  const lines: string[] = [];
  const cyclic: Record<string, unknown> = {};
  cyclic['self'] = cyclic;
  createLogger({ sink: (l) => lines.push(l) }).info('cyclic', { cyclic });
  assert.equal(lines.length, 1);
});

test('user hashes are stable per secret, distinct per user and do not contain the id', async () => {
  const hash = createUserHasher(new TextEncoder().encode('k'.repeat(32)));
  const other = createUserHasher(new TextEncoder().encode('j'.repeat(32)));
  const a = await hash('user:alice@example.com');
  assert.equal(await hash('user:alice@example.com'), a);
  assert.notEqual(await hash('user:bob@example.com'), a);
  assert.notEqual(await other('user:alice@example.com'), a);
  assert.match(a, /^u_[A-Za-z0-9_-]{16}$/);
});
