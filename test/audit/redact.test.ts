import test from 'ava';
import fc from 'fast-check';
import { createRedactor, isSecretKey, isSecretParam, mayNeedRedaction, REDACTED } from '../../src/audit/index.js';

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

test('secret key names are matched after normalising case, separators, camel humps and the x-/http- prefixes', (t) => {
  const secret = ['x-session', 'sessionid', 'session_id', 'SessionId', 'refresh', 'refresh_token', 'signature', 'sig', 'X-Amz-Signature', 'x-csrf-token', 'X-XSRF-TOKEN', 'x-forwarded-client-cert', 'pwd', 'passcode', 'pin', 'user_pin', 'userPin', 'PIN', 'otp', 'otpCode', 'auth', 'X-Auth', 'http_x_auth', 'signingKey', 'x-jwt-assertion', 'sid'];
  for (const k of secret) t.true(isSecretKey(k), k);
  const harmless = ['spinner', 'pinned', 'mapping', 'design', 'signal', 'inside', 'refreshed', 'authenticated_by', 'authority', ':authority', 'oauth_provider', 'key_id', 'keys', 'monkey', 'opt', 'code', 'path'];
  for (const k of harmless) t.false(isSecretKey(k), k);
  t.true(isSecretParam('code'));
  t.false(isSecretParam('state'));
});

test('Bearer and Basic credentials, PEM private keys and SigV4 headers are redacted whole, whatever the key', (t) => {
  const out = createRedactor()({
    a: 'Bearer abc.def',
    b: '  basic dXNlcjpwYXNz',
    c: 'BEARER x',
    d: `-----BEGIN RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY-----\n`,
    e: 'AWS4-HMAC-SHA256 Credential=AKIAEXAMPLE/20261203/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=fe5f80f77d5fa3beca038a248ff027d0445342fe2855ddc963176630326f1024',
    keep: ['bearer', 'Basically fine', 'basic', 'a bearer bond'],
  });
  t.deepEqual(out, { a: REDACTED, b: REDACTED, c: REDACTED, d: REDACTED, e: REDACTED, keep: ['bearer', 'Basically fine', 'basic', 'a bearer bond'] });
});

test('query strings keep their parameter names and lose the values of secret ones', (t) => {
  const r = createRedactor();
  t.is(r('/x?access_token=abc&a=1'), `/x?access_token=${REDACTED}&a=1`);
  t.is(r('/login?user=al&password=hunter2#top'), `/login?user=al&password=${REDACTED}#top`);
  t.is(r('/a?api_key=K&apikey=L&sig=Z&code=c&state=s&pin=1234'), `/a?api_key=${REDACTED}&apikey=${REDACTED}&sig=${REDACTED}&code=${REDACTED}&state=s&pin=${REDACTED}`);
  t.is(
    r('https://b.s3.amazonaws.com/o?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIA%2F20261203&X-Amz-Signature=abc123&X-Amz-Expires=60'),
    `https://b.s3.amazonaws.com/o?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=${REDACTED}&X-Amz-Signature=${REDACTED}&X-Amz-Expires=60`,
  );
  t.is(r('/cb?next=/in?token=x&b=2'), `/cb?next=/in?token=${REDACTED}&b=2`, 'a URL nested in a query');
  t.is(r('password=hunter2'), `password=${REDACTED}`);
  t.is(r('/p?q=pin&spinner=1'), '/p?q=pin&spinner=1');
});

test('long high-entropy tokens are redacted; UUIDs, hex ids, SPIFFE IDs, paths and identifiers are not', (t) => {
  const r = createRedactor();
  const tokens = ['dpHAHF8Iz+OcTiixhsULbY/I9oPRk2C1WUAqOGQam0c=', 'Q9bu7hY-nv3noyU5CTkjymsYZ60UNXPb', 'ghp_G5Bg9pE25LAW2OfyAgfsJ1wGlSNM5NtHvWP5'];
  for (const token of tokens) {
    t.is(r(token), REDACTED, token);
    t.is(r(`/files/${token}?a=1`), `/files/${REDACTED}?a=1`, token);
  }
  const kept = [
    '4bf92f3577b34da6a3ce929d0e0e4736',
    '8f0e3c8e-4e3b-4d43-9c1f-8a1c0d9d7e21',
    'spiffe://warden.local/ns/shop/sa/frontend-service-account-1234',
    '/api/v1/namespaces/default/pods/my-pod-7d9f8c6b5-x2k4q/status',
    'ThisIsALongCamelCaseIdentifierWithVersion2Name',
    'projects/my-project-123/locations/Europe-West1/keyRings/MyKeyRing',
    'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36',
    'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAa1',
  ];
  for (const s of kept) t.is(r(s), s, s);
});

test('the leaks of issue 12 stay out of an Envoy record and an Authorizer record', (t) => {
  const r = createRedactor();
  const secrets = ['t0k3n', 'hunter2', 'k3y', 's1gn', 'abc.def', 'dXNlcjpwYXNz', 's3ss', 'r3fr', 'c5rf', 'xfcc-Hash=1', '1234', '987654'];
  const record = {
    resource: { path: '/orders?access_token=t0k3n&password=hunter2&api_key=k3y&sig=s1gn', attributes: { auth: 'Bearer abc.def' } },
    http: {
      path: '/orders?access_token=t0k3n&password=hunter2',
      headers: { 'x-session': 's3ss', 'x-custom': 'Basic dXNlcjpwYXNz', 'x-refresh': 'r3fr', 'x-csrf-token': 'c5rf', 'x-forwarded-client-cert': 'xfcc-Hash=1', 'x-amz-signature': 's1gn' },
    },
    context: { sessionid: 's3ss', session_id: 's3ss', refresh: 'r3fr', signature: 's1gn', pwd: 'hunter2', passcode: '1234', pin: '1234', otp: '987654' },
  };
  const text = JSON.stringify(r(record));
  for (const s of secrets) t.false(text.includes(s), s);
  t.true(mayNeedRedaction(JSON.stringify(record)));
});

test('very deep values are cut off rather than walked forever', (t) => {
  let v: unknown = 'x';
  for (let i = 0; i < 100; i++) v = { a: v };
  const out = JSON.stringify(createRedactor({ maxDepth: 10 })(v));
  t.true(out.includes('[TRUNCATED]'));
});

/** Strings of the shapes the redactor looks for, and near misses, pieced together. */
const secretShapes = (() => {
  const token = fc.uint8Array({ minLength: 18, maxLength: 48 }).map((b) => Buffer.from(b).toString('base64'));
  const piece = fc.constantFrom(
    'pin', 'Pin', 'sig', 'key', 'Key', 'token', 'code', 'auth', 'otp', 'spinner', 'session', 'x-', 'http_', 'eyJ',
    'a', 'Z', '9', '=', '&', '?', ';', ',', ' ', '\n', '\t', '-', '_', '.', '/', '+', '"', '\\', 'é', '\u2028',
    'Bearer ', 'basic\t', 'PRIVATE KEY-----', 'AWS4-HMAC-SHA256 Credential=', '4bf92f3577b34da6a3ce929d0e0e4736',
  );
  return fc.oneof(
    fc.array(fc.oneof(piece, token), { maxLength: 8 }).map((parts) => parts.join('')),
    fc.tuple(fc.constantFrom('/p', '/cb', 'https://h/x', ''), fc.constantFrom('access_token', 'password', 'api_key', 'apikey', 'sig', 'X-Amz-Signature', 'code', 'state', 'q', 'Pin', 'pinned'), fc.string({ maxLength: 6 }))
      .map(([path, name, value]) => `${path}?a=1&${name}=${value}&b=2`),
    token,
    token.map((t) => t.toLowerCase()),
    fc.constantFrom('ThisIsALongCamelCaseIdentifierWithVersion2Name', 'spiffe://warden.local/ns/shop/sa/frontend', '8f0e3c8e-4e3b-4d43-9c1f-8a1c0d9d7e21', `-----BEGIN EC PRIVATE KEY-----\nMHc\n-----END EC PRIVATE KEY-----`),
  );
})();

test('text that mayNeedRedaction clears is left unchanged by redaction (property, with secret-looking keys, secret-shaped strings and deep nesting in the mix)', (t) => {
  const redact = createRedactor();
  const key = fc.oneof(
    fc.string(),
    fc.constantFrom('password', 'Token', 'x-api-key', 'key', 'monkey', 'keys', 'a.key', 'Cookie', 'path', '__proto__', JWT),
    fc.constantFrom('x-session', 'sessionid', 'X-Amz-Signature', 'x-forwarded-client-cert', 'userPin', 'otpCode', 'signingKey', 'key_id', 'X-Auth', 'auth', 'authenticated_by', ':authority', 'spinner', 'pwd', 'refresh', 'a\npin', 'x\tauth', 'code'),
    secretShapes,
  );
  const leaf = fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.constant(null), fc.constantFrom(JWT, `Bearer ${JWT}`, 'eyJ-not-a-jwt'), secretShapes);
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
    { numRuns: 6000 },
  );
  t.true(cleared > 100, `only ${cleared} texts were cleared`);
  // Around the depth where the redactor truncates: whatever is cleared is left unchanged.
  for (let levels = 24; levels <= 40; levels++) {
    const deep = `${'[{"a":'.repeat(levels >> 1)}${levels % 2 ? '[1]' : '1'}${'}]'.repeat(levels >> 1)}`;
    if (!mayNeedRedaction(deep)) t.is(JSON.stringify(redact(JSON.parse(deep))), deep, `${levels} levels`);
  }
  t.true(mayNeedRedaction(`${'['.repeat(40)}${']'.repeat(40)}`));
  for (const secret of [{ password: 'p' }, { 'x-api-key': 'k' }, { a: `x ${JWT}` }, { signing_key: 1 }, { 'x-session': 's' }, { userPin: 1 }, { p: '/x?sig=1' }, { a: 'Basic dXNlcjpw' }]) t.true(mayNeedRedaction(JSON.stringify(secret)), JSON.stringify(secret));
});

test('Warden API keys lose their secret wherever they appear (the id is kept); the ApiKey scheme is redacted whole', (t) => {
  const key = `wdn_abcdefghijklmnop_${'Ab9_-'.repeat(8)}Ab9`;
  const lowEntropy = `wdn_abcdefghijklmnop_${'a'.repeat(43)}`;
  const out = createRedactor()({ note: `key ${key} used`, plain: lowEntropy, header: { via: `ApiKey ${lowEntropy}` }, [key]: 1 }) as Record<string, unknown>;
  t.deepEqual(out, {
    note: `key wdn_abcdefghijklmnop_${REDACTED} used`,
    plain: `wdn_abcdefghijklmnop_${REDACTED}`,
    header: { via: REDACTED },
    [`wdn_abcdefghijklmnop_${REDACTED}`]: 1,
  });
  t.false(JSON.stringify(out).includes(lowEntropy.slice(-43)));
  // The fast screen must send such text to the redactor.
  t.true(mayNeedRedaction(JSON.stringify({ plain: lowEntropy })));
});
