import test from 'ava';
import { authzInput } from '../../src/server/authz-input.js';
import { buildAuthzInput, buildEnvoyInput, DEFAULT_LIMITS, EnvoyRequestRejected, envoyResponse, jsonNestingExceeds, parseEnvoyBody, parsePath, parseQuery, peerIp } from '../../src/server/index.js';
import { validateEnvoyCheck } from '../../src/server/validation.js';
import { envoyRejection } from '../../src/server/envoy-rejection.js';
import { ServiceError } from '../../src/server/index.js';
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
    DEFAULT_LIMITS,
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

test('Envoy responses: ok with the decision id; denied with 403 and a generic body, or the reasons when exposed', (t) => {
  t.deepEqual(envoyResponse({ allow: true, reasons: [] }, 'id1'), { status: { code: 0 }, ok_response: { headers: [{ header: { key: 'x-warden-decision-id', value: 'id1' } }] } });
  const reasons = ['spiffe://td/ns/shop/sa/orders may not GET', 'b'];
  const denied = envoyResponse({ allow: false, reasons }, 'id2');
  t.deepEqual(denied, {
    status: { code: 7, message: 'access denied (decision id2)' },
    denied_response: {
      status: { code: 403 },
      headers: [{ header: { key: 'x-warden-decision-id', value: 'id2' } }, { header: { key: 'content-type', value: 'text/plain; charset=utf-8' } }],
      body: 'access denied (decision id2)\n',
    },
  });
  const exposed = envoyResponse({ allow: false, reasons }, 'id2', { exposeReasons: true });
  t.is(exposed.status.message, 'spiffe://td/ns/shop/sa/orders may not GET; b');
  t.is(exposed.denied_response!.body, 'spiffe://td/ns/shop/sa/orders may not GET\nb\n');
  // Anything but `true` keeps them private (a config file may hold "yes").
  t.is(envoyResponse({ allow: false, reasons }, 'id2', { exposeReasons: 'yes' as unknown as boolean }).denied_response!.body, 'access denied (decision id2)\n');
  const multi = envoyResponse({ allow: true, reasons: [], envoy: { headers: { 'x-m': ['1', '2'] }, request_headers_to_remove: ['authorization'] } }, 'id3');
  t.deepEqual(multi.ok_response!.headers!.slice(1), [{ header: { key: 'x-m', value: '1' } }, { header: { key: 'x-m', value: '2' }, append: { value: true } }]);
  t.deepEqual(multi.ok_response!.headers_to_remove, ['authorization']);
});

test("Envoy denials: the policy's own body, status and headers win over the generic ones", (t) => {
  const policy = { allow: false, reasons: ['secret wording'], envoy: { body: '{"error":"nope"}', http_status: 401, headers: { 'content-type': 'application/json' } } };
  for (const exposeReasons of [false, true]) {
    const res = envoyResponse(policy, 'id4', { exposeReasons });
    t.is(res.denied_response!.body, '{"error":"nope"}');
    t.is(res.denied_response!.status.code, 401);
    t.deepEqual(res.denied_response!.headers, [{ header: { key: 'x-warden-decision-id', value: 'id4' } }, { header: { key: 'content-type', value: 'application/json' } }]);
  }
  t.is(envoyResponse(policy, 'id4').status.message, 'access denied (decision id4)');
});

test('JSON nesting is measured without recursion, outside strings only', (t) => {
  t.false(jsonNestingExceeds('{"a":[1,{"b":[]}]}', 4));
  t.true(jsonNestingExceeds('{"a":[1,{"b":[]}]}', 3));
  t.false(jsonNestingExceeds('"[[[[[[", {"k": "{{\\"[[[["}', 1), 'brackets in strings, escaped quotes');
  t.false(jsonNestingExceeds('[]'.repeat(50_000), 1), 'siblings do not add up');
  t.true(jsonNestingExceeds('['.repeat(1_000_000), 32));
  t.false(jsonNestingExceeds('not json', 0));
});

const limits = { maxBodyBytes: 64, maxDepth: 3 };
const json = { 'content-type': 'application/json' };
const rejection = (fn: () => unknown) => {
  const e = (() => {
    try {
      fn();
    } catch (err) {
      return err;
    }
    return undefined;
  })();
  return e instanceof EnvoyRequestRejected ? { reason: e.reason, httpStatus: e.httpStatus } : e;
};

test('Envoy bodies: JSON and forms parsed within limits; too large, too deep or broken JSON rejected', (t) => {
  t.deepEqual(parseEnvoyBody({ body: '{"a":[{"b":1}]}' }, json, limits), { parsed: { a: [{ b: 1 }] }, truncated: false });
  t.deepEqual(parseEnvoyBody({ body: 'x=1&x=2' }, { 'content-type': 'application/x-www-form-urlencoded' }, limits), { parsed: { x: ['1', '2'] }, truncated: false });
  t.deepEqual(parseEnvoyBody({ body: '[[[[1]]]]' }, { 'content-type': 'text/plain' }, limits), { truncated: false }, 'not JSON by type: not parsed, not measured');
  t.deepEqual(parseEnvoyBody({ raw_body: Buffer.from('{"r":true}').toString('base64') }, { 'content-type': 'application/vnd.api+json' }, limits), { parsed: { r: true }, truncated: false });
  t.deepEqual(rejection(() => parseEnvoyBody({ body: '[[[[1]]]]' }, json, limits)), { reason: 'body_too_deep', httpStatus: 400 });
  t.deepEqual(rejection(() => parseEnvoyBody({ body: '{"a": tru' }, json, limits)), { reason: 'malformed', httpStatus: 400 });
  t.deepEqual(rejection(() => parseEnvoyBody({ body: 'é'.repeat(40) }, {}, limits)), { reason: 'body_too_large', httpStatus: 413 }, 'bytes, not characters');
  t.deepEqual(rejection(() => parseEnvoyBody({ raw_body: Buffer.alloc(65).toString('base64') }, {}, limits)), { reason: 'body_too_large', httpStatus: 413 });
  t.deepEqual(parseEnvoyBody({ raw_body: Buffer.alloc(64).toString('base64') }, {}, limits), { truncated: false }, 'exactly the limit is within it');
});

test('an Envoy JSON body keeps the digits of a number a double cannot hold, into the input\'s canonical JSON', (t) => {
  const body = parseEnvoyBody({ body: '{"account": 12345678901234567891, "n": 2}' }, json, limits);
  t.is(canonicalJson(body.parsed), '{"account":12345678901234567891,"n":2}');
  const input = buildEnvoyInput({ request: { http: { method: 'POST', body: '{"account": 12345678901234567891}', headers: json } } }, sidecar, limits);
  t.regex(canonicalJson(input), /"parsed_body":\{"account":12345678901234567891\}/);
});

test('Envoy bodies cut short by Envoy are truncated and not parsed, as OPA-Envoy does', (t) => {
  t.deepEqual(parseEnvoyBody({ body: '{"a": [1, 2' }, { ...json, 'x-envoy-auth-partial-body': 'true' }, limits), { truncated: true });
  t.deepEqual(parseEnvoyBody({ body: '{"a": [1, 2' }, { ...json, 'content-length': '40' }, limits), { truncated: true });
  t.deepEqual(parseEnvoyBody({ body: '{"a": 1}' }, { ...json, 'content-length': '8' }, limits), { parsed: { a: 1 }, truncated: false });
  const input = buildEnvoyInput({ request: { http: { method: 'POST', body: '{"a": [1, 2', headers: { ...json, 'x-envoy-auth-partial-body': 'true' } } } }, sidecar, limits);
  t.true(input.truncated_body);
  t.false('parsed_body' in input);
});

test('Envoy checks: what the client controls is rejected with the status that fits; the proxy\'s part with 403', (t) => {
  const check = (http: Record<string, unknown> | undefined, principal?: string) => () =>
    validateEnvoyCheck({ attributes: { ...(principal ? { source: { principal } } : {}), ...(http ? { request: { http } } : {}) } }, DEFAULT_LIMITS);
  const ok = { method: 'GET', path: '/', host: 'h' };
  t.is(rejection(check(ok)), undefined);
  t.deepEqual(rejection(check({ ...ok, path: '/' + 'p'.repeat(8192) })), { reason: 'path_too_long', httpStatus: 414 });
  t.is(rejection(check({ ...ok, path: '/' + 'p'.repeat(8191) })), undefined, 'exactly the limit is within it');
  t.deepEqual(rejection(check({ ...ok, host: 'h'.repeat(257) })), { reason: 'header_too_large', httpStatus: 431 });
  t.deepEqual(rejection(check({ ...ok, headers: { ['n'.repeat(257)]: 'v' } })), { reason: 'header_too_large', httpStatus: 431 });
  t.deepEqual(rejection(check({ ...ok, headers: { n: 'v'.repeat(8193) } })), { reason: 'header_too_large', httpStatus: 431 });
  t.deepEqual(rejection(check({ ...ok, header_map: { headers: [{ key: 'n', raw_value: Buffer.alloc(8193).toString('base64') }] } })), { reason: 'header_too_large', httpStatus: 431 });
  t.is(rejection(check({ ...ok, header_map: { headers: [{ key: 'n', raw_value: Buffer.alloc(8192).toString('base64') }] } })), undefined);
  t.deepEqual(rejection(check({ ...ok, method: '' })), { reason: 'malformed', httpStatus: 400 });
  t.deepEqual(rejection(check({ ...ok, method: 'M'.repeat(257) })), { reason: 'malformed', httpStatus: 400 });
  t.deepEqual(rejection(check(undefined)), { reason: 'bad_check_request', httpStatus: 403 });
  t.deepEqual(rejection(check(ok, 'spiffe://td/' + 'x'.repeat(8192))), { reason: 'bad_check_request', httpStatus: 403 });
});

test('whatever breaks while reading an Envoy check is a rejection, never an error left to escape', (t) => {
  const own = new EnvoyRequestRejected('path_too_long', 'p');
  t.is(envoyRejection(own), own);
  t.like(envoyRejection(new ServiceError('invalid_argument', 'context is nested deeper than 64 levels')), { reason: 'bad_check_request', httpStatus: 403, message: 'context is nested deeper than 64 levels' });
  const bug = new TypeError('x is undefined');
  const r = envoyRejection(bug);
  t.like(r, { reason: 'bad_check_request', httpStatus: 403, message: 'the check request could not be read' });
  t.is(r.cause, bug);
  t.false(r.message.includes('undefined'), 'a fault of our own is not described to the client');
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

test("the authorizer input's JSON made from its members' JSON is the text of the input built whole, and of the value made beside it", (t) => {
  const requester = canonicalCopy<Identity>({ id: 'spiffe://a/ns/x/sa/y', trust_domain: 'a', namespace: 'x', service_account: 'y', authenticated_by: 'mtls' });
  const asserted: Identity = { trust_domain: 'b', id: 'spiffe://b/ns/p/sa/q', authenticated_by: 'requester', service_account: 'q', namespace: 'p' };
  const texts = ['', 'read', 'ünïcödé ✓', 'quote " and \\ and \u0001 and \u2028', '__proto__', '10', '9', 'constructor'];
  const values = [{ stringValue: 'x' }, { numberValue: 1.5 }, { numberValue: Infinity }, { boolValue: false }, { nullValue: 'NULL_VALUE' }, { listValue: { values: [{ stringValue: 'a' }, { structValue: { fields: { b: { numberValue: 2 } } } }] } }, {}];
  let seed = 7;
  const pick = <T>(xs: readonly T[]): T => xs[(seed = (seed * 1103515245 + 12345) % 2147483648) % xs.length]!;
  const fields = () => Object.fromEntries(Array.from({ length: seed % 4 }, () => [pick(texts), pick(values)]));
  for (let i = 0; i < 300; i++) {
    const req = {
      ...(i % 5 ? { action: pick(texts) } : {}),
      ...(i % 3 ? { resource: { service: pick(texts), ...(i % 2 ? { path: pick(texts) } : {}), attributes: Object.fromEntries(Array.from({ length: i % 4 }, () => [pick(texts), pick(texts)])) } } : {}),
      ...(i % 4 ? { context: { fields: fields() } } : {}),
    };
    const subject = i % 2 ? requester : asserted;
    const sourceIp = pick(['10.0.0.1', '::1', '']);
    const whole = JSON.stringify(buildAuthzInput(req, requester, subject, sourceIp, 32));
    t.is(authzInput(req, { requester, sourceIp }, subject, 32).json, whole);
    t.is(authzInput(req, { requester, sourceIp, requesterJson: JSON.stringify(requester) }, subject, 32).json, whole);
    // The value handed beside the text (what the cache key is read from) writes the same text.
    const parts = authzInput(req, { requester, sourceIp, requesterJson: JSON.stringify(requester) }, subject, 32);
    t.is(JSON.stringify(parts.value), parts.json);
    t.is(parts.json, whole);
  }
});
