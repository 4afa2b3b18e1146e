import test from 'ava';
import { RegoSet, type RegoObject, type RegoValue } from '../../../src/builtins/value.js';
import { makeRandIntn } from '../../../src/builtins/runtime/runtime.js';
import { call, fails, sorted } from '../helpers.js';

test('json.match_schema reports gojsonschema-shaped errors', (t) => {
  const schema = { properties: { id: { type: 'integer' } }, required: ['id'] };
  t.deepEqual(call('json.match_schema', { id: 5 }, schema), [true, []]);
  t.deepEqual(call('json.match_schema', '{"id": 5}', JSON.stringify(schema)), [true, []]);
  t.deepEqual(call('json.match_schema', { id: 'foo' }, schema), [
    false,
    [{ desc: 'Invalid type. Expected: integer, given: string', error: 'id: Invalid type. Expected: integer, given: string', field: 'id', type: 'invalid_type' }],
  ]);
  t.deepEqual(call('json.match_schema', {}, schema), [
    false,
    [{ desc: 'id is required', error: '(root): id is required', field: '(root)', type: 'required' }],
  ]);
  fails(
    t,
    'eval_builtin_error',
    'json.match_schema: has a primitive type that is NOT VALID -- given: /unknown/ Expected valid values are:[array boolean integer number null object string]',
    'json.match_schema',
    { id: 'foo' },
    { properties: { id: { type: 'unknown' } } },
  );
  fails(t, 'eval_builtin_error', 'json.match_schema: invalid JSON string', 'json.match_schema', '{', schema);
  fails(t, 'eval_builtin_error', 'json.match_schema: wrong type, expected string or object', 'json.match_schema', 1, schema);
});

test('json.verify_schema', (t) => {
  t.deepEqual(call('json.verify_schema', { type: 'object' }), [true, null]);
  const [ok, msg] = call('json.verify_schema', { type: 'nope' }) as [boolean, string];
  t.false(ok);
  t.regex(msg, /^jsonschema: has a primitive type that is NOT VALID/);
  t.deepEqual(call('json.verify_schema', 5), [false, 'jsonschema: wrong type, expected string or object']);
});

test('providers.aws.sign_req signs with SigV4', (t) => {
  const req = { method: 'get', url: 'https://example.com', headers: { foo: 'bar' } };
  const config = { aws_access_key: 'MYAWSACCESSKEYGOESHERE', aws_secret_access_key: 'MYAWSSECRETACCESSKEYGOESHERE', aws_service: 's3', aws_region: 'us-east-1' };
  const out = call('providers.aws.sign_req', req, config, 1451311705000000000n) as RegoObject;
  t.deepEqual(out, {
    method: 'get',
    url: 'https://example.com',
    headers: {
      Authorization:
        'AWS4-HMAC-SHA256 Credential=MYAWSACCESSKEYGOESHERE/20151228/us-east-1/s3/aws4_request,SignedHeaders=foo;host;x-amz-content-sha256;x-amz-date,Signature=8f1dc7c9b9978356a0d0989fd26a95307f4f8a4aa264d8220647b7097d839952',
      foo: 'bar',
      host: 'example.com',
      'x-amz-content-sha256': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
      'x-amz-date': '20151228T140825Z',
    },
  });
  const unsigned = call('providers.aws.sign_req', req, { ...config, disable_payload_signing: true }, 1451311705000000000n) as RegoObject;
  t.is((unsigned.headers as RegoObject)['x-amz-content-sha256'], 'UNSIGNED-PAYLOAD');
});

test('providers.aws.sign_req errors', (t) => {
  const name = 'providers.aws.sign_req';
  const config = { aws_access_key: 'a', aws_secret_access_key: 'b', aws_service: 's3', aws_region: 'r' };
  fails(t, 'eval_type_error', `${name}: operand 1 missing required request parameters(s): {"method", "url"}`, name, {}, config, 0);
  fails(t, 'eval_type_error', `${name}: operand 1 invalid values for required request parameters(s): {"method", "url"}`, name, { method: new RegoSet([]), url: 1 }, config, 0);
  fails(t, 'eval_type_error', `${name}: operand 2 missing required AWS config parameters(s): {"aws_access_key", "aws_region", "aws_secret_access_key", "aws_service"}`, name, { method: 'get', url: 'x' }, {}, 0);
  fails(t, 'eval_type_error', `${name}: operand 3 could not convert time_ns value into a unix timestamp`, name, { method: 'get', url: 'x' }, config, -1e9);
  fails(t, 'eval_type_error', `${name}: operand 2 invalid value for 'disable_payload_signing' in AWS config`, name, { method: 'get', url: 'x' }, { ...config, disable_payload_signing: 'false' }, 0);
});

test('rand.intn stays in range; a per-evaluation cache makes it repeatable', (t) => {
  for (let i = 0; i < 50; i++) {
    const v = call('rand.intn', 'k', 10) as number;
    t.true(Number.isInteger(v) && v >= 0 && v < 10);
  }
  t.is(call('rand.intn', 'k', 0), 0);
  const neg = call('rand.intn', 'k', -3) as number;
  t.true(neg >= 0 && neg < 3);
  const cached = makeRandIntn(new Map<string, RegoValue>());
  const first = cached('key', 1_000_000);
  for (let i = 0; i < 20; i++) t.is(cached('key', 1_000_000), first);
  fails(t, 'eval_type_error', 'rand.intn: operand 2 must be integer number but got floating-point number', 'rand.intn', 'k', 1.5);
  fails(t, 'eval_type_error', 'rand.intn: operand 1 must be string but got number', 'rand.intn', 1, 1);
});

test('network builtins stay offline', (t) => {
  fails(t, 'eval_builtin_error', 'http.send: network access is disabled in Warden', 'http.send', { method: 'get', url: 'https://example.com' });
  fails(t, 'eval_type_error', 'http.send: operand 1 must be object but got string', 'http.send', 'x');
  t.deepEqual(sorted(call('net.lookup_ip_addr', '10.0.0.0')), ['10.0.0.0']);
  t.deepEqual(sorted(call('net.lookup_ip_addr', '::')), ['::']);
  t.deepEqual(sorted(call('net.lookup_ip_addr', 'localhost')), ['127.0.0.1', '::1']);
  fails(t, 'eval_builtin_error', 'net.lookup_ip_addr: network access is disabled in Warden', 'net.lookup_ip_addr', 'example.com');
});

test('opa.runtime and test.sleep', (t) => {
  t.deepEqual(call('opa.runtime'), {});
  const start = Date.now();
  t.is(call('test.sleep', '20ms'), null);
  t.true(Date.now() - start >= 15);
  fails(t, 'eval_builtin_error', 'test.sleep: time: invalid duration "soon"', 'test.sleep', 'soon');
});
