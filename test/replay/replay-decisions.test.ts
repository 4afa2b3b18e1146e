import test from 'ava';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { ReplayError, replayDecisions } from '../../src/replay/index.js';
import { authzRecord, logFolder, logText, policiesWith } from '../helpers/decision-records.js';

const frontendRead = { ns: 'shop', sa: 'frontend', service: 'orders', action: 'orders.read', allowed: true };
const checkoutCharge = { ns: 'shop', sa: 'checkout', service: 'payments', action: 'payments.charge', allowed: true };
const frontendCreate = { ns: 'shop', sa: 'frontend', service: 'orders', action: 'orders.create', allowed: false };

test('a candidate that drops a grant: the calls it allowed are reported allow → deny, by service and edge, with examples', async (t) => {
  const dir = logFolder({ 'decisions.log': logText([authzRecord(frontendRead), authzRecord(checkoutCharge), authzRecord(checkoutCharge), authzRecord(frontendCreate)]) });
  const candidate = policiesWith((grants) => grants.filter((g) => g.service !== 'payments'));
  const report = await replayDecisions({ files: [join(dir, 'decisions.log')], policies: candidate });
  t.is(report.records, 4);
  t.is(report.replayed, 4);
  t.is(report.unchanged, 2);
  t.deepEqual(report.changes, { allow_to_deny: 2, deny_to_allow: 0, allow_reasons_changed: 0 });
  t.deepEqual(report.byService, { payments: { allow_to_deny: 2, deny_to_allow: 0, allow_reasons_changed: 0 } });
  t.deepEqual(Object.keys(report.byEdge), ['shop/checkout -> payments']);
  t.true(report.wouldDenyAllowed);
  const example = report.examples.allow_to_deny[0]!;
  t.like(example, { caller: 'shop/checkout', service: 'payments', action: 'payments.charge', before: { allowed: true }, after: { allowed: false } });
  t.deepEqual(example.after.reasons, ['no grant lets shop/checkout payments.charge on payments']);
});

test('a candidate that grants more: deny → allow is reported and no allowed call would be denied', async (t) => {
  const dir = logFolder({ 'decisions.log': logText([authzRecord(frontendRead), authzRecord(frontendCreate)]) });
  const candidate = policiesWith((grants) => grants.map((g, i) => (i === 0 ? { ...g, actions: [...g.actions, 'orders.create'] } : g)));
  const report = await replayDecisions({ files: [join(dir, 'decisions.log')], policies: candidate });
  t.deepEqual(report.changes, { allow_to_deny: 0, deny_to_allow: 1, allow_reasons_changed: 0 });
  t.false(report.wouldDenyAllowed);
  t.deepEqual(report.examples.deny_to_allow[0]!.after, { allowed: true, reasons: ['granted: shop/frontend may orders.create on orders'] });
});

test('an allow whose reasons differ is its own kind; the same policy changes nothing', async (t) => {
  const dir = logFolder({ 'decisions.log': logText([authzRecord({ ...frontendRead, reasons: ['granted by an older policy'] }), authzRecord(checkoutCharge), authzRecord(frontendCreate)]) });
  const report = await replayDecisions({ files: [join(dir, 'decisions.log')], policies: 'policies' });
  t.deepEqual(report.changes, { allow_to_deny: 0, deny_to_allow: 0, allow_reasons_changed: 1 });
  t.is(report.unchanged, 2);
});

test('rotated files are read gzipped or plain, told by their bytes, not their names', async (t) => {
  const dir = logFolder({
    'decisions.log.2026-12-01T00-00-00.000Z': gzipSync(logText([authzRecord(checkoutCharge)])),
    'decisions.log.2026-12-02T00-00-00.000Z.gz': gzipSync(logText([authzRecord(checkoutCharge), authzRecord(frontendRead)])),
    'decisions.log': logText([authzRecord(checkoutCharge)]),
  });
  const files = ['decisions.log.2026-12-01T00-00-00.000Z', 'decisions.log.2026-12-02T00-00-00.000Z.gz', 'decisions.log'].map((f) => join(dir, f));
  const report = await replayDecisions({ files, policies: policiesWith((grants) => grants.filter((g) => g.service !== 'payments')) });
  t.is(report.records, 4);
  t.is(report.changes.allow_to_deny, 3);
  t.is(report.unreadable.total, 0);
});

test('corrupt lines and a truncated gzip file are counted with their place, and the rest is replayed', async (t) => {
  const whole = gzipSync(logText([authzRecord(frontendRead), authzRecord(frontendRead), authzRecord(frontendRead)]));
  const dir = logFolder({
    'decisions.log': logText([authzRecord(frontendRead), '{"log":"decision","decision_id":', '{"log":"info","msg":"an operational line"}', JSON.stringify({ log: 'decision', decision_id: 'x' }), authzRecord(frontendCreate)]),
    'cut.gz': whole.subarray(0, whole.length - 12),
  });
  const report = await replayDecisions({ files: [join(dir, 'decisions.log'), join(dir, 'cut.gz')], policies: 'policies' });
  const log = join(dir, 'decisions.log');
  t.is(report.otherLines, 1);
  t.deepEqual(report.unreadable.lines.slice(0, 2).map((u) => u.at), [`${log}:2`, `${log}:4`]);
  t.regex(report.unreadable.lines[0]!.problem, /^not JSON/);
  t.is(report.unreadable.lines[1]!.problem, 'not a decision record: no time (an RFC 3339 time)');
  const cut = report.unreadable.lines[2]!;
  t.true(cut.at.startsWith(join(dir, 'cut.gz:')), cut.at);
  t.regex(cut.problem, /cannot be read from here on/);
  t.is(report.unreadable.total, 3);
  t.true(report.records >= 2, 'the good records of both files are replayed');
  t.is(report.unchanged, report.records);
});

test('a decision whose input was redacted, or that a countermeasure refused, is not replayable: never a change nor a match', async (t) => {
  const redacted = authzRecord(checkoutCharge, { context: { api_token: '[REDACTED]' } });
  const banned = authzRecord({ ...frontendRead, allowed: false, reasons: ['banned: subject spiffe://warden.local/ns/shop/sa/frontend until 2026-12-04T00:00:00.000Z (too many denied calls)'] });
  const early = { ...authzRecord(frontendCreate), action: undefined, resource: undefined, subject: undefined };
  const dir = logFolder({ 'decisions.log': logText([redacted, banned, early, authzRecord(frontendRead)]) });
  const candidate = policiesWith((grants) => grants.filter((g) => g.service !== 'payments'));
  const report = await replayDecisions({ files: [join(dir, 'decisions.log')], policies: candidate });
  t.is(report.records, 4);
  t.is(report.replayed, 1);
  t.is(report.unchanged, 1);
  t.is(report.notReplayable.total, 3);
  t.deepEqual(report.changes, { allow_to_deny: 0, deny_to_allow: 0, allow_reasons_changed: 0 });
  t.is(report.notReplayable.byReason['input redacted at input.context.api_token'], 1);
  t.is(report.notReplayable.byReason['refused by a countermeasure (ban, address deny list or rate limit), not by the policy alone'], 1);
  t.is(report.notReplayable.byReason['denied before its policy input was built'], 1);
  t.false(report.wouldDenyAllowed);
});

test('--since leaves older records out; --limit stops after that many', async (t) => {
  const dir = logFolder({
    'decisions.log': logText([
      authzRecord({ ...checkoutCharge, time: '2026-11-01T00:00:00.000Z' }),
      authzRecord({ ...checkoutCharge, time: '2026-12-02T00:00:00.000Z' }),
      authzRecord({ ...frontendRead, time: '2026-12-02T00:00:01.000Z' }),
      authzRecord({ ...frontendRead, time: '2026-12-02T00:00:02.000Z' }),
    ]),
  });
  const candidate = policiesWith((grants) => grants.filter((g) => g.service !== 'payments'));
  const windowed = await replayDecisions({ files: [join(dir, 'decisions.log')], policies: candidate, sinceMs: Date.parse('2026-12-01T00:00:00Z') });
  t.is(windowed.outsideWindow, 1);
  t.is(windowed.records, 3);
  t.is(windowed.changes.allow_to_deny, 1);
  const limited = await replayDecisions({ files: [join(dir, 'decisions.log')], policies: candidate, limit: 2 });
  t.is(limited.records, 2);
});

test('a missing log or a candidate that does not compile is an error naming it, before any replay', async (t) => {
  const dir = logFolder({ 'decisions.log': logText([authzRecord(frontendRead)]) });
  const missing = await t.throwsAsync(replayDecisions({ files: [join(dir, 'nope.log')], policies: 'policies' }), { instanceOf: ReplayError });
  t.is((missing as ReplayError).code, 'replay_log_unreadable');
  t.is(missing!.message, `${join(dir, 'nope.log')}: no such file`);
  const broken = logFolder({ 'p.rego': 'package warden.authz\n\ndecision := {"allow": true, "reasons": [x]}\n' });
  const bad = await t.throwsAsync(replayDecisions({ files: [join(dir, 'decisions.log')], policies: broken }), { instanceOf: ReplayError });
  t.is((bad as ReplayError).code, 'replay_policy_failed');
  t.regex(bad!.message, /p\.rego:3:/);
});

test('an Envoy record is re-decided with the Envoy entrypoint on its rebuilt input, and counted as replayed without OPA-Envoy attributes', async (t) => {
  const gateway = { authenticated_by: 'mtls', id: 'spiffe://warden.local/ns/mesh/sa/ingress-gateway', namespace: 'mesh', service_account: 'ingress-gateway', trust_domain: 'warden.local' };
  const frontend = { authenticated_by: 'requester', id: 'spiffe://warden.local/ns/shop/sa/frontend', namespace: 'shop', service_account: 'frontend', trust_domain: 'warden.local' };
  const envoy = {
    log: 'decision', decision_id: '00000000-0000-4000-8000-00000000e001', time: '2026-12-03T12:00:00.000Z', api: 'envoy',
    requester: gateway, subject: frontend, action: 'GET', resource: { service: 'orders', path: '/orders/7', attributes: {} }, context: {}, source: { ip: '10.0.0.3' },
    http: { method: 'GET', path: '/orders/7?view=full', host: 'orders', headers: { accept: 'application/json' } },
    allowed: true, reasons: ['granted: shop/frontend may GET on orders'], revision: 'recorded', cached: false, latency: 0.4,
  };
  const dir = logFolder({ 'decisions.log': logText([envoy]) });
  const same = await replayDecisions({ files: [join(dir, 'decisions.log')], policies: 'policies' });
  t.like(same, { replayed: 1, unchanged: 1, replayedWithoutEnvoyAttributes: 1 });
  const withoutGet = policiesWith((grants) => grants.map((g) => ({ ...g, actions: g.actions.filter((a) => a !== 'GET') })));
  const changed = await replayDecisions({ files: [join(dir, 'decisions.log')], policies: withoutGet });
  t.is(changed.changes.allow_to_deny, 1);
  t.deepEqual(changed.examples.allow_to_deny[0]!.after.reasons, ['no grant lets shop/frontend GET on orders']);
});
