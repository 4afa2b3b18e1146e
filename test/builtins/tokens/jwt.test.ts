import test from 'ava';
import { generateKeyPairSync } from 'node:crypto';
import { RegoSet, type RegoValue } from '../../../src/builtins/value.js';
import { call, fails } from '../helpers.js';

const b64url = (s: string): string => Buffer.from(s, 'utf8').toString('base64url');
const secretJwk = (secret: string): RegoValue => ({ kty: 'oct', k: b64url(secret) });

function keyPair(type: 'rsa' | 'ec' | 'ed25519', curve?: string): { priv: RegoValue; pub: string; pem: string } {
  const { privateKey, publicKey } =
    type === 'rsa'
      ? generateKeyPairSync('rsa', { modulusLength: 2048 })
      : type === 'ec'
        ? generateKeyPairSync('ec', { namedCurve: curve! })
        : generateKeyPairSync('ed25519');
  const priv = privateKey.export({ format: 'jwk' }) as RegoValue;
  return {
    priv,
    pub: JSON.stringify(publicKey.export({ format: 'jwk' })),
    pem: publicKey.export({ format: 'pem', type: 'spki' }).toString(),
  };
}

const rsa = keyPair('rsa');
const ec256 = keyPair('ec', 'P-256');
const ec521 = keyPair('ec', 'P-521');
const ed = keyPair('ed25519');

test('encode_sign is deterministic for HS256 and matches RFC 7515 A.1 layout', (t) => {
  const jwk = { k: 'AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow', kty: 'oct' };
  t.is(call('io.jwt.encode_sign', { alg: 'HS256', typ: 'JWT' }, {}, jwk), 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.e30.6cvao8lnOu6FAdK68jQFcDMXOmaWNwWiYhCgijd-AD8');
  const withSet = call('io.jwt.encode_sign', { alg: 'HS256' }, { aud: new RegoSet(['saul', 'bob']) }, jwk);
  const withArray = call('io.jwt.encode_sign', { alg: 'HS256' }, { aud: ['bob', 'saul'] }, jwk);
  t.is(withSet, withArray);
});

test('decode returns header, payload and hex signature', (t) => {
  const token = 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJuZXciOiJJIGFtIGEgdXNlciBjcmVhdGVkIGZpZWxkIiwiaXNzIjoib3BhIn0.6UmjsclVDGD9jcmX_F8RJzVgHtUZuLu2pxkF_UEQCrE';
  t.deepEqual(call('io.jwt.decode', token), [
    { alg: 'HS256', typ: 'JWT' },
    { iss: 'opa', new: 'I am a user created field' },
    'e949a3b1c9550c60fd8dc997fc5f112735601ed519b8bbb6a71905fd41100ab1',
  ]);
});

test('decode errors carry OPA wording', (t) => {
  fails(t, 'eval_builtin_error', 'io.jwt.decode: encoded JWT had no period separators', 'io.jwt.decode', 'abc');
  fails(t, 'eval_builtin_error', 'io.jwt.decode: encoded JWT must have 3 sections, found 2', 'io.jwt.decode', 'a.b');
  fails(t, 'eval_builtin_error', 'io.jwt.decode: JWT header had invalid encoding: illegal base64 data at input byte 13', 'io.jwt.decode', 'eyJhbGciOiJIU^%zI1NiI+sInR5cCI6IkpXVCJ9.e30.AA');
  fails(t, 'eval_builtin_error', /JWT is a JWE object/, 'io.jwt.decode', `${b64url('{"alg":"x","enc":"y"}')}.e30.AA`);
  fails(t, 'eval_type_error', 'io.jwt.decode: operand 1 must be string but got number', 'io.jwt.decode', 1);
});

test('HS verification', (t) => {
  const token = call('io.jwt.encode_sign', { alg: 'HS256', typ: 'JWT' }, { sub: 'x' }, secretJwk('secret')) as string;
  t.true(call('io.jwt.verify_hs256', token, 'secret'));
  t.false(call('io.jwt.verify_hs256', token, 'other'));
  t.false(call('io.jwt.verify_hs384', token, 'secret'));
  const t512 = call('io.jwt.encode_sign', { alg: 'HS512' }, { sub: 'x' }, secretJwk('s')) as string;
  t.true(call('io.jwt.verify_hs512', t512, 's'));
  fails(t, 'eval_builtin_error', 'io.jwt.verify_hs384: encoded JWT must have 3 sections, found 2', 'io.jwt.verify_hs384', 'a.b', 'secret');
});

test('RS/PS/ES/EdDSA verification with JWK, PEM public key and the wrong key', (t) => {
  for (const alg of ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512']) {
    const token = call('io.jwt.encode_sign', { alg }, { iss: 'me' }, rsa.priv) as string;
    const fn = `io.jwt.verify_${alg.toLowerCase()}`;
    t.true(call(fn, token, rsa.pub), alg);
    t.true(call(fn, token, rsa.pem), alg);
    t.false(call(fn, token, ec256.pub), alg);
  }
  const rs = call('io.jwt.encode_sign', { alg: 'RS256' }, {}, rsa.priv) as string;
  t.false(call('io.jwt.verify_ps256', rs, rsa.pub));
  const es = call('io.jwt.encode_sign', { alg: 'ES256' }, { a: 1 }, ec256.priv) as string;
  t.true(call('io.jwt.verify_es256', es, ec256.pem));
  t.false(call('io.jwt.verify_es256', es, ec521.pub));
  const es512 = call('io.jwt.encode_sign', { alg: 'ES512' }, { a: 1 }, ec521.priv) as string;
  t.true(call('io.jwt.verify_es512', es512, ec521.pub));
  const eddsa = call('io.jwt.encode_sign', { alg: 'EdDSA' }, { a: 1 }, ed.priv) as string;
  t.true(call('io.jwt.verify_eddsa', eddsa, ed.pem));
  t.false(call('io.jwt.verify_eddsa', eddsa, rsa.pem));
});

test('JWKS: kid selects the key, keys with another alg are skipped', (t) => {
  const token = call('io.jwt.encode_sign', { alg: 'RS256', kid: 'k2' }, {}, rsa.priv) as string;
  const jwks = JSON.stringify({ keys: [{ ...JSON.parse(ec256.pub), kid: 'k1', alg: 'ES256' }, { ...JSON.parse(rsa.pub), kid: 'k2', alg: 'RS256' }] });
  t.true(call('io.jwt.verify_rs256', token, jwks));
  const wrongAlg = JSON.stringify({ keys: [{ ...JSON.parse(rsa.pub), alg: 'RS512' }] });
  const noKid = call('io.jwt.encode_sign', { alg: 'RS256' }, {}, rsa.priv) as string;
  t.false(call('io.jwt.verify_rs256', noKid, wrongAlg));
  fails(t, 'eval_builtin_error', /io\.jwt\.verify_rs256: failed to parse a JWK key \(set\)/, 'io.jwt.verify_rs256', noKid, 'not a key');
});

test('decode_verify checks signature, alg, iss, aud, exp and nbf', (t) => {
  const s = (payload: Record<string, RegoValue>, header: Record<string, RegoValue> = { alg: 'HS256', typ: 'JWT' }): string =>
    call('io.jwt.encode_sign', header, payload, secretJwk('secret')) as string;
  const unverified = [false, {}, {}];
  t.deepEqual(call('io.jwt.decode_verify', s({ iss: 'xxx' }), { secret: 'secret' }), [true, { alg: 'HS256', typ: 'JWT' }, { iss: 'xxx' }]);
  t.deepEqual(call('io.jwt.decode_verify', s({ iss: 'xxx' }), { secret: 'nope' }), unverified);
  t.deepEqual(call('io.jwt.decode_verify', s({ iss: 'xxx' }), { secret: 'secret', alg: 'RS256' }), unverified);
  t.deepEqual(call('io.jwt.decode_verify', s({ iss: 'xxx' }), { secret: 'secret', iss: 'yyy' }), unverified);
  t.deepEqual(call('io.jwt.decode_verify', s({ aud: 'fred' }), { secret: 'secret' }), unverified);
  t.deepEqual((call('io.jwt.decode_verify', s({ aud: ['a', 'fred'] }), { secret: 'secret', aud: 'fred' }) as RegoValue[])[0], true);
  t.deepEqual(call('io.jwt.decode_verify', s({}), { secret: 'secret', aud: 'fred' }), unverified);
  t.deepEqual((call('io.jwt.decode_verify', s({ exp: 3000 }), { secret: 'secret', time: 2000e9 }) as RegoValue[])[0], true);
  t.deepEqual(call('io.jwt.decode_verify', s({ exp: 3000 }), { secret: 'secret', time: 3000e9 }), unverified);
  t.deepEqual(call('io.jwt.decode_verify', s({ exp: 3000 }), { secret: 'secret' }), unverified);
  t.deepEqual(call('io.jwt.decode_verify', s({ nbf: 1000.1 }), { secret: 'secret', time: 1000e9 }), unverified);
  t.deepEqual((call('io.jwt.decode_verify', s({ nbf: 1000.1 }), { secret: 'secret', time: 1000.2e9 }) as RegoValue[])[0], true);
  t.deepEqual(call('io.jwt.decode_verify', s({}, { alg: 'HS256', crit: ['junk'], junk: 1 }), { secret: 'secret' }), unverified);
  const rs = call('io.jwt.encode_sign', { alg: 'RS256' }, { sub: 'x' }, rsa.priv) as string;
  t.deepEqual(call('io.jwt.decode_verify', rs, { cert: rsa.pem }), [true, { alg: 'RS256' }, { sub: 'x' }]);
});

test('decode_verify follows nested tokens', (t) => {
  const inner = call('io.jwt.encode_sign', { alg: 'HS256' }, { iss: 'inner' }, secretJwk('secret')) as string;
  const outer = call('io.jwt.encode_sign_raw', '{"alg":"HS256","cty":"JWT","typ":"JOSE"}', inner, JSON.stringify(secretJwk('secret'))) as string;
  t.deepEqual(call('io.jwt.decode_verify', outer, { secret: 'secret' }), [true, { alg: 'HS256' }, { iss: 'inner' }]);
});

test('decode_verify constraint errors', (t) => {
  const token = call('io.jwt.encode_sign', { alg: 'HS256' }, { nbf: 'soon' }, secretJwk('42')) as string;
  fails(t, 'eval_builtin_error', 'io.jwt.decode_verify: nbf value must be a number', 'io.jwt.decode_verify', token, { secret: '42' });
  fails(t, 'eval_builtin_error', 'io.jwt.decode_verify: no key constraint', 'io.jwt.decode_verify', token, {});
  fails(t, 'eval_builtin_error', 'io.jwt.decode_verify: duplicate key constraints', 'io.jwt.decode_verify', token, { secret: 'a', cert: rsa.pem });
  fails(t, 'eval_builtin_error', 'io.jwt.decode_verify: unknown token validation constraint: foo', 'io.jwt.decode_verify', token, { secret: 'a', foo: 1 });
  fails(t, 'eval_builtin_error', 'io.jwt.decode_verify: token time constraint: must not be negative', 'io.jwt.decode_verify', token, { secret: 'a', time: -1 });
  fails(t, 'eval_type_error', 'io.jwt.decode_verify: operand 2 must be object but got string', 'io.jwt.decode_verify', token, 'x');
});

test('encode_sign_raw header and payload errors', (t) => {
  const key = JSON.stringify(secretJwk('k'));
  fails(t, 'eval_builtin_error', /^io\.jwt\.encode_sign_raw: missing or invalid 'alg' header: cannot parse JSON/, 'io.jwt.encode_sign_raw', '{"typ:"JWT"}', '{}', key);
  fails(t, 'eval_builtin_error', "io.jwt.encode_sign_raw: missing or invalid 'alg' header: cannot parse JSON: cannot parse empty string", 'io.jwt.encode_sign_raw', '', '{}', key);
  fails(t, 'eval_builtin_error', `io.jwt.encode_sign_raw: missing or invalid 'alg' header: jwsbb: header "alg" not found`, 'io.jwt.encode_sign_raw', '{}', '{}', key);
  fails(t, 'eval_builtin_error', 'io.jwt.encode_sign_raw: unknown JWS algorithm: dummy', 'io.jwt.encode_sign_raw', '{"alg":"dummy"}', '{}', key);
  fails(t, 'eval_builtin_error', 'io.jwt.encode_sign_raw: type is JWT but payload is not JSON', 'io.jwt.encode_sign_raw', '{"alg":"HS256"}', 'not json', key);
  t.is(typeof call('io.jwt.encode_sign_raw', '{"alg":"HS256","typ":"text"}', 'not json', key), 'string');
  fails(t, 'eval_builtin_error', /invalid key type/, 'io.jwt.encode_sign', { alg: 'RS256' }, {}, secretJwk('k'));
});
