import test from 'ava';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { API_KEY_REJECTED, ApiKeyStore } from '../../src/credentials/api-key-store.js';

const SUBJECT = 'spiffe://example.org/ns/shop/sa/legacy';
const DAY = 86_400_000;

function storeFile(): string {
  return join(mkdtempSync(join(tmpdir(), 'warden-keys-')), 'keys.json');
}

test('a created key has the scannable shape, 256 bits of secret, and the store keeps no secret, mode 0600', (t) => {
  const file = storeFile();
  const store = new ApiKeyStore(file);
  const { key, record } = store.create(SUBJECT, { nowMs: 0, ttlMs: 30 * DAY, services: ['orders'] });
  t.regex(key, /^wdn_[a-z2-7]{16}_[A-Za-z0-9_-]{43}$/);
  const secret = key.split('_').slice(2).join('_');
  t.is(Buffer.from(secret, 'base64url').length, 32);
  const text = readFileSync(file, 'utf8');
  t.false(text.includes(secret));
  t.is(statSync(file).mode & 0o777, 0o600);
  t.like(record, { subject: SUBJECT, createdMs: 0, expiresMs: 30 * DAY, services: ['orders'] });
  t.deepEqual(new ApiKeyStore(file).list(), [record], 'round trip');
});

test('a key opens its scope until it expires, is revoked or grows too old; every failure reads the same to the caller', (t) => {
  const store = new ApiKeyStore(storeFile());
  const { key, record } = store.create(SUBJECT, { nowMs: 0, ttlMs: 30 * DAY, services: ['orders'] });
  t.like(store.check(key, 'orders', DAY), { ok: true, record: { id: record.id } });
  const denied = (k: string, service: string, now: number, maxAge?: number) => store.check(k, service, now, maxAge);
  t.like(denied(key, 'billing', DAY), { ok: false, reason: API_KEY_REJECTED, why: `key ${record.id} may not call billing` });
  t.like(denied(key, 'orders', 30 * DAY), { ok: false, reason: API_KEY_REJECTED, why: `key ${record.id} expired` });
  t.like(denied(key, 'orders', 10 * DAY, 7 * DAY), { ok: false, reason: API_KEY_REJECTED });
  const tampered = key.slice(0, -1) + (key.endsWith('A') ? 'B' : 'A');
  t.like(denied(tampered, 'orders', DAY), { ok: false, reason: API_KEY_REJECTED, why: 'unknown key' });
  t.like(denied('wdn_aaaaaaaaaaaaaaaa_' + 'x'.repeat(43), 'orders', DAY), { ok: false, why: 'unknown key' });
  t.like(denied('Bearer nonsense', 'orders', DAY), { ok: false, why: 'not an API key' });
  store.revoke(record.id);
  t.like(denied(key, 'orders', DAY), { ok: false, reason: API_KEY_REJECTED, why: `key ${record.id} revoked` });
});

test('rotation: a new key for the same subject; the old one works through the grace, then stops', (t) => {
  const store = new ApiKeyStore(storeFile());
  const old = store.create(SUBJECT, { nowMs: 0 });
  const fresh = store.rotate(old.record.id, { nowMs: DAY, graceMs: DAY });
  t.is(fresh.record.subject, SUBJECT);
  t.true(store.check(old.key, 'any', DAY + DAY - 1).ok);
  t.false(store.check(old.key, 'any', 2 * DAY).ok);
  t.true(store.check(fresh.key, 'any', 2 * DAY).ok);
  t.throws(() => store.rotate('nosuchkeyid00000', { nowMs: 0, graceMs: 0 }), { message: /no API key nosuchkeyid00000/ });
});

test('a store file that is not a store is refused, naming it', (t) => {
  const file = storeFile();
  writeFileSync(file, '{"nope": 1}');
  t.throws(() => new ApiKeyStore(file), { message: new RegExp(`cannot read API key store .*keys\\.json: no "keys" list`) });
});
