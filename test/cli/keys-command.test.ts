import test from 'ava';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiKeyStore } from '../../src/credentials/api-key-store.js';
import { warden } from '../helpers/cli.js';

const SUBJECT = 'spiffe://example.org/ns/shop/sa/legacy';
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const KEY_LINE = /^wdn_([a-z2-7]{16})_([A-Za-z0-9_-]{43})\n$/;

function scratch(): string {
  return mkdtempSync(join(tmpdir(), 'warden-keys-cli-'));
}

function keys(args: string[], cwd: string) {
  return warden(['keys', ...args], cwd);
}

/** The id and secret parts of the one line `create` and `rotate` print. */
function printedKey(stdout: string): { key: string; id: string; secret: string } {
  const m = KEY_LINE.exec(stdout);
  if (!m) throw new Error(`stdout is not one key line: ${JSON.stringify(stdout)}`);
  return { key: stdout.trim(), id: m[1]!, secret: m[2]! };
}

test('create prints only the key, once; the store accepts it, holds no secret, is 0600 in a directory it made', (t) => {
  const dir = scratch();
  const file = join(dir, 'not-yet', 'keys.json');
  const r = keys(['create', SUBJECT, '--store', file, '--ttl', '30d', '--service', 'orders'], dir);
  t.is(r.code, 0, r.stderr);
  const { key, id, secret } = printedKey(r.stdout);
  const store = new ApiKeyStore(file);
  const now = Date.now();
  t.like(store.check(key, 'orders', now), { ok: true, record: { id, subject: SUBJECT, services: ['orders'] } });
  t.false(store.check(key, 'billing', now).ok, 'scoped to --service');
  const record = store.list()[0]!;
  t.is(record.expiresMs! - record.createdMs, 30 * DAY);
  t.false(readFileSync(file, 'utf8').includes(secret), 'the store file holds no secret');
  t.is(statSync(file).mode & 0o777, 0o600);
  for (const part of [id, SUBJECT, new Date(record.expiresMs!).toISOString().slice(0, 19), 'orders', 'store this key now: it cannot be shown again']) {
    t.true(r.stderr.includes(part), `the note names ${part}`);
  }
  t.false(r.stderr.includes(secret), 'the note does not repeat the key');
});

test('list shows id, subject, times, services and state of every key, never a secret or hash; --json the same as records', (t) => {
  const dir = scratch();
  const file = join(dir, 'keys.json');
  const store = new ApiKeyStore(file);
  const now = Date.now();
  const active = store.create(SUBJECT, { nowMs: now, services: ['orders', 'billing'] });
  const expired = store.create('spiffe://example.org/ns/shop/sa/old', { nowMs: now - 2 * DAY, ttlMs: DAY });
  const revoked = store.create('spiffe://example.org/ns/shop/sa/gone', { nowMs: now });
  store.revoke(revoked.record.id);
  const secrets = [active, expired, revoked].flatMap((k) => [printedKey(`${k.key}\n`).secret, k.record.secretSha256]);

  const table = keys(['list', '--store', file], dir);
  t.is(table.code, 0, table.stderr);
  const lines = table.stdout.trimEnd().split('\n');
  t.regex(lines[0]!, /^ID\s+SUBJECT\s+CREATED\s+EXPIRES\s+SERVICES\s+STATE$/);
  const row = (id: string) => lines.find((l) => l.startsWith(id)) ?? '';
  t.regex(row(active.record.id), new RegExp(`^${active.record.id}\\s+${SUBJECT}\\s+\\S+Z\\s+never\\s+orders,billing\\s+active$`));
  t.regex(row(expired.record.id), /\s+all\s+expired$/);
  t.regex(row(revoked.record.id), /\s+revoked$/);
  t.is(lines.length, 4);

  const json = keys(['list', '--store', file, '--json'], dir);
  t.is(json.code, 0, json.stderr);
  const listed = JSON.parse(json.stdout) as Record<string, unknown>[];
  t.deepEqual(
    listed.map((k) => [k.id, k.state]),
    [[active.record.id, 'active'], [expired.record.id, 'expired'], [revoked.record.id, 'revoked']],
  );
  t.like(listed[1], { subject: 'spiffe://example.org/ns/shop/sa/old', createdMs: now - 2 * DAY, expiresMs: now - DAY, services: [] });
  t.false(listed.some((k) => 'secretSha256' in k));
  for (const s of secrets) t.false(table.stdout.includes(s) || json.stdout.includes(s) || table.stderr.includes(s), 'no secret or hash shown');

  const empty = keys(['list', '--store', join(dir, 'none.json'), '--json'], dir);
  t.deepEqual(JSON.parse(empty.stdout), []);
});

test('revoke stops the key; a store the CLI rewrites becomes 0600 whatever it was', (t) => {
  const dir = scratch();
  const file = join(dir, 'keys.json');
  writeFileSync(file, '{"keys": []}\n', { mode: 0o644 });
  const created = keys(['create', SUBJECT, '--store', file], dir);
  t.is(created.code, 0, created.stderr);
  t.is(statSync(file).mode & 0o777, 0o600);
  const { key, id } = printedKey(created.stdout);
  t.true(new ApiKeyStore(file).check(key, 'orders', Date.now()).ok);
  const r = keys(['revoke', id, '--store', file], dir);
  t.is(r.code, 0, r.stderr);
  t.is(r.stdout, '');
  t.regex(r.stderr, new RegExp(`revoked API key ${id}`));
  t.like(new ApiKeyStore(file).check(key, 'orders', Date.now()), { ok: false, why: `key ${id} revoked` });
});

test('rotate prints a new key; the old one works until the grace ends, then stops; a revoked key is not rotated', (t) => {
  const dir = scratch();
  const file = join(dir, 'keys.json');
  const first = printedKey(keys(['create', SUBJECT, '--store', file, '--service', 'orders'], dir).stdout);
  const r = keys(['rotate', first.id, '--store', file], dir);
  t.is(r.code, 0, r.stderr);
  const second = printedKey(r.stdout);
  t.not(second.id, first.id);
  const store = new ApiKeyStore(file);
  const old = store.list().find((k) => k.id === first.id)!;
  const fresh = store.list().find((k) => k.id === second.id)!;
  t.is(old.expiresMs! - fresh.createdMs, 24 * HOUR, 'default grace 24h');
  t.deepEqual(fresh.services, ['orders']);
  t.true(r.stderr.includes(`until ${new Date(old.expiresMs!).toISOString().slice(0, 19)}`), r.stderr);
  t.true(r.stderr.includes('store this key now: it cannot be shown again'));
  t.true(store.check(first.key, 'orders', old.expiresMs! - 1).ok, 'old key inside the grace');
  t.false(store.check(first.key, 'orders', old.expiresMs!).ok, 'old key after the grace');
  t.true(store.check(second.key, 'orders', old.expiresMs! + 365 * DAY).ok, 'new key after the grace');

  const again = keys(['rotate', second.id, '--store', file, '--grace', '1h', '--ttl', '7d'], dir);
  t.is(again.code, 0, again.stderr);
  const third = new ApiKeyStore(file).list().find((k) => k.id === printedKey(again.stdout).id)!;
  const second2 = new ApiKeyStore(file).list().find((k) => k.id === second.id)!;
  t.is(second2.expiresMs! - third.createdMs, HOUR);
  t.is(third.expiresMs! - third.createdMs, 7 * DAY);

  keys(['revoke', third.id, '--store', file], dir);
  const refused = keys(['rotate', third.id, '--store', file], dir);
  t.is(refused.code, 1);
  t.is(refused.stdout, '');
  t.regex(refused.stderr, new RegExp(`^warden keys rotate: API key ${third.id} is revoked: there is nothing to rotate`));
});

test('bad input is one line on stderr and the "invalid" (2) or "failed" (1) exit code, never a key, a trace or a write', (t) => {
  const dir = scratch();
  const file = join(dir, 'keys.json');
  const known = printedKey(keys(['create', SUBJECT, '--store', file], dir).stdout);
  const before = readFileSync(file, 'utf8');
  const notJson = join(dir, 'private.pem');
  writeFileSync(notJson, '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBg\n');
  mkdirSync(join(dir, 'a-directory'));
  const fresh = join(dir, 'fresh.json');
  const cases: [string[], number, RegExp][] = [
    [['create', SUBJECT], 2, /^warden keys create: --store FILE is required \(usage: warden keys create SPIFFE_ID/],
    [['create', '--store', fresh], 2, /expects one SPIFFE_ID, got none/],
    [['create', 'legacy-client', '--store', fresh], 2, /^warden keys create: invalid SPIFFE ID "legacy-client": scheme must be "spiffe:\/\/"/],
    [['create', SUBJECT, '--store', fresh, '--ttl', '30 days'], 2, /--ttl must be a positive duration such as .* not "30 days"/],
    [['create', SUBJECT, '--store', fresh, '--colour'], 2, /Unknown option '--colour'/],
    [['rotate', known.id, '--store', file, '--grace=soon'], 2, /--grace must be a positive duration .* not "soon"/],
    [['revoke', 'aaaaaaaaaaaaaaaa', '--store', file], 1, /^warden keys revoke: no API key aaaaaaaaaaaaaaaa in .*keys\.json\n$/],
    [['revoke', `wdn_zzzzzzzzzzzzzzzz_${'S'.repeat(43)}`, '--store', file], 1, /^warden keys revoke: no API key zzzzzzzzzzzzzzzz in /],
    [['list', '--store', notJson], 1, /^warden keys list: cannot read API key store .*private\.pem: not JSON/],
    [['list', '--store', join(dir, 'a-directory')], 1, /cannot read API key store .*a-directory: EISDIR/],
  ];
  for (const [args, code, message] of cases) {
    const r = keys(args, dir);
    const label = args.join(' ');
    t.is(r.code, code, `${label}: ${r.stderr}`);
    t.is(r.stdout, '', label);
    t.regex(r.stderr, message, label);
    t.is(r.stderr.trimEnd().split('\n').length, 1, `${label}: one line`);
    t.false(r.stderr.includes('MIIE') || r.stderr.includes('SSSS'), `${label}: no file content or secret repeated`);
  }
  t.false(existsSync(fresh), 'nothing was written for a refused create');
  t.is(readFileSync(file, 'utf8'), before, 'the store is unchanged');
});

test('warden keys without a known subcommand, and warden alone, show the keys usage', (t) => {
  const dir = scratch();
  const unknown = keys(['frobnicate'], dir);
  t.is(unknown.code, 2);
  t.regex(unknown.stderr, /^warden keys: unknown subcommand "frobnicate"\nusage:\n/);
  for (const sub of ['create SPIFFE_ID --store FILE', 'list --store FILE', 'revoke ID|KEY --store FILE', 'rotate ID --store FILE']) {
    t.true(unknown.stderr.includes(`warden keys ${sub}`), sub);
  }
  const bare = warden([], dir);
  t.is(bare.code, 2);
  t.regex(bare.stderr, /\n {2}warden keys rotate ID --store FILE \[--grace DURATION \(default 24h\)\]/);
});
