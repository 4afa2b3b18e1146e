import test from 'ava';
import { writeFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { Protection } from '../../src/protection/protection.js';
import { parseProtectionConfig } from '../../src/protection/protection-config.js';
import { MemoryStore } from '../../src/protection/memory-store.js';
import type { ProtectedCall } from '../../src/protection/protected-call.js';
import type { Ban } from '../../src/protection/auto-ban.js';
import type { ActivityEvent } from '../../src/protection/activity.js';
import { temporaryDirectory } from '../helpers/temp-dir.js';

const call = (over: Partial<ProtectedCall> = {}): ProtectedCall => ({
  subject: 'spiffe://example.org/ns/shop/sa/web',
  requester: 'spiffe://example.org/ns/mesh/sa/envoy',
  address: '198.51.100.7',
  service: 'payments',
  action: 'charge',
  ...over,
});

function clock(start = 1_800_000_000_000) {
  const c = { ms: start, now: () => c.ms };
  return c;
}

test('nothing configured: every call goes on to the policy', (t) => {
  const p = new Protection(parseProtectionConfig({}));
  t.false(p.active);
  t.is(p.admit(call()), undefined);
});

test('the address deny list: addresses and CIDRs, IPv4, IPv6 and IPv4-mapped IPv6', (t) => {
  let denied = 0;
  const p = new Protection(parseProtectionConfig({ ipDeny: ['203.0.113.0/24', '2001:db8::/32', '192.0.2.1'] }), { hooks: { onDeniedAddress: () => denied++ } });
  for (const address of ['203.0.113.9', '::ffff:203.0.113.9', '2001:db8:1::5', '192.0.2.1']) {
    t.like(p.admit(call({ address })), { kind: 'address', reason: `address denied: ${address} is on the deny list` }, address);
  }
  for (const address of ['203.0.114.1', '2001:db9::1', '192.0.2.2']) t.is(p.admit(call({ address })), undefined, address);
  t.like(p.admit(call({ address: 'not-an-ip' })), { kind: 'address' }, 'an address that cannot be matched is denied');
  t.is(p.admit(call({ address: '' })), undefined, 'no address matches no rule');
  t.is(denied, 5);
});

test('a bad deny rule is refused, naming where it is', (t) => {
  t.throws(() => new Protection(parseProtectionConfig({ ipDeny: ['10.0.0.0/8', '10.0.0.0/33'] })), { message: /ipDeny\[1\]: "10\.0\.0\.0\/33" is not a CIDR: the prefix length must be 0 to 32/ });
  const dir = temporaryDirectory('warden-deny-');
  writeFileSync(join(dir, 'deny.txt'), '# bad actors\n10.0.0.1\n\nexample.com  # a name\n');
  t.throws(() => new Protection(parseProtectionConfig({ ipDenyFile: join(dir, 'deny.txt') })), { message: new RegExp(`deny\\.txt:4: "example\\.com" is not an IP address or CIDR`) });
  t.throws(() => new Protection(parseProtectionConfig({ ipDenyFile: join(dir, 'missing.txt') })), { code: 'protection_deny_file' } as never);
});

test('the deny-list file is re-read when it changes; a broken version leaves the last good list in force', async (t) => {
  const dir = temporaryDirectory('warden-deny-');
  const file = join(dir, 'deny.txt');
  writeFileSync(file, '# one\n198.51.100.0/24\n');
  const errors: Error[] = [];
  const p = new Protection(parseProtectionConfig({ ipDenyFile: file }), { denyFilePollMs: 20, hooks: { onDenyFileError: (e) => errors.push(e) } });
  t.teardown(() => p.close());
  t.like(p.admit(call()), { kind: 'address' });
  const waitFor = async (ok: () => boolean) => {
    for (let i = 0; i < 1000 && !ok(); i++) await new Promise((r) => setTimeout(r, 10));
    t.true(ok());
  };
  writeFileSync(join(dir, 'next.txt'), '203.0.113.5\n');
  renameSync(join(dir, 'next.txt'), file);
  await waitFor(() => p.admit(call()) === undefined);
  t.like(p.admit(call({ address: '203.0.113.5' })), { kind: 'address' });
  writeFileSync(file, '203.0.113.5\nnot an address\n');
  await waitFor(() => errors.length > 0);
  t.regex(errors[0]!.message, /deny\.txt:2/);
  t.like(p.admit(call({ address: '203.0.113.5' })), { kind: 'address' }, 'the last good list stays');
});

test('rate limits: by subject, requester, source address and route; services filter; the first spent limit names itself', (t) => {
  const c = clock();
  const limited: string[] = [];
  const p = new Protection(parseProtectionConfig({
    rateLimits: [
      { name: 'per-route', by: 'route', perSecond: 1, burst: 2 },
      { name: 'per-caller', by: 'subject', perSecond: 1, burst: 3, services: ['payments'] },
    ],
  }), { now: c.now, hooks: { onRateLimited: (l) => limited.push(l) } });
  t.is(p.admit(call()), undefined);
  t.is(p.admit(call()), undefined);
  t.deepEqual(p.admit(call()), { kind: 'rate_limit', limit: 'per-route', reason: 'rate limited: per-route (1/s, burst 2)', retryAfterMs: 1000 });
  t.is(p.admit(call({ action: 'refund' })), undefined, 'another route; per-caller has one token left');
  t.like(p.admit(call({ action: 'list' })), { kind: 'rate_limit', limit: 'per-caller' });
  t.is(p.admit(call({ service: 'catalog', action: 'list' })), undefined, 'per-caller counts payments only');
  c.ms += 1000;
  t.is(p.admit(call()), undefined, 'refilled');
  t.deepEqual(limited, ['per-route', 'per-caller']);
});

test('bans: denials within the window ban the address until banFor has passed; the ban is an event', async (t) => {
  const c = clock();
  const bans: Ban[] = [];
  const p = new Protection(parseProtectionConfig({ autoBan: [{ by: 'source_ip', after: 3, within: '60s', banFor: '5m' }] }), { now: c.now, hooks: { onBan: (b) => bans.push(b) } });
  const settle = () => new Promise((r) => setImmediate(r));
  p.observe(call(), false, 'policy');
  c.ms += 1000;
  p.observe(call(), true);
  p.observe(call(), false, 'rate_limit');
  await settle();
  t.is(p.admit(call()), undefined, 'two denials: not yet');
  p.observe(call(), false, 'policy');
  await settle();
  t.is(bans.length, 1);
  t.like(bans[0], { by: 'source_ip', key: '198.51.100.7', untilMs: c.ms + 300_000, denials: 3 });
  const refusal = p.admit(call({ subject: 'someone-else' }));
  t.like(refusal, { kind: 'ban', retryAfterMs: 300_000 });
  t.regex((refusal as { reason: string }).reason, /^banned: address 198\.51\.100\.7 until \d{4}-\d\d-\d\dT/);
  t.is(p.admit(call({ address: '198.51.100.8' })), undefined, 'other addresses are not banned');
  t.deepEqual(p.bansActive(), { source_ip: 1, subject: 0 });
  for (let i = 0; i < 10; i++) p.observe(call(), false, 'ban');
  await settle();
  t.is(bans.length, 1, 'calls turned away by the ban do not count');
  c.ms += 300_000;
  t.is(p.admit(call()), undefined, 'the ban ended');
  t.deepEqual(p.bansActive(), { source_ip: 0, subject: 0 });
});

test('the order: deny list, then bans, then rate limits; a refused call spends no tokens', async (t) => {
  const c = clock();
  const p = new Protection(parseProtectionConfig({
    ipDeny: ['203.0.113.0/24'],
    autoBan: [{ by: 'subject', after: 1, within: '10s', banFor: '1m' }],
    rateLimits: [{ name: 'tight', by: 'requester', perSecond: 1, burst: 1 }],
  }), { now: c.now });
  t.like(p.admit(call({ address: '203.0.113.1' })), { kind: 'address' });
  p.observe(call({ subject: 'bad' }), false, 'policy');
  await new Promise((r) => setImmediate(r));
  t.like(p.admit(call({ subject: 'bad' })), { kind: 'ban' });
  t.is(p.admit(call()), undefined, 'the token was not spent by the refused calls');
  t.like(p.admit(call()), { kind: 'rate_limit' });
});

test('limits a decision asks for are enforced, each name and key its own bucket', (t) => {
  const c = clock();
  const p = new Protection(parseProtectionConfig({}), { now: c.now });
  const limits = [{ name: 'export', key: 'alice', perSecond: 1, burst: 2 }];
  t.is(p.enforcePolicyLimits(limits), undefined);
  t.is(p.enforcePolicyLimits(limits), undefined);
  t.like(p.enforcePolicyLimits(limits), { kind: 'rate_limit', limit: 'export', reason: 'rate limited: export (1/s, burst 2)' });
  t.is(p.enforcePolicyLimits([{ ...limits[0]!, key: 'bob' }]), undefined, 'keys are apart');
  t.is(p.enforcePolicyLimits([]), undefined);
});

test('every answered check is shown to the activity watchers', (t) => {
  const seen: ActivityEvent[] = [];
  const c = clock();
  const p = new Protection(parseProtectionConfig({}), { now: c.now, hooks: { onActivity: (e) => seen.push(e) } });
  p.observe(call(), false, 'policy');
  t.deepEqual(seen, [{ atMs: c.ms, subject: call().subject, requester: call().requester, service: 'payments', address: '198.51.100.7', allowed: false, deniedBy: 'policy' }]);
});

test('a store that answers later (as Redis would) gives the same answers', async (t) => {
  const memory = new MemoryStore();
  const later = new Proxy(memory, { get: (target, prop) => {
    const v = Reflect.get(target, prop, target) as unknown;
    return typeof v === 'function' ? (...args: unknown[]) => Promise.resolve((v as (...a: unknown[]) => unknown).apply(target, args)) : v;
  } });
  const c = clock();
  const p = new Protection(parseProtectionConfig({ rateLimits: [{ name: 'one', by: 'subject', perSecond: 1, burst: 1 }], autoBan: [{ by: 'subject', after: 1, within: '1m', banFor: '1m' }] }), { store: later, now: c.now });
  t.is(await p.admit(call()), undefined);
  t.like(await p.admit(call()), { kind: 'rate_limit' });
  p.observe(call(), false, 'rate_limit');
  await new Promise((r) => setTimeout(r, 5));
  t.like(await p.admit(call()), { kind: 'ban' });
});

test('config errors name the field', (t) => {
  const bad: Array<[unknown, RegExp]> = [
    [{ rateLimits: [{ name: 'a', by: 'user', perSecond: 1 }] }, /rateLimits\[0\]\.by must be one of subject, requester, source_ip, route/],
    [{ rateLimits: [{ name: 'a', by: 'subject', perSecond: 0 }] }, /rateLimits\[0\]\.perSecond must be a positive number/],
    [{ rateLimits: [{ name: 'a', by: 'subject', perSecond: 1 }, { name: 'a', by: 'subject', perSecond: 1 }] }, /rateLimits\[1\]\.name "a" is used twice/],
    [{ rateLimits: [{ name: 'a', by: 'subject', perSecond: 1, burst: 1.5 }] }, /burst must be a positive integer/],
    [{ rateLimits: [{ name: 'a', by: 'subject', perSecond: 1, brust: 2 }] }, /rateLimits\[0\]: unknown keys brust/],
    [{ autoBan: [{ by: 'source_ip', after: 3, within: 'soon', banFor: '5m' }] }, /autoBan\[0\]\.within must be a positive duration/],
    [{ ipDeny: '10.0.0.1' }, /ipDeny must be a list/],
  ];
  for (const [raw, message] of bad) t.throws(() => parseProtectionConfig(raw as never), { message });
  t.like(parseProtectionConfig({ rateLimits: [{ name: 'a', by: 'subject', perSecond: 20 }] }).rateLimits[0], { burst: 20 }, 'burst defaults to one second of rate');
});
