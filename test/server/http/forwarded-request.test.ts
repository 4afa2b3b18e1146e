import test from 'ava';
import { HttpRequestError } from '../../../src/server/http/errors.js';
import { hostWithoutPort, lastForwardedFor, readForwardedRequest, type SubRequest } from '../../../src/server/http/forwarded-request.js';

const sub = (headers: Record<string, string | string[]>, url = '/authz', method = 'GET'): SubRequest => ({
  method,
  url,
  headers: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, Array.isArray(v) ? v : [v]])),
});
const http = (r: ReturnType<typeof readForwardedRequest>) => r.attributes.request!.http!;

test('nginx: X-Original-Method and X-Original-URI (the sub-request is GET /authz)', (t) => {
  const r = readForwardedRequest(sub({ 'x-original-method': 'DELETE', 'x-original-uri': '/orders/9?force=1', host: 'shop.example', 'x-warden-service': 'orders' }), {});
  t.like(http(r), { method: 'DELETE', path: '/orders/9?force=1', host: 'shop.example' });
  t.is(r.service, 'orders');
});

test('Traefik and Caddy: X-Forwarded-Method, -Uri, -Host, -Proto, and the service from the hosts map', (t) => {
  const r = readForwardedRequest(sub({ 'x-forwarded-method': 'PUT', 'x-forwarded-uri': '/a/b', 'x-forwarded-host': 'Orders.Internal:8443', 'x-forwarded-proto': 'https', host: 'warden:9192' }), { 'orders.internal': 'orders' });
  t.like(http(r), { method: 'PUT', path: '/a/b', host: 'Orders.Internal:8443', scheme: 'https' });
  t.is(http(r).headers!['host'], 'Orders.Internal:8443', 'the input names the original host, not Warden');
  t.is(r.service, 'orders');
});

test('X-Warden-Service wins over the hosts map; an unknown host is no service; prototype names are not services', (t) => {
  t.is(readForwardedRequest(sub({ 'x-forwarded-host': 'orders.internal', 'x-warden-service': 'billing' }), { 'orders.internal': 'orders' }).service, 'billing');
  t.is(readForwardedRequest(sub({ 'x-forwarded-host': 'elsewhere' }), { 'orders.internal': 'orders' }).service, '');
  t.is(readForwardedRequest(sub({ 'x-forwarded-host': 'constructor' }), {}).service, '');
});

test('Envoy HTTP mode: the sub-request method, and the path after /authz with its query', (t) => {
  t.like(http(readForwardedRequest(sub({}, '/authz/orders/7?x=1', 'POST'), {})), { method: 'POST', path: '/orders/7?x=1' });
  t.like(http(readForwardedRequest(sub({}, '/authz'), {})), { path: '/' });
  t.like(http(readForwardedRequest(sub({}, '/authz?q=1'), {})), { path: '/?q=1' });
});

test('the input headers drop hop-by-hop headers, those Connection names, and the proxy control headers', (t) => {
  const r = readForwardedRequest(
    sub({ connection: 'keep-alive, x-hop', 'x-hop': '1', 'keep-alive': 'timeout=5', 'content-length': '0', 'x-original-uri': '/', 'x-warden-service': 's', 'x-request-id': 'r', accept: ['a/b', 'c/d'], cookie: ['a=1', 'b=2'] }),
    {},
  );
  t.deepEqual(http(r).headers, { 'x-request-id': 'r', accept: 'a/b,c/d', cookie: 'a=1; b=2' });
});

test('X-Forwarded-For: the last hop, the one the nearest proxy added, across repeated headers and with ports', (t) => {
  const of = (v: string | string[]) => lastForwardedFor(sub({ 'x-forwarded-for': v }).headers);
  t.is(of('203.0.113.9, 10.0.0.2'), '10.0.0.2');
  t.is(of(['203.0.113.9', '10.0.0.3 ']), '10.0.0.3');
  t.is(of('1.2.3.4:5678'), '1.2.3.4');
  t.is(of('[2001:db8::1]:443'), '2001:db8::1');
  t.is(of('2001:db8::2'), '2001:db8::2');
  t.is(lastForwardedFor({}), '');
  t.is(readForwardedRequest(sub({ 'x-forwarded-for': '192.0.2.1' }), {}).attributes.source!.address!.socket_address!.address, '192.0.2.1');
  const e = t.throws(() => of('10.0.0.1, unknown'), { instanceOf: HttpRequestError });
  t.is(e?.code, 'http_bad_request');
});

test('fields that disagree or repeat, and URIs that are not paths, are bad requests', (t) => {
  const cases: Array<Record<string, string | string[]>> = [
    { 'x-original-uri': '/public', 'x-forwarded-uri': '/admin' },
    { 'x-original-method': 'GET', 'x-forwarded-method': 'DELETE' },
    { 'x-original-uri': ['/a', '/b'] },
    { 'x-warden-service': ['a', 'b'] },
    { 'x-original-uri': 'http://elsewhere/admin' },
  ];
  for (const headers of cases) {
    const e = t.throws(() => readForwardedRequest(sub(headers), {}), { instanceOf: HttpRequestError }, JSON.stringify(headers));
    t.is(e?.code, 'http_bad_request');
  }
  t.like(http(readForwardedRequest(sub({ 'x-original-uri': '/same', 'x-forwarded-uri': '/same' }), {})), { path: '/same' });
});

test('hostWithoutPort', (t) => {
  t.is(hostWithoutPort('Orders.Internal:8443'), 'orders.internal');
  t.is(hostWithoutPort('[::1]:80'), '::1');
  t.is(hostWithoutPort('plain'), 'plain');
});
