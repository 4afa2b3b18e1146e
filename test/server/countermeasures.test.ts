import test from 'ava';
import { startFixture, unary, REQUESTER, type Fixture } from './helpers/fixture.js';

type CheckResponse = { allowed?: boolean; reasons?: string[]; decision_id?: string; cached?: boolean; retry_after_ms?: number };
type Header = { header: { key: string; value: string } };
type EnvoyResponse = { status: { code?: number; message?: string }; denied_response?: { status: { code: string | number }; headers?: Header[] }; ok_response?: unknown };

const SIDECAR = 'spiffe://example.org/ns/shop/sa/catalog-sidecar';
const read = { action: 'read', resource: { service: 'orders', path: '/orders/7' } };

function envoyRequest(address: string) {
  return {
    attributes: {
      source: { address: { socket_address: { address, port_value: 43210 } }, principal: 'spiffe://example.org/ns/shop/sa/orders' },
      request: { http: { id: 'req-1', method: 'GET', path: '/items/1', host: 'catalog.shop', headers: { ':method': 'GET' } } },
    },
  };
}

function header(res: EnvoyResponse, key: string): string | undefined {
  return res.denied_response?.headers?.find((h) => h.header.key === key)?.header.value;
}

let fx: Fixture;
test.before(async () => {
  fx = await startFixture({
    config: {
      ipDeny: ['203.0.113.0/24'],
      rateLimits: [{ name: 'per-caller', by: 'subject', perSecond: 0.5, burst: 3, services: ['orders'] }],
      autoBan: [{ by: 'source_ip', after: 3, within: '60s', banFor: '5m' }],
    },
  });
});
test.after.always(async () => {
  await fx?.close();
});

test.serial('Authorizer: a call over its rate limit is denied before the policy, even when the cache holds its answer', async (t) => {
  const c = fx.clients();
  t.true((await unary<CheckResponse>(c.authz, 'Check', read)).allowed);
  t.true((await unary<CheckResponse>(c.authz, 'Check', read)).cached, 'recalled by its bytes');
  t.true((await unary<CheckResponse>(c.authz, 'Check', read)).allowed);
  const limited = await unary<CheckResponse>(c.authz, 'Check', read);
  t.false(limited.allowed ?? false);
  t.deepEqual(limited.reasons, ['rate limited: per-caller (0.5/s, burst 3)']);
  t.true((limited.retry_after_ms ?? 0) > 0 && (limited.retry_after_ms ?? 0) <= 2000, String(limited.retry_after_ms));
  t.falsy(limited.cached);
  // Other services do not count against it.
  t.false((await unary<CheckResponse>(c.authz, 'Check', { action: 'read', resource: { service: 'catalog' } })).reasons?.[0]?.startsWith('rate limited') ?? false);
  const lines = await fx.decisions(1, limited.decision_id);
  const line = lines.find((l) => l.decision_id === limited.decision_id)!;
  t.false(line.allowed);
  t.deepEqual(line.reasons, limited.reasons);
  t.is((line.subject as { id: string }).id, REQUESTER);
  t.regex(await fx.server.metrics.registry.metrics(), /^warden_rate_limited_total\{limit="per-caller"\} 1$/m);
  c.close();
});

test.serial('Envoy: a denied address gets 403 and status 7; denials ban the address (403, "banned:"); the ban is counted', async (t) => {
  const envoy = fx.clients(SIDECAR);
  const denied = await unary<EnvoyResponse>(envoy.envoy, 'Check', envoyRequest('203.0.113.7'));
  t.is(denied.status.code, 7);
  t.is(denied.denied_response!.status.code, 'Forbidden');
  const id = header(denied, 'x-warden-decision-id')!;
  const logged = (await fx.decisions(1, id)).find((l) => l.decision_id === id)!;
  t.regex((logged.reasons as string[])[0]!, /^address denied: 203\.0\.113\.7/);
  // Two more denials (by the deny list) from 203.0.113.7 reach the ban's three.
  await unary<EnvoyResponse>(envoy.envoy, 'Check', envoyRequest('203.0.113.7'));
  await unary<EnvoyResponse>(envoy.envoy, 'Check', envoyRequest('203.0.113.7'));
  // Policy denials ban an address that is not on the list too.
  for (let i = 0; i < 3; i++) {
    const req = envoyRequest('198.51.100.9');
    req.attributes.request.http.path = '/private';
    req.attributes.source.principal = 'spiffe://example.org/ns/shop/sa/stranger';
    await unary<EnvoyResponse>(envoy.envoy, 'Check', req);
  }
  await new Promise((r) => setTimeout(r, 50));
  const banned = await unary<EnvoyResponse>(envoy.envoy, 'Check', envoyRequest('198.51.100.9'));
  t.is(banned.status.code, 7);
  t.is(banned.denied_response!.status.code, 'Forbidden');
  const bannedId = header(banned, 'x-warden-decision-id')!;
  const bannedLine = (await fx.decisions(1, bannedId)).find((l) => l.decision_id === bannedId)!;
  t.regex((bannedLine.reasons as string[])[0]!, /^banned: address 198\.51\.100\.9 until \d{4}-/);
  t.regex(await fx.server.metrics.registry.metrics(), /^warden_bans_active\{by="source_ip"\} 2$/m);
  t.regex(await fx.server.metrics.registry.metrics(), /^warden_denied_address_total 3$/m);
  envoy.close();
});

test.serial('Envoy: a rate-limited call gets HTTP 429, retry-after in seconds, and status 8', async (t) => {
  fx.server.reconfigure({ rateLimits: [{ name: 'envoy-route', by: 'route', perSecond: 1, burst: 1 }] });
  const envoy = fx.clients(SIDECAR);
  const first = await unary<EnvoyResponse>(envoy.envoy, 'Check', envoyRequest('192.0.2.10'));
  t.is(first.status.code ?? 0, 0);
  const limited = await unary<EnvoyResponse>(envoy.envoy, 'Check', envoyRequest('192.0.2.10'));
  t.is(limited.status.code, 8);
  t.is(limited.denied_response!.status.code, 'TooManyRequests');
  t.is(header(limited, 'retry-after'), '1');
  envoy.close();
});

test.serial('a reloaded config applies at once; a bad one is refused and the one in force stays', async (t) => {
  t.throws(() => fx.server.reconfigure({ ipDeny: ['not-an-address'] }), { message: /ipDeny\[0\]: "not-an-address" is not an IP address or CIDR/ });
  fx.server.reconfigure({ ipDeny: ['127.0.0.0/8', '::1/128'] });
  const c = fx.clients();
  const res = await unary<CheckResponse>(c.authz, 'Check', { action: 'read', resource: { service: 'billing' } });
  t.false(res.allowed ?? false);
  t.regex(res.reasons![0]!, /^address denied: /);
  fx.server.reconfigure({});
  t.true((await unary<CheckResponse>(c.authz, 'Check', { action: 'read', resource: { service: 'billing' } })).allowed);
  c.close();
});
