import test from 'ava';
import fc from 'fast-check';
import { createRedactor, isSecretKey, mayNeedRedaction, REDACTED } from '../../src/audit/index.js';

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

test('text that mayNeedRedaction clears is left unchanged by redaction (property, with secret-looking keys, JWTs and deep nesting in the mix)', (t) => {
  const redact = createRedactor();
  const key = fc.oneof(fc.string(), fc.constantFrom('password', 'Token', 'x-api-key', 'key', 'monkey', 'keys', 'a.key', 'Cookie', 'path', '__proto__', JWT));
  const leaf = fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.constant(null), fc.constantFrom(JWT, `Bearer ${JWT}`, 'eyJ-not-a-jwt'));
  const { value } = fc.letrec((tie) => ({
    value: fc.oneof({ depthSize: 'small', maxDepth: 40 }, leaf, fc.array(tie('value'), { maxLength: 3 }), fc.dictionary(key, tie('value'), { maxKeys: 4 })),
  }));
  let cleared = 0;
  fc.assert(
    fc.property(value, (v) => {
      const text = JSON.stringify(v);
      if (mayNeedRedaction(text)) return true;
      cleared++;
      return JSON.stringify(redact(JSON.parse(text))) === text;
    }),
    { numRuns: 3000 },
  );
  t.true(cleared > 100, `only ${cleared} texts were cleared`);
  // Around the depth where the redactor truncates: whatever is cleared is left unchanged.
  for (let levels = 24; levels <= 40; levels++) {
    const deep = `${'[{"a":'.repeat(levels >> 1)}${levels % 2 ? '[1]' : '1'}${'}]'.repeat(levels >> 1)}`;
    if (!mayNeedRedaction(deep)) t.is(JSON.stringify(redact(JSON.parse(deep))), deep, `${levels} levels`);
  }
  t.true(mayNeedRedaction(`${'['.repeat(40)}${']'.repeat(40)}`));
  for (const secret of [{ password: 'p' }, { 'x-api-key': 'k' }, { a: `x ${JWT}` }, { signing_key: 1 }]) t.true(mayNeedRedaction(JSON.stringify(secret)), JSON.stringify(secret));
});
