import test from 'ava';
import { startFixture, unary, type Fixture } from '../server/helpers/fixture.js';

// Every route a decision record takes to the log (the check worker's record tail, the serving
// thread's cached answer, a fresh decision on the serving thread, CheckBatch, Envoy's record
// object) is redacted by the same rules in the log worker: no secret of issue 12 reaches the file.

const SECRETS = ['t0k3nSECRET', 's3ssSECRET', 'b3arerSECRET', 'pwdSECRET', 'YmFzaWNTRUNSRVQ', 'hunter2SECRET', 's1gSECRET', 'csrfSECRET', 'xfccSECRET', 'amzSECRET', 'r3fSECRET', '918273'];

const authzRequest = (n: number) => ({
  action: 'read',
  resource: {
    service: 'orders',
    path: `/orders/${n}?access_token=t0k3nSECRET&page=2`,
    attributes: { 'x-session': 's3ssSECRET', auth: 'Bearer b3arerSECRET', sessionid: 's3ssSECRET' },
  },
  context: { fields: { pwd: { stringValue: 'pwdSECRET' }, note: { stringValue: 'Basic YmFzaWNTRUNSRVQ=' }, otp: { stringValue: '918273' } } },
});

const envoyRequest = {
  attributes: {
    source: { address: { socket_address: { address: '10.0.0.5', port_value: 43210 } }, principal: 'spiffe://example.org/ns/shop/sa/orders' },
    destination: { address: { socket_address: { address: '10.0.0.9', port_value: 8080 } }, principal: 'spiffe://example.org/ns/shop/sa/catalog' },
    request: {
      http: {
        method: 'GET',
        path: '/items?password=hunter2SECRET&sig=s1gSECRET&q=1',
        host: 'catalog.shop',
        headers: {
          ':method': 'GET',
          ':path': '/items?password=hunter2SECRET&sig=s1gSECRET&q=1',
          'x-session': 's3ssSECRET',
          'x-csrf-token': 'csrfSECRET',
          'x-forwarded-client-cert': 'By=spiffe://x;Hash=xfccSECRET',
          'x-amz-signature': 'amzSECRET',
          'x-custom-auth': 'Bearer b3arerSECRET',
          refresh: 'r3fSECRET',
          'x-request-id': 'req-7',
        },
      },
    },
  },
};

async function exercise(fx: Fixture): Promise<Array<Record<string, any>>> {
  const c = fx.clients();
  // Three of the same: a miss, then answers from the caches (recalled by bytes once seen twice).
  for (let i = 0; i < 3; i++) await unary(c.authz, 'Check', authzRequest(1));
  await unary(c.authz, 'CheckBatch', { checks: [authzRequest(2), authzRequest(3)] });
  const sidecar = fx.clients('spiffe://example.org/ns/shop/sa/catalog-sidecar');
  await unary(sidecar.envoy, 'Check', envoyRequest);
  c.close();
  sidecar.close();
  return fx.decisions(6);
}

for (const checkWorker of [true, false]) {
  test(`no secret of issue 12 reaches the decision log, on any route (check worker ${checkWorker ? 'on' : 'off'})`, async (t) => {
    const fx = await startFixture({ config: { checkWorker } });
    t.teardown(() => fx.close());
    const lines = await exercise(fx);
    t.is(lines.length, 6);
    t.true(lines.some((l) => l.cached === true), 'a cached decision was logged');
    const text = JSON.stringify(lines);
    for (const secret of SECRETS) t.false(text.includes(secret), secret);
    const authz = lines.find((l) => l.api === 'authorizer')!;
    t.is(authz.resource.path, '/orders/1?access_token=[REDACTED]&page=2');
    t.is(authz.resource.attributes.auth, '[REDACTED]');
    const envoy = lines.find((l) => l.api === 'envoy')!;
    t.is(envoy.http.path, '/items?password=[REDACTED]&sig=[REDACTED]&q=1');
    t.is(envoy.http.headers['x-request-id'], 'req-7');
  });
}
