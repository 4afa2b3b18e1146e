import test from 'ava';
import { chmodSync, existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { API_KEY_REJECTED, ApiKeyStore, apiKeyState } from '../../src/credentials/api-key-store.js';
import { temporaryDirectory } from '../helpers/temp-dir.js';

const SUBJECT = 'spiffe://example.org/ns/shop/sa/legacy';
const DAY = 86_400_000;

function storeFile(): string {
  return join(temporaryDirectory('warden-keys-'), 'keys.json');
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

test('a key opens its scope until it expires or is revoked; every failure reads the same to the caller', (t) => {
  const store = new ApiKeyStore(storeFile());
  const { key, record } = store.create(SUBJECT, { nowMs: 0, ttlMs: 30 * DAY, services: ['orders'] });
  t.like(store.check(key, 'orders', DAY), { ok: true, record: { id: record.id } });
  const denied = (k: string, service: string, now: number) => store.check(k, service, now);
  t.like(denied(key, 'billing', DAY), { ok: false, reason: API_KEY_REJECTED, why: `key ${record.id} may not call billing` });
  t.like(denied(key, 'orders', 30 * DAY), { ok: false, reason: API_KEY_REJECTED, why: `key ${record.id} expired` });
  const tampered = key.slice(0, -1) + (key.endsWith('A') ? 'B' : 'A');
  t.like(denied(tampered, 'orders', DAY), { ok: false, reason: API_KEY_REJECTED, why: 'unknown key' });
  t.like(denied('wdn_aaaaaaaaaaaaaaaa_' + 'x'.repeat(43), 'orders', DAY), { ok: false, why: 'unknown key' });
  t.like(denied('Bearer nonsense', 'orders', DAY), { ok: false, why: 'not an API key' });
  store.revoke(record.id);
  t.like(denied(key, 'orders', DAY), { ok: false, reason: API_KEY_REJECTED, why: `key ${record.id} revoked` });
  const leaked = store.create(SUBJECT, { nowMs: 0 });
  t.is(store.revoke(leaked.key).id, leaked.record.id, 'a key can be revoked as it was found');
  t.false(store.check(leaked.key, 'orders', DAY).ok);
  const unknown = t.throws(() => store.revoke('wdn_zzzzzzzzzzzzzzzz_SECRETSECRET'), { message: /no API key zzzzzzzzzzzzzzzz in / });
  t.false(unknown.message.includes('SECRET'), 'the secret of a whole key is not repeated');
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

test('state: active until it expires, expired from its expiry on, revoked whatever its expiry', (t) => {
  const store = new ApiKeyStore(storeFile());
  const { record } = store.create(SUBJECT, { nowMs: 0, ttlMs: DAY });
  t.is(apiKeyState(record, DAY - 1), 'active');
  t.is(apiKeyState(record, DAY), 'expired');
  t.is(apiKeyState(store.revoke(record.id), 0), 'revoked');
  t.is(apiKeyState(store.create(SUBJECT, { nowMs: 0 }).record, Number.MAX_SAFE_INTEGER), 'active', 'no TTL: never expires');
});

test('a revoked or expired key is not rotated, and the store is left as it was', (t) => {
  const file = storeFile();
  const store = new ApiKeyStore(file);
  const revoked = store.create(SUBJECT, { nowMs: 0 }).record;
  store.revoke(revoked.id);
  const expired = store.create(SUBJECT, { nowMs: 0, ttlMs: DAY }).record;
  const before = readFileSync(file, 'utf8');
  t.throws(() => store.rotate(revoked.id, { nowMs: DAY, graceMs: DAY }), { code: 'credentials_key_not_active', message: /is revoked/ });
  t.throws(() => store.rotate(expired.id, { nowMs: DAY, graceMs: DAY }), { code: 'credentials_key_not_active', message: /is expired/ });
  t.is(readFileSync(file, 'utf8'), before);
  t.is(store.list().length, 2);
});

test('rotation hands back the old record with its grace, never later than its own expiry', (t) => {
  const store = new ApiKeyStore(storeFile());
  const short = store.create(SUBJECT, { nowMs: 0, ttlMs: 2 * DAY, services: ['orders'] });
  const rotated = store.rotate(short.record.id, { nowMs: DAY, graceMs: 5 * DAY, ttlMs: 30 * DAY });
  t.is(rotated.old.expiresMs, 2 * DAY, 'its own expiry came first');
  t.deepEqual(rotated.record.services, ['orders']);
  t.is(rotated.record.expiresMs, 31 * DAY);
  t.deepEqual(new ApiKeyStore(store.file).list(), [rotated.old, rotated.record]);
  const inherited = store.rotate(rotated.record.id, { nowMs: 3 * DAY, graceMs: 0 });
  t.is(inherited.record.expiresMs, 33 * DAY, 'without a TTL the new key lives as long as the old one was given');
  const forever = store.create(SUBJECT, { nowMs: 0 });
  t.is(store.rotate(forever.record.id, { nowMs: DAY, graceMs: DAY }).record.expiresMs, undefined);
});

test('create refuses a subject that is not a SPIFFE ID, an empty service and a TTL out of range, writing nothing', (t) => {
  const file = storeFile();
  const store = new ApiKeyStore(file);
  t.throws(() => store.create('legacy-client', { nowMs: 0 }), { code: 'identity_invalid_spiffe_id' });
  t.throws(() => store.create('spiffe://example.org/a//b', { nowMs: 0 }), { message: /empty segment/ });
  t.throws(() => store.create(SUBJECT, { nowMs: 0, services: ['orders', ' '] }), { code: 'credentials_invalid_request' });
  t.throws(() => store.create(SUBJECT, { nowMs: 0, ttlMs: 0 }), { message: /ttl must be positive/ });
  t.throws(() => store.create(SUBJECT, { nowMs: 0, ttlMs: 36_501 * DAY }), { message: /at most 36500d/ });
  t.throws(() => store.rotate('whatever', { nowMs: 0, graceMs: -1 }), { code: 'credentials_unknown_key' });
  t.false(existsSync(file));
  t.deepEqual(store.list(), []);
  t.deepEqual(store.create(SUBJECT, { nowMs: 0, services: ['orders', 'orders'] }).record.services, ['orders'], 'services once each');
});

test('the store creates its directory, and a file it rewrites becomes 0600 whatever it was', (t) => {
  const dir = join(temporaryDirectory('warden-keys-'), 'not', 'yet');
  const file = join(dir, 'keys.json');
  new ApiKeyStore(file).create(SUBJECT, { nowMs: 0 });
  t.is(statSync(file).mode & 0o777, 0o600);
  chmodSync(file, 0o644);
  writeFileSync(`${file}.${process.pid}.tmp`, 'left by a crash', { mode: 0o644 });
  new ApiKeyStore(file).create(SUBJECT, { nowMs: 0 });
  t.is(statSync(file).mode & 0o777, 0o600);
  t.deepEqual(readdirSync(dir), ['keys.json'], 'no temporary file left');
});

test('a store that cannot be written says which file and why, and keeps what it held', (t) => {
  const parent = temporaryDirectory('warden-keys-');
  writeFileSync(join(parent, 'plain-file'), '');
  const store = new ApiKeyStore(join(parent, 'plain-file', 'keys.json'));
  t.throws(() => store.create(SUBJECT, { nowMs: 0 }), { code: 'credentials_key_store', message: /cannot write API key store .*plain-file\/keys\.json: / });
  t.deepEqual(store.list(), []);
});

test('a damaged record is refused when the store is read, naming the record and field', (t) => {
  const file = storeFile();
  const good = new ApiKeyStore(file).create(SUBJECT, { nowMs: 0 }).record;
  const cases: [unknown, RegExp][] = [
    [[good, { ...good, id: 'bbbbbbbbbbbbbbbb', services: 'orders' }], /keys\[1\]\.services must be a list of service names/],
    [[good, good], /keys\[1\]\.id \w+ appears more than once/],
    [[{ ...good, secretSha256: 'abc' }], /keys\[0\]\.secretSha256 must be 64 hex digits/],
    [[{ ...good, expiresMs: '2030-01-01' }], /keys\[0\]\.expiresMs must be a time/],
    [[{ ...good, revoked: 'yes' }], /keys\[0\]\.revoked must be true or false/],
    [[null], /keys\[0\] must be an object/],
  ];
  for (const [keys, message] of cases) {
    writeFileSync(file, JSON.stringify({ keys }));
    t.throws(() => new ApiKeyStore(file), { code: 'credentials_key_store', message });
  }
  writeFileSync(file, '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBg\n');
  const notJson = t.throws(() => new ApiKeyStore(file), { message: /: not JSON/ });
  t.false(notJson.message.includes('MIIE'), 'a file that is not a store is not quoted');
  writeFileSync(file, 'null');
  t.throws(() => new ApiKeyStore(file), { message: /no "keys" list/ });
});
