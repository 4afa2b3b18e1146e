import test from 'ava';
import { parseCredentialRules } from '../../src/credentials/credential-rules.js';
import { CredentialWatch, type CredentialKind } from '../../src/credentials/credential-watch.js';
import type { AlertInput } from '../../src/protection/alerts/alert.js';

const H = 3_600_000;
const NOW = Date.UTC(2026, 11, 3, 12);

function watch(rules = parseCredentialRules({ expiryWarning: '1h' })) {
  const alerts: AlertInput[] = [];
  const ages: Array<[CredentialKind, number]> = [];
  const w = new CredentialWatch(rules, { raise: (a) => alerts.push(a), observeAge: (k, s) => ages.push([k, s]) });
  return { w, alerts, ages };
}

test('every use is counted by age; an expiring credential alerts once, whatever the number of uses', (t) => {
  const { w, alerts, ages } = watch();
  const cert = { kind: 'certificate' as const, subject: 'spiffe://acme/a', id: 'ab12', issuedMs: NOW - 2 * H, expiresMs: NOW + 30 * 60_000 };
  w.used(cert, NOW);
  w.used(cert, NOW + 1000);
  w.used({ ...cert, id: 'cd34' }, NOW);
  w.used({ kind: 'token', subject: 'spiffe://acme/b', id: 't1', issuedMs: NOW - 60_000, expiresMs: NOW + 2 * H }, NOW);
  t.deepEqual(ages, [['certificate', 7200], ['certificate', 7201], ['certificate', 7200], ['token', 60]]);
  t.is(alerts.length, 2, 'one per expiring credential; the token two hours from expiry is not');
  t.like(alerts[0], { kind: 'credential_expiring', subject: 'spiffe://acme/a', credential: 'certificate:ab12', endsAtMs: cert.expiresMs });
  t.regex(alerts[0]!.summary!, /spiffe:\/\/acme\/a used certificate ab12, which expires at 2026-12-03T12:30:00.000Z/);
  t.like(alerts[1], { credential: 'certificate:cd34' });
});

test('without expiryWarning nothing alerts; a reconfiguration turns it on', (t) => {
  const { w, alerts } = watch(parseCredentialRules({}));
  const key = { kind: 'api_key' as const, subject: 'spiffe://acme/c', id: 'k1', issuedMs: NOW, expiresMs: NOW + 1000 };
  w.used(key, NOW);
  t.is(alerts.length, 0);
  w.reconfigure(parseCredentialRules({ expiryWarning: '10m' }));
  w.used(key, NOW);
  t.is(alerts.length, 1);
  t.like(alerts[0], { credential: 'api_key:k1' });
});
