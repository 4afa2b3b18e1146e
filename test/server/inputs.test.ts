import test from 'ava';
import { buildAuthzInput, buildEnvoyInput, envoyResponse, parsePath, parseQuery, peerIp } from '../../src/server/index.js';
import type { Identity } from '../../src/identity/index.js';
import { canonicalCopy, canonicalJson } from '../../src/engine/index.js';

const sidecar: Identity = { id: 'spiffe://td/ns/shop/sa/sidecar', trust_domain: 'td', namespace: 'shop', service_account: 'sidecar', authenticated_by: 'mtls' };

test('peer addresses become IPs', (t) => {
  t.is(peerIp('127.0.0.1:5000'), '127.0.0.1');
  t.is(peerIp('::1:5000'), '::1');
  t.is(peerIp('[::1]:5000'), '::1');
  t.is(peerIp('::ffff:10.1.2.3:443'), '10.1.2.3');
});

test('authorizer input: context Struct as JSON, defaults for missing fields', (t) => {
  const input = buildAuthzInput(
    { action: 'read', context: { fields: { n: { numberValue: 2 }, s: { stringValue: 'x' }, l: { listValue: { values: [{ boolValue: true }, { nullValue: 'NULL_VALUE' }] } } } } },
    sidecar,
    sidecar,
    '10.0.0.1',
    32,
  );
  t.deepEqual(input, {
    requester: sidecar,
    subject: sidecar,
    action: 'read',
    resource: { service: '', path: '', attributes: {} },
    context: { n: 2, s: 'x', l: [true, null] },
    source: { ip: '10.0.0.1' },
  });
});

test('parsed_path and parsed_query as OPA-Envoy computes them', (t) => {
  t.deepEqual(parsePath('/a/b%2Fc/%E2%9C%93'), ['a', 'b/c', '✓']);
  t.deepEqual(parsePath('/'), ['']);
  t.deepEqual(parseQuery('x=1&x=2&y=a%20b&z'), { x: ['1', '2'], y: ['a b'], z: [''] });
  t.deepEqual(parseQuery(''), {});
});

test('Envoy input: OPA-Envoy attributes in protobuf JSON form, plus Warden fields', (t) => {
  const input = buildEnvoyInput(
    {
      source: { address: { socket_address: { address: '10.0.0.5', port_value: 43210 } }, principal: 'spiffe://td/ns/shop/sa/orders' },
      destination: { principal: 'spiffe://td/ns/shop/sa/catalog', labels: { app: 'catalog' } },
      request: {
        time: { seconds: '1700000000', nanos: 5000000 },
        http: {
          method: 'POST',
          path: '/items/1?debug=true',
          host: 'catalog',
          size: '12',
          body: '{"qty": 2}',
          headers: { 'content-type': 'application/json', ':path': '/items/1?debug=true' },
          header_map: { headers: [{ key: 'X-Multi', value: 'a' }, { key: 'x-multi', raw_value: Buffer.from('b').toString('base64') }] },
        },
      },
      context_extensions: { route_name: 'items' },
      metadata_context: { filter_metadata: { 'envoy.filters.http.jwt_authn': { fields: { sub: { stringValue: 'u' } } } } },
    },
    sidecar,
  );
  t.is(input.action, 'POST');
  t.deepEqual(input.resource, { service: 'catalog', path: '/items/1', attributes: { app: 'catalog' } });
  t.like(input.subject!, { id: 'spiffe://td/ns/shop/sa/orders', service_account: 'orders', authenticated_by: 'requester' });
  t.is(input.requester, sidecar);
  t.deepEqual(input.context, { route_name: 'items' });
  t.deepEqual(input.source, { ip: '10.0.0.5' });
  t.deepEqual(input.parsed_path, ['items', '1']);
  t.deepEqual(input.parsed_query, { debug: ['true'] });
  t.deepEqual(input.parsed_body, { qty: 2 });
  t.is(input.http.headers['x-multi'], 'a,b');
  t.deepEqual(input.attributes, {
    source: { address: { socketAddress: { address: '10.0.0.5', portValue: 43210 } }, principal: 'spiffe://td/ns/shop/sa/orders' },
    destination: { principal: 'spiffe://td/ns/shop/sa/catalog', labels: { app: 'catalog' } },
    request: {
      time: '2023-11-14T22:13:20.005Z',
      http: {
        method: 'POST',
        path: '/items/1?debug=true',
        host: 'catalog',
        size: '12',
        body: '{"qty": 2}',
        headers: { 'content-type': 'application/json', ':path': '/items/1?debug=true' },
        headerMap: { headers: [{ key: 'X-Multi', value: 'a' }, { key: 'x-multi', rawValue: Buffer.from('b').toString('base64') }] },
      },
    },
    contextExtensions: { route_name: 'items' },
    metadataContext: { filterMetadata: { 'envoy.filters.http.jwt_authn': { sub: 'u' } } },
  });
});

test('Envoy responses: ok with the decision id, denied with 403 and reasons', (t) => {
  t.deepEqual(envoyResponse({ allow: true, reasons: [] }, 'id1'), { status: { code: 0 }, ok_response: { headers: [{ header: { key: 'x-warden-decision-id', value: 'id1' } }] } });
  const denied = envoyResponse({ allow: false, reasons: ['a', 'b'] }, 'id2');
  t.is(denied.status.code, 7);
  t.is(denied.denied_response!.status.code, 403);
  t.is(denied.denied_response!.body, 'a\nb\n');
  const multi = envoyResponse({ allow: true, reasons: [], envoy: { headers: { 'x-m': ['1', '2'] }, request_headers_to_remove: ['authorization'] } }, 'id3');
  t.deepEqual(multi.ok_response!.headers!.slice(1), [{ header: { key: 'x-m', value: '1' } }, { header: { key: 'x-m', value: '2' }, append: { value: true } }]);
  t.deepEqual(multi.ok_response!.headers_to_remove, ['authorization']);
});

test('the authorizer input is canonical as built: its JSON does not depend on the order keys arrived in', (t) => {
  const requester = canonicalCopy<Identity>({ id: 'spiffe://a/ns/x/sa/y', trust_domain: 'a', namespace: 'x', service_account: 'y', authenticated_by: 'mtls' });
  const subject: Identity = { trust_domain: 'b', id: 'spiffe://b/ns/p/sa/q', authenticated_by: 'requester', service_account: 'q', namespace: 'p' };
  const struct = (order: string[]) => ({ fields: Object.fromEntries(order.map((k) => [k, k === 'nested' ? { structValue: { fields: { z: { boolValue: true }, a: { stringValue: 'x' } } } } : { numberValue: 1 }])) });
  const one = buildAuthzInput({ action: 'read', resource: { service: 's', attributes: { zone: '1', app: '2' } }, context: struct(['nested', 'b', 'a']) }, requester, subject, '10.0.0.1', 32);
  const two = buildAuthzInput(
    { context: struct(['a', 'nested', 'b']), resource: { attributes: { app: '2', zone: '1' }, service: 's' }, action: 'read' },
    requester,
    { namespace: 'p', service_account: 'q', authenticated_by: 'requester', id: 'spiffe://b/ns/p/sa/q', trust_domain: 'b' },
    '10.0.0.1',
    32,
  );
  t.is(JSON.stringify(one), JSON.stringify(two));
  t.is(JSON.stringify(one), canonicalJson(one));
  t.deepEqual(Object.keys(one.context), ['a', 'b', 'nested']);
});

test('a context key named __proto__ is kept as data', (t) => {
  const requester: Identity = { authenticated_by: 'mtls', id: 'spiffe://a/b' };
  const input = buildAuthzInput({ action: 'a', context: { fields: { ['__proto__']: { stringValue: 'x' } } } }, requester, requester, '', 32);
  t.is(JSON.stringify(input.context), '{"__proto__":"x"}');
});
