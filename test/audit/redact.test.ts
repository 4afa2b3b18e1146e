import test from 'ava';
import { createRedactor, isSecretKey, REDACTED } from '../../src/audit/index.js';

const JWT = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl';

test('secret-looking keys are redacted at any depth; the input is not modified', (t) => {
  const input = {
    http: { headers: { authorization: 'Bearer abc', cookie: 'a=b', 'set-cookie': 'x', 'x-api-key': 'k', 'x-auth-token': 't', accept: 'json' } },
    context: { user: { password: 'p', client_secret: 's', private_key: 'pk', name: 'alice', keys: ['not', 'secret'] } },
  };
  const copy = JSON.parse(JSON.stringify(input)) as typeof input;
  const out = createRedactor()(input) as typeof input;
  t.deepEqual(out.http.headers, { authorization: REDACTED, cookie: REDACTED, 'set-cookie': REDACTED, 'x-api-key': REDACTED, 'x-auth-token': REDACTED, accept: 'json' });
  t.deepEqual(out.context.user, { password: REDACTED, client_secret: REDACTED, private_key: REDACTED, name: 'alice', keys: ['not', 'secret'] });
  t.deepEqual(input, copy);
});

test('JWT-shaped strings are redacted wherever they appear, keys included', (t) => {
  const out = createRedactor()({ a: [`x ${JWT} y`], b: { [JWT]: 1 }, c: 'eyJ-not-a-jwt' }) as Record<string, unknown>;
  t.deepEqual(out, { a: [`x ${REDACTED} y`], b: { [REDACTED]: 1 }, c: 'eyJ-not-a-jwt' });
});

test('configured paths are redacted, with * for any key', (t) => {
  const r = createRedactor({ paths: ['context.customer.email', 'resource.attributes.*', 'list.*.ssn'] });
  const out = r({
    context: { customer: { email: 'a@b', name: 'n' } },
    resource: { attributes: { x: '1', y: '2' }, path: '/p' },
    list: [{ ssn: '1', n: 1 }],
  });
  t.deepEqual(out, {
    context: { customer: { email: REDACTED, name: 'n' } },
    resource: { attributes: { x: REDACTED, y: REDACTED }, path: '/p' },
    list: [{ ssn: REDACTED, n: 1 }],
  });
});

test('secret key names', (t) => {
  for (const k of ['password', 'Authorization', 'proxy-authorization', 'api_key', 'apiKey', 'token', 'id_token', 'secret', 'cookie', 'key', 'signing_key', 'credentials']) t.true(isSecretKey(k), k);
  for (const k of ['action', 'service_account', 'monkey', 'keys', 'path', 'decision_id']) t.false(isSecretKey(k), k);
});

test('very deep values are cut off rather than walked forever', (t) => {
  let v: unknown = 'x';
  for (let i = 0; i < 100; i++) v = { a: v };
  const out = JSON.stringify(createRedactor({ maxDepth: 10 })(v));
  t.true(out.includes('[TRUNCATED]'));
});
