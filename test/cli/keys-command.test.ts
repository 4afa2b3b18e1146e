import test from 'ava';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ApiKeyStore } from '../../src/credentials/api-key-store.js';
import { wardenAsync } from '../helpers/cli.js';
import { temporaryDirectory } from '../helpers/temp-dir.js';

// `warden keys` as a real process: what it prints where, its exit code, and what the store then holds
// (read back with the store itself, whose `check` is what the service will use).

const SUBJECT = 'spiffe://example.org/ns/shop/sa/legacy';
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const KEY_LINE = /^wdn_([a-z2-7]{16})_([A-Za-z0-9_-]{43})\n$/;

function scratch(): string {
  return temporaryDirectory('warden-keys-cli-');
}

// A few processes at a time, so that tests finish one after another even on a busy machine (ava's
// timeout counts from the last test that finished) instead of all crawling to the end together.
let freeSlots = 3;
const waiting: (() => void)[] = [];

async function inSlot<T>(run: () => Promise<T>): Promise<T> {
  while (freeSlots === 0) await new Promise<void>((resolve) => waiting.push(resolve));
  freeSlots--;
  try {
    return await run();
  } finally {
    freeSlots++;
    waiting.shift()?.();
  }
}

function warden(args: string[], cwd: string) {
  return inSlot(() => wardenAsync(args, cwd));
}

function keys(args: string[], cwd: string) {
  return warden(['keys', ...args], cwd);
}

/** The id and secret of the one line `create` and `rotate` print; throws when stdout is anything else. */
function printedKey(stdout: string): { key: string; id: string; secret: string } {
  const m = KEY_LINE.exec(stdout);
  if (!m) throw new Error(`stdout is not one key line: ${JSON.stringify(stdout)}`);
  return { key: stdout.trim(), id: m[1]!, secret: m[2]! };
}

function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19);
}

test('create prints only the key, once; the store accepts it, holds no secret, is 0600 in a directory it made', async (t) => {
  const dir = scratch();
  const file = join(dir, 'not-yet', 'keys.json');
  const r = await keys(['create', SUBJECT, '--store', file, '--ttl', '30d', '--service', 'orders'], dir);
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
  for (const part of [id, SUBJECT, isoSeconds(record.expiresMs!), 'orders', 'store this key now: it cannot be shown again']) {
    t.true(r.stderr.includes(part), `the note names ${part}`);
  }
  t.false(r.stderr.includes(secret), 'the note does not repeat the key');
});

test('create over a store left 0644 rewrites it 0600', async (t) => {
  const dir = scratch();
  const file = join(dir, 'keys.json');
  writeFileSync(file, '{"keys": []}\n', { mode: 0o644 });
  const r = await keys(['create', SUBJECT, '--store', file], dir);
  t.is(r.code, 0, r.stderr);
  t.is(statSync(file).mode & 0o777, 0o600);
  t.true(new ApiKeyStore(file).check(printedKey(r.stdout).key, 'orders', Date.now()).ok);
});

test('list shows id, subject, times, services and state of every key, never a secret or hash; --json the same as records', async (t) => {
  const dir = scratch();
  const file = join(dir, 'keys.json');
  const store = new ApiKeyStore(file);
  const now = Date.now();
  const active = store.create(SUBJECT, { nowMs: now, services: ['orders', 'billing'] });
  const expired = store.create('spiffe://example.org/ns/shop/sa/old', { nowMs: now - 2 * DAY, ttlMs: DAY });
  const revoked = store.create('spiffe://example.org/ns/shop/sa/gone', { nowMs: now });
  store.revoke(revoked.record.id);
  const secrets = [active, expired, revoked].flatMap((k) => [printedKey(`${k.key}\n`).secret, k.record.secretSha256]);

  const [table, json, empty] = await Promise.all([
    keys(['list', '--store', file], dir),
    keys(['list', '--store', file, '--json'], dir),
    keys(['list', '--store', join(dir, 'none.json'), '--json'], dir),
  ]);
  t.is(table.code, 0, table.stderr);
  const lines = table.stdout.trimEnd().split('\n');
  t.regex(lines[0]!, /^ID\s+SUBJECT\s+CREATED\s+EXPIRES\s+SERVICES\s+STATE$/);
  const row = (id: string) => lines.find((l) => l.startsWith(id)) ?? '';
  t.regex(row(active.record.id), new RegExp(`^${active.record.id}\\s+${SUBJECT}\\s+${isoSeconds(now)}Z\\s+never\\s+orders,billing\\s+active$`));
  t.regex(row(expired.record.id), new RegExp(`\\s+${isoSeconds(now - DAY)}Z\\s+all\\s+expired$`));
  t.regex(row(revoked.record.id), /\s+revoked$/);
  t.is(lines.length, 4);

  t.is(json.code, 0, json.stderr);
  const listed = JSON.parse(json.stdout) as Record<string, unknown>[];
  t.deepEqual(
    listed.map((k) => [k.id, k.state]),
    [
      [active.record.id, 'active'],
      [expired.record.id, 'expired'],
      [revoked.record.id, 'revoked'],
    ],
  );
  t.like(listed[1], { subject: 'spiffe://example.org/ns/shop/sa/old', createdMs: now - 2 * DAY, expiresMs: now - DAY, services: [] });
  t.false(listed.some((k) => 'secretSha256' in k));
  for (const s of secrets) t.false([table.stdout, table.stderr, json.stdout].some((out) => out.includes(s)), 'no secret or hash shown');

  t.deepEqual(JSON.parse(empty.stdout), [], 'a store not yet created holds no keys');
});

test('revoke stops the key at once', async (t) => {
  const dir = scratch();
  const file = join(dir, 'keys.json');
  const { key, record } = new ApiKeyStore(file).create(SUBJECT, { nowMs: Date.now() });
  t.true(new ApiKeyStore(file).check(key, 'orders', Date.now()).ok);
  const r = await keys(['revoke', record.id, '--store', file], dir);
  t.is(r.code, 0, r.stderr);
  t.is(r.stdout, '');
  t.regex(r.stderr, new RegExp(`revoked API key ${record.id} of ${SUBJECT}`));
  t.like(new ApiKeyStore(file).check(key, 'orders', Date.now()), { ok: false, why: `key ${record.id} revoked` });
});

test('revoke takes a leaked key whole and never repeats its secret', async (t) => {
  const dir = scratch();
  const file = join(dir, 'keys.json');
  const leaked = new ApiKeyStore(file).create(SUBJECT, { nowMs: Date.now() });
  const r = await keys(['revoke', leaked.key, '--store', file], dir);
  t.is(r.code, 0, r.stderr);
  t.false(r.stderr.includes(printedKey(`${leaked.key}\n`).secret));
  t.false(new ApiKeyStore(file).check(leaked.key, 'orders', Date.now()).ok);
});

test('rotate prints a new key; the old one works until the 24h grace ends, then stops', async (t) => {
  const dir = scratch();
  const file = join(dir, 'keys.json');
  const first = new ApiKeyStore(file).create(SUBJECT, { nowMs: Date.now(), services: ['orders'] });
  const r = await keys(['rotate', first.record.id, '--store', file], dir);
  t.is(r.code, 0, r.stderr);
  const second = printedKey(r.stdout);
  t.not(second.id, first.record.id);
  const store = new ApiKeyStore(file);
  const old = store.list().find((k) => k.id === first.record.id)!;
  const fresh = store.list().find((k) => k.id === second.id)!;
  t.is(old.expiresMs! - fresh.createdMs, 24 * HOUR, 'the default grace');
  t.deepEqual(fresh.services, ['orders']);
  t.true(r.stderr.includes(`until ${isoSeconds(old.expiresMs!)}`), r.stderr);
  t.true(r.stderr.includes('store this key now: it cannot be shown again'));
  t.false(r.stderr.includes(second.secret));
  t.true(store.check(first.key, 'orders', old.expiresMs! - 1).ok, 'old key inside the grace');
  t.false(store.check(first.key, 'orders', old.expiresMs!).ok, 'old key after the grace');
  t.true(store.check(second.key, 'orders', old.expiresMs! + 365 * DAY).ok, 'new key after the grace');
});

test('rotate --grace and --ttl set how long the old key lasts and the new one lives', async (t) => {
  const dir = scratch();
  const file = join(dir, 'keys.json');
  const first = new ApiKeyStore(file).create(SUBJECT, { nowMs: Date.now(), ttlMs: 30 * DAY });
  const r = await keys(['rotate', first.record.id, '--store', file, '--grace', '1h', '--ttl', '7d'], dir);
  t.is(r.code, 0, r.stderr);
  const store = new ApiKeyStore(file);
  const fresh = store.list().find((k) => k.id === printedKey(r.stdout).id)!;
  const old = store.list().find((k) => k.id === first.record.id)!;
  t.is(old.expiresMs! - fresh.createdMs, HOUR);
  t.is(fresh.expiresMs! - fresh.createdMs, 7 * DAY);
});

// Each case: arguments (STORE is the path of a store holding one active and one revoked key), exit
// code, and the one line expected on stderr.
const STORE = '<store>';
const refusals: [string, string[], number, RegExp][] = [
  ['missing --store', ['create', SUBJECT], 2, /^warden keys create: --store FILE is required \(usage: warden keys create SPIFFE_ID/],
  ['no SPIFFE ID', ['create', '--store', 'fresh.json'], 2, /^warden keys create: expects one SPIFFE_ID, got none/],
  ['a subject that is not a SPIFFE ID', ['create', 'legacy-client', '--store', 'fresh.json'], 2, /^warden keys create: invalid SPIFFE ID "legacy-client": scheme must be "spiffe:\/\/"/],
  ['a TTL that is not a duration', ['create', SUBJECT, '--store', 'fresh.json', '--ttl', '30 days'], 2, /--ttl must be a positive duration such as .* not "30 days"/],
  ['an unknown option', ['create', SUBJECT, '--store', 'fresh.json', '--colour'], 2, /Unknown option '--colour'/],
  ['a grace that is not a duration', ['rotate', 'active', '--store', STORE, '--grace=soon'], 2, /^warden keys rotate: --grace must be a positive duration .* not "soon"/],
  ['an unknown id', ['revoke', 'aaaaaaaaaaaaaaaa', '--store', STORE], 1, /^warden keys revoke: no API key aaaaaaaaaaaaaaaa in .*keys\.json\n$/],
  ['an unknown whole key', ['revoke', `wdn_zzzzzzzzzzzzzzzz_${'S'.repeat(43)}`, '--store', STORE], 1, /^warden keys revoke: no API key zzzzzzzzzzzzzzzz in /],
  ['rotating a revoked key', ['rotate', 'revoked', '--store', STORE], 1, /^warden keys rotate: API key [a-z2-7]{16} is revoked: there is nothing to rotate/],
  ['a store that is not JSON', ['list', '--store', 'private.pem'], 1, /^warden keys list: cannot read API key store private\.pem: not JSON/],
  ['a store that is a directory', ['list', '--store', 'a-directory'], 1, /^warden keys list: cannot read API key store a-directory: EISDIR/],
];

for (const [what, args, code, message] of refusals) {
  test(`refused with one line on stderr, exit ${code}, nothing printed or written: ${what}`, async (t) => {
    const dir = scratch();
    const file = join(dir, 'keys.json');
    const store = new ApiKeyStore(file);
    const active = store.create(SUBJECT, { nowMs: Date.now() }).record.id;
    const revoked = store.revoke(store.create(SUBJECT, { nowMs: Date.now() }).record.id).id;
    writeFileSync(join(dir, 'private.pem'), '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBg\n');
    mkdirSync(join(dir, 'a-directory'));
    const before = readFileSync(file, 'utf8');
    const named = { active, revoked } as Record<string, string>;
    const r = await keys(args.map((a) => (a === STORE ? file : (named[a] ?? a))), dir);
    t.is(r.code, code, r.stderr);
    t.is(r.stdout, '');
    t.regex(r.stderr, message);
    t.is(r.stderr.trimEnd().split('\n').length, 1, 'one line');
    t.false(/MIIE|SSSS/.test(r.stderr), 'no file content or secret repeated');
    t.false(existsSync(join(dir, 'fresh.json')), 'no store created');
    t.is(readFileSync(file, 'utf8'), before, 'the store is unchanged');
  });
}

test('warden keys without a known subcommand, and warden alone, show the keys usage', async (t) => {
  const dir = scratch();
  const [unknown, bare] = await Promise.all([keys(['frobnicate'], dir), warden([], dir)]);
  t.is(unknown.code, 2);
  t.regex(unknown.stderr, /^warden keys: unknown subcommand "frobnicate"\nusage:\n/);
  for (const sub of ['create SPIFFE_ID --store FILE', 'list --store FILE', 'revoke ID|KEY --store FILE', 'rotate ID --store FILE']) {
    t.true(unknown.stderr.includes(`warden keys ${sub}`), sub);
  }
  t.is(bare.code, 2);
  t.regex(bare.stderr, /\n {2}warden keys rotate ID --store FILE \[--grace DURATION \(default 24h\)\]/);
});
