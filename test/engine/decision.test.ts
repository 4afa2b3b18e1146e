import test from 'ava';
import { canonicalJson, canonicalJsonOf, interpretResultSet } from '../../src/engine/index.js';

const EP = 'warden/authz/decision';

test('the authz shape is accepted exactly', (t) => {
  t.deepEqual(interpretResultSet([{ result: { allow: true, reasons: [] } }], EP, 'authz'), { allow: true, reasons: [] });
  t.deepEqual(interpretResultSet([{ result: { allow: false, reasons: ['a', 'b'], extra: 1 } }], EP, 'authz'), { allow: false, reasons: ['a', 'b'] });
});

test('undefined, errors and other shapes deny with a reason that says which', (t) => {
  const cases: Array<[unknown, string, RegExp]> = [
    [[], 'undefined', /is undefined/],
    [[{}], 'undefined', /is undefined/],
    ['x', 'error', /not a result set/],
    [[{ result: true }], 'invalid_shape', /got a boolean/],
    [[{ result: { allow: 'yes', reasons: [] } }], 'invalid_shape', /got an object/],
    [[{ result: { allow: true } }], 'invalid_shape', /must be/],
    [[{ result: { allow: true, reasons: [1] } }], 'invalid_shape', /must be/],
    [[{ result: { allow: true, reasons: [] } }, { result: { allow: true, reasons: [] } }], 'invalid_shape', /2 results/],
  ];
  for (const [rs, failure, reason] of cases) {
    const d = interpretResultSet(rs, EP, 'authz');
    t.false(d.allow);
    t.is(d.failure, failure as never);
    t.is(d.reasons.length, 1);
    t.regex(d.reasons[0]!, reason);
  }
});

test('Envoy decisions: booleans, the authz shape and OPA-Envoy objects', (t) => {
  t.deepEqual(interpretResultSet([{ result: true }], EP, 'envoy'), { allow: true, reasons: [] });
  t.like(interpretResultSet([{ result: false }], EP, 'envoy'), { allow: false, reasons: [`denied by ${EP}`] });
  t.deepEqual(interpretResultSet([{ result: { allow: false, reasons: ['r'] } }], EP, 'envoy'), { allow: false, reasons: ['r'] });
  const opa = interpretResultSet(
    [{ result: { allowed: true, headers: { 'x-a': 'b', 'x-m': ['1', '2'] }, response_headers_to_add: { 'x-r': 'v' }, request_headers_to_remove: ['authorization'] } }],
    EP,
    'envoy',
  );
  t.deepEqual(opa, {
    allow: true,
    reasons: [],
    envoy: { headers: { 'x-a': 'b', 'x-m': ['1', '2'] }, response_headers_to_add: { 'x-r': 'v' }, request_headers_to_remove: ['authorization'] },
  });
  t.like(interpretResultSet([{ result: { allowed: false, body: 'b', http_status: 429 } }], EP, 'envoy'), { allow: false, envoy: { body: 'b', http_status: 429 } });
  for (const bad of [{ allowed: 'y' }, { allowed: true, headers: { a: 1 } }, { allowed: false, http_status: 42 }, { allowed: false, body: 3 }, 'str', 7]) {
    t.is(interpretResultSet([{ result: bad }], EP, 'envoy').failure, 'invalid_shape', JSON.stringify(bad));
  }
});

test('canonical JSON sorts keys at every level and drops undefined', (t) => {
  t.is(canonicalJson({ b: 1, a: [true, { d: null, c: 'x', u: undefined }] }), '{"a":[true,{"c":"x","d":null}],"b":1}');
  t.is(canonicalJson({ x: { z: 1, y: 2 } }), canonicalJson({ x: { y: 2, z: 1 } }));
  t.not(canonicalJson({ a: '1' }), canonicalJson({ a: 1 }));
});

test('canonical JSON says when it is the value\'s own JSON.stringify (keys in order, nothing undefined)', (t) => {
  for (const value of [{ a: 1, b: [{ c: null, d: 'x' }] }, [1, 'a', { k: true }], 'text', null]) {
    t.deepEqual(canonicalJsonOf(value), { json: JSON.stringify(value), stringified: true });
  }
  for (const value of [{ b: 1, a: 2 }, { a: { d: 1, c: 2 } }, { a: undefined }, [{ y: 1, x: 2 }]]) {
    const { json, stringified } = canonicalJsonOf(value);
    t.false(stringified, JSON.stringify(value));
    t.is(json, canonicalJson(value));
  }
});

test('a decision may ask for rate limits; malformed ones make it a deny saying why', (t) => {
  const limits = [{ name: 'export', key: 'alice', per_second: 2, burst: 4 }];
  t.deepEqual(interpretResultSet([{ result: { allow: true, reasons: [], limits } }], 'a/d', 'authz'), {
    allow: true,
    reasons: [],
    limits: [{ name: 'export', key: 'alice', perSecond: 2, burst: 4 }],
  });
  t.like(interpretResultSet([{ result: { allowed: true, limits } }], 'e/d', 'envoy'), { allow: true, limits: [{ name: 'export', key: 'alice', perSecond: 2, burst: 4 }] });
  t.deepEqual(interpretResultSet([{ result: { allow: true, reasons: [], limits: [] } }], 'a/d', 'authz'), { allow: true, reasons: [] });
  for (const bad of [{ name: 'x' }, [{ name: 'x', key: 'k', per_second: 0, burst: 1 }], [{ name: 'x', key: 'k', per_second: 1, burst: 1.5 }], [{ key: 'k', per_second: 1, burst: 1 }]]) {
    const d = interpretResultSet([{ result: { allow: true, reasons: [], limits: bad } }], 'a/d', 'authz');
    t.false(d.allow, JSON.stringify(bad));
    t.is(d.failure, 'invalid_shape');
    t.regex(d.reasons[0]!, /^decision a\/d: ("limits" must be an array|limits\[0\] needs)/);
  }
});

test('document shape: any value is kept as result; false, or an object whose allow/allowed is false, counts as a deny', (t) => {
  t.deepEqual(interpretResultSet([{ result: ['a', 'b'] }], 'shop/roles', 'document'), { allow: true, reasons: [], result: ['a', 'b'] });
  t.deepEqual(interpretResultSet([{ result: null }], 'shop/x', 'document'), { allow: true, reasons: [], result: null });
  t.false(interpretResultSet([{ result: false }], 'shop/allow', 'document').allow);
  t.false(interpretResultSet([{ result: { allowed: false } }], 'system/main', 'document').allow);
  t.false(interpretResultSet([{ result: { allow: false, reasons: [] } }], 'warden/authz/decision', 'document').allow);
  t.deepEqual(interpretResultSet([{ result: false }], 'shop/allow', 'document').result, false);
});

test('document shape: an undefined document is a failure "undefined" without a result (never cached, never an allow)', (t) => {
  const decision = interpretResultSet([], 'shop/maybe', 'document');
  t.is(decision.failure, 'undefined');
  t.false(decision.allow);
  t.false('result' in decision);
});
