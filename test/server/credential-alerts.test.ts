/** WardenCredentialExpiring from a running server to a real Alertmanager (Debian's `prometheus-alertmanager`). */
import test from 'ava';
import { setTimeout as sleep } from 'node:timers/promises';
import { ALERTMANAGER_BINARY, listed, startAlertmanager, type GettableAlert } from '../helpers/alertmanager.js';
import { ensureDebianPackage } from '../helpers/debian-package.js';
import { startFixture, unary } from './helpers/fixture.js';

const withAlertmanager = (await ensureDebianPackage(console, 'prometheus-alertmanager', ALERTMANAGER_BINARY)) ? test.serial : test.skip;
const CALLER = 'spiffe://example.org/ns/shop/sa/frontend';

withAlertmanager('a certificate used within expiryWarning of its end raises WardenCredentialExpiring in Alertmanager, once, until it expires', async (t) => {
  const url = await startAlertmanager(t);
  const fx = await startFixture({ config: { alerts: { webhook: url }, credentials: { expiryWarning: '30m' } } });
  t.teardown(() => fx.close());
  const expires = new Date(Math.floor(Date.now() / 1000) * 1000 + 20 * 60_000);
  const soon = fx.clients(CALLER, { cert: fx.ca.issue({ cn: 'client', uris: [CALLER], notAfter: expires }) });
  const fresh = fx.clients(CALLER);
  for (let i = 0; i < 3; i++) {
    t.true((await unary<{ allowed?: boolean }>(soon.authz, 'Check', { action: 'read' })).allowed);
    t.true((await unary<{ allowed?: boolean }>(fresh.authz, 'Check', { action: 'read' })).allowed);
  }
  let alerts: GettableAlert[] = [];
  for (const deadline = Date.now() + 15_000; alerts.length === 0 && Date.now() < deadline; ) {
    await sleep(100);
    alerts = await listed(url, 'WardenCredentialExpiring');
  }
  t.is(alerts.length, 1, 'the certificate an hour from expiry is not alerted about; the expiring one once');
  t.is(alerts[0]!.labels['subject'], CALLER);
  t.regex(alerts[0]!.labels['credential']!, /^certificate:[0-9a-f]{64}$/);
  t.is(alerts[0]!.status.state, 'active');
  t.is(Date.parse(alerts[0]!.endsAt), expires.getTime());
  t.regex(alerts[0]!.annotations['summary']!, /used certificate [0-9a-f]{64}, which expires at /);
  soon.close();
  fresh.close();
});
