import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeTextBase64Url, encodeBase64Url, encodeTextBase64Url } from '../lib/base64url.js';
import { createTokenSigner, MAX_TOKEN_LENGTH } from './token.js';

const secret = new TextEncoder().encode('a-test-secret-that-is-long-enough-0123456789');
let clock = Date.UTC(2026, 0, 1);
const signer = createTokenSigner({ secret, now: () => clock });

test('a fresh token verifies and carries its subject and times', async () => {
  const issued = await signer.issue('client:abc12345');
  assert.match(issued.token, /^cc1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
  assert.equal(issued.expiresAt, Math.floor(clock / 1000) + 900);
  const check = await signer.verify(issued.token);
  assert.deepEqual(check, { ok: true, claims: { v: 1, sub: 'client:abc12345', iat: Math.floor(clock / 1000), exp: issued.expiresAt, auth: Math.floor(clock / 1000) } });
});

test('a token whose payload was edited fails the signature check', async () => {
  const { token } = await signer.issue('client:victim000');
  const [prefix, payload, signature] = token.split('.') as [string, string, string];
  const claims = JSON.parse(decodeTextBase64Url(payload)!);
  claims.sub = 'client:attacker0';
  const forged = `${prefix}.${encodeTextBase64Url(JSON.stringify(claims))}.${signature}`;
  assert.deepEqual(await signer.verify(forged), { ok: false, reason: 'bad_signature' });
  claims.sub = 'client:victim000';
  claims.exp += 10_000; // extending the lifetime is tampering too
  assert.deepEqual(await signer.verify(`${prefix}.${encodeTextBase64Url(JSON.stringify(claims))}.${signature}`), {
    ok: false,
    reason: 'bad_signature',
  });
});

test('flipping any single bit of the signature is rejected', async () => {
  const { token } = await signer.issue('client:bitflip00');
  const [prefix, payload, signature] = token.split('.') as [string, string, string];
  const bytes = Buffer.from(signature, 'base64url');
  for (let bit = 0; bit < bytes.length * 8; bit += 7) {
    const flipped = Uint8Array.from(bytes);
    flipped[bit >> 3]! ^= 1 << (bit & 7);
    const check = await signer.verify(`${prefix}.${payload}.${encodeBase64Url(flipped)}`);
    assert.equal(check.ok, false, `bit ${bit}`);
  }
});

test('a token signed with another secret is rejected', async () => {
  const other = createTokenSigner({ secret: new TextEncoder().encode('another-secret-another-secret-another-secret') });
  const { token } = await other.issue('client:abc12345');
  assert.deepEqual(await signer.verify(token), { ok: false, reason: 'bad_signature' });
});

test('an expired token is rejected as expired but its authentic claims are reported', async () => {
  const start = clock;
  const { token } = await signer.issue('client:sleeper0');
  clock = start + 899_000;
  assert.equal((await signer.verify(token)).ok, true);
  clock = start + 900_000;
  const check = await signer.verify(token);
  assert.equal(check.ok, false);
  assert.equal(!check.ok && check.reason, 'expired');
  assert.equal(!check.ok && check.claims?.sub, 'client:sleeper0');
  clock = start;
});

test('malformed tokens are rejected without throwing', async () => {
  const { token } = await signer.issue('client:abc12345');
  const [, payload, signature] = token.split('.') as [string, string, string];
  const cases = [
    '',
    'cc1',
    'cc1..',
    `cc2.${payload}.${signature}`,
    `cc1.${payload}`,
    `cc1.${payload}.${signature}.extra`,
    `cc1.${payload}.${signature.slice(0, -2)}`,
    `cc1.${payload}.${signature}==`,
    `cc1.${payload}!.${signature}`,
    `cc1.${payload}.${signature.replace(/.$/, '+')}`,
    'x'.repeat(MAX_TOKEN_LENGTH + 1),
    'Bearer ' + token,
  ];
  for (const bad of cases) {
    const check = await signer.verify(bad);
    assert.equal(check.ok, false, JSON.stringify(bad.slice(0, 40)));
  }
});

test('authentic payloads that are not valid claims are malformed', async () => {
  // Sign arbitrary payloads with the real key to prove the claim schema is enforced after the MAC.
  const key = await crypto.subtle.importKey('raw', secret, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const sign = async (payload: string) => {
    const signed = `cc1.${encodeTextBase64Url(payload)}`;
    const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(signed)));
    return `${signed}.${encodeBase64Url(mac)}`;
  };
  const now = Math.floor(clock / 1000);
  for (const payload of [
    'not json',
    '[]',
    JSON.stringify({ v: 2, sub: 'a', iat: now, exp: now + 60 }),
    JSON.stringify({ v: 1, sub: '', iat: now, exp: now + 60 }),
    JSON.stringify({ v: 1, sub: 'a', iat: now, exp: now }),
    JSON.stringify({ v: 1, sub: 'a', iat: now, exp: now + 60, admin: true }),
    JSON.stringify({ v: 1, sub: 7, iat: now, exp: now + 60 }),
  ]) {
    assert.deepEqual(await signer.verify(await sign(payload)), { ok: false, reason: 'malformed' }, payload);
  }
  assert.equal((await signer.verify(await sign(JSON.stringify({ v: 1, sub: 'a', iat: now, exp: now + 60 })))).ok, true);
});

test('secrets shorter than 32 bytes and bad lifetimes are refused', () => {
  assert.throws(() => createTokenSigner({ secret: new Uint8Array(31) }), /32 bytes/);
  assert.throws(() => createTokenSigner({ secret, ttlSeconds: 0 }), /ttlSeconds/);
});
