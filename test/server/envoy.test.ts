import test from 'ava';
import * as grpc from '@grpc/grpc-js';
import { startFixture, unary, type Fixture } from './helpers/fixture.js';

type HeaderOption = { header: { key: string; value: string }; append?: { value: boolean } };
type EnvoyResponse = {
  status: { code?: number; message?: string };
  ok_response?: { headers?: HeaderOption[]; headers_to_remove?: string[] };
  denied_response?: { status: { code: string | number }; headers?: HeaderOption[]; body?: string };
};

const SIDECAR = 'spiffe://example.org/ns/shop/sa/catalog-sidecar';
const JWT = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl';

function envoyRequest(opts: { source?: string; method?: string; path?: string } = {}) {
  return {
    attributes: {
      source: { address: { socket_address: { address: '10.0.0.5', port_value: 43210 } }, principal: opts.source ?? 'spiffe://example.org/ns/shop/sa/orders' },
      destination: { address: { socket_address: { address: '10.0.0.9', port_value: 8080 } }, principal: 'spiffe://example.org/ns/shop/sa/catalog', labels: { app: 'catalog' } },
      request: {
        time: { seconds: 1700000000, nanos: 5000000 },
        http: {
          id: 'req-1',
          method: opts.method ?? 'GET',
          path: opts.path ?? '/items/a%20b?x=1&x=2&y=3',
          host: 'catalog.shop',
          scheme: 'https',
          protocol: 'HTTP/2',
          headers: { ':method': opts.method ?? 'GET', authorization: `Bearer ${JWT}`, cookie: 'session=abc', 'x-request-id': 'req-1', 'x-trace': `t=${JWT}` },
        },
      },
      context_extensions: { route: 'items' },
    },
  };
}

const headerMap = (hs: HeaderOption[] = []) => Object.fromEntries(hs.map((h) => [h.header.key, h.header.value]));

let fx: Fixture;
let opa: Fixture;
test.before(async () => {
  [fx, opa] = await Promise.all([startFixture(), startFixture({ config: { envoyDecision: 'warden/envoy/decision' } })]);
});
test.after.always(async () => {
  await Promise.all([fx?.close(), opa?.close()]);
});

test.serial('allowed: status 0 and ok_response adding x-warden-decision-id', async (t) => {
  const c = fx.clients(SIDECAR);
  const res = await unary<EnvoyResponse>(c.envoy, 'Check', envoyRequest());
  t.is(res.status.code ?? 0, 0);
  t.truthy(res.ok_response);
  t.falsy(res.denied_response);
  const id = headerMap(res.ok_response!.headers)['x-warden-decision-id'];
  t.regex(id!, /^[0-9a-f-]{36}$/);
  c.close();
});

test.serial('denied: status 7 and denied_response with HTTP 403 and the reasons as body', async (t) => {
  const c = fx.clients(SIDECAR);
  const res = await unary<EnvoyResponse>(c.envoy, 'Check', envoyRequest({ source: 'spiffe://example.org/ns/shop/sa/frontend' }));
  t.is(res.status.code, 7);
  t.is(res.status.message, 'not granted');
  t.falsy(res.ok_response);
  t.is(res.denied_response!.status.code, 'Forbidden');
  t.is(res.denied_response!.body, 'not granted\n');
  t.truthy(headerMap(res.denied_response!.headers)['x-warden-decision-id']);
  c.close();
});

test.serial('the Envoy input: subject from source.principal, requester the sidecar, secrets redacted in the log', async (t) => {
  const c = fx.clients(SIDECAR);
  const res = await unary<EnvoyResponse>(c.envoy, 'Check', envoyRequest({ path: '/log-me?q=1' }));
  const id = headerMap(res.ok_response!.headers)['x-warden-decision-id'];
  const lines = await fx.decisions(1, id);
  const line = lines.find((l) => l.decision_id === id)!;
  t.truthy(line);
  t.is(line.api, 'envoy');
  t.like(line.subject as object, { id: 'spiffe://example.org/ns/shop/sa/orders', service_account: 'orders', authenticated_by: 'requester' });
  t.like(line.requester as object, { id: SIDECAR, authenticated_by: 'mtls' });
  t.is(line.action, 'GET');
  t.deepEqual(line.resource, { service: 'catalog', path: '/log-me', attributes: { app: 'catalog' } });
  t.deepEqual(line.source, { ip: '10.0.0.5' });
  const http = line.http as { headers: Record<string, string>; path: string };
  t.is(http.path, '/log-me?q=1');
  t.is(http.headers.authorization, '[REDACTED]');
  t.is(http.headers.cookie, '[REDACTED]');
  t.is(http.headers['x-trace'], 't=[REDACTED]');
  t.is(http.headers['x-request-id'], 'req-1');
  t.false(JSON.stringify(lines).includes(JWT), 'no JWT reaches the decision log');
  c.close();
});

test.serial('OPA-Envoy decisions: object with headers, boolean, and custom status and body', async (t) => {
  const c = opa.clients(SIDECAR);
  const pub = await unary<EnvoyResponse>(c.envoy, 'Check', envoyRequest({ path: '/public/x?y=1' }));
  t.is(pub.status.code ?? 0, 0);
  const h = headerMap(pub.ok_response!.headers);
  t.is(h['x-checked'], 'yes');
  t.truthy(h['x-warden-decision-id']);
  const bool = await unary<EnvoyResponse>(c.envoy, 'Check', envoyRequest({ path: '/private?mode=bool' }));
  t.is(bool.status.code ?? 0, 0);
  const denied = await unary<EnvoyResponse>(c.envoy, 'Check', envoyRequest({ path: '/private' }));
  t.is(denied.status.code, 7);
  t.is(denied.denied_response!.status.code, 'Unauthorized');
  t.is(denied.denied_response!.body, 'nope');
  c.close();
});

test.serial('an Envoy check without an HTTP request is INVALID_ARGUMENT', async (t) => {
  const c = fx.clients(SIDECAR);
  const err = await t.throwsAsync<grpc.ServiceError>(unary(c.envoy, 'Check', { attributes: {} }));
  t.is(err!.code, grpc.status.INVALID_ARGUMENT);
  const err2 = await t.throwsAsync<grpc.ServiceError>(unary(c.envoy, 'Check', {}));
  t.is(err2!.code, grpc.status.INVALID_ARGUMENT);
  c.close();
});
