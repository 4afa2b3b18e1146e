import test from 'ava';
import { join } from 'node:path';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { identityFromClaims, IdentityError, JwtVerifier, type JwtVerifierOptions } from '../../src/identity/index.js';
import { AUDIENCE, ISSUER, signingKey, token, writeJwks } from '../server/helpers/jwks.js';
import { temporaryDirectory } from '../helpers/temp-dir.js';

const tmp = () => join(temporaryDirectory('warden-jwt-'), 'jwks.json');

test('HMAC and none can never be allowed', (t) => {
  for (const algorithms of [['HS256'], ['RS256', 'none'], []]) {
    const e = t.throws(() => new JwtVerifier({ jwks: 'x', issuer: ISSUER, audience: AUDIENCE, algorithms }), { instanceOf: IdentityError });
    t.is(e?.code, 'identity_invalid_config');
    t.regex(e?.message ?? '', /algorithm/);
  }
});

test('a verifier without an issuer or an audience is refused, naming the missing flag', (t) => {
  // What a --config file may hold: any shape, so the checks run on plain objects.
  const refused = (options: Record<string, unknown>, missing: RegExp) => {
    const e = t.throws(() => new JwtVerifier(options as unknown as JwtVerifierOptions), { instanceOf: IdentityError });
    t.is(e?.code, 'identity_invalid_config');
    t.regex(e?.message ?? '', missing);
  };
  refused({ jwks: 'jwks.json', audience: AUDIENCE }, /^JWT verification needs --jwt-issuer \(jwt\.issuer\):/);
  refused({ jwks: 'jwks.json', issuer: ISSUER }, /^JWT verification needs --jwt-audience \(jwt\.audience\):/);
  refused({ jwks: 'jwks.json' }, /needs --jwt-issuer \(jwt\.issuer\) and --jwt-audience \(jwt\.audience\)/);
  refused({ jwks: 'jwks.json', issuer: '', audience: [] }, /needs --jwt-issuer .* and --jwt-audience/);
  refused({ jwks: 'jwks.json', issuer: ISSUER, audience: [AUDIENCE, ''] }, /needs --jwt-audience/);
  refused({ issuer: ISSUER, audience: AUDIENCE }, /needs --jwks \(jwt\.jwks\)/);
  t.notThrows(() => new JwtVerifier({ jwks: 'jwks.json', issuer: ISSUER, audience: [AUDIENCE, 'other'] }));
});

test('identities from claims: SPIFFE sub, Kubernetes service account, or bare sub', (t) => {
  t.like(identityFromClaims({ sub: 'spiffe://td/ns/a/sa/b' }), { trust_domain: 'td', namespace: 'a', service_account: 'b', authenticated_by: 'jwt' });
  t.like(identityFromClaims({ sub: 'system:serviceaccount:a:b' }), { id: 'system:serviceaccount:a:b', namespace: 'a', service_account: 'b' });
  const bare = identityFromClaims({ sub: 'robot' });
  t.is(bare.id, 'robot');
  t.is(bare.namespace, undefined);
});

test('a token verifies against a JWKS file; exp within the leeway passes, beyond it fails', async (t) => {
  const key = await signingKey('k1');
  const file = tmp();
  writeJwks(file, [key]);
  const v = new JwtVerifier({ jwks: file, issuer: ISSUER, audience: AUDIENCE, clockToleranceSeconds: 30 });
  await v.start();
  t.true((await v.verify(await token(key))).ok);
  const now = Math.floor(Date.now() / 1000);
  t.true((await v.verify(await token(key, {}, { exp: now - 10 }))).ok, 'within leeway');
  const late = await v.verify(await token(key, {}, { exp: now - 120 }));
  t.false(late.ok);
  if (!late.ok) t.is(late.code, 'jwt_expired');
});

test('a token without exp is rejected unless allowed', async (t) => {
  const key = await signingKey('k1');
  const file = tmp();
  writeJwks(file, [key]);
  const { SignJWT } = await import('jose');
  const noExp = await new SignJWT({ sub: 'x' }).setProtectedHeader({ alg: 'RS256', kid: 'k1' }).setIssuer(ISSUER).setAudience(AUDIENCE).sign(key.privateKey);
  const strict = await new JwtVerifier({ jwks: file, issuer: ISSUER, audience: AUDIENCE }).verify(noExp);
  t.deepEqual(strict, { ok: false, code: 'jwt_claim_invalid', reason: 'token claim "exp" missing' });
  t.true((await new JwtVerifier({ jwks: file, issuer: ISSUER, audience: AUDIENCE, requireExpiry: false }).verify(noExp)).ok);
});

test('symmetric keys in the JWKS are ignored', async (t) => {
  const key = await signingKey('k1');
  const file = tmp();
  writeJwks(file, [key], [{ kty: 'oct', k: 'c2VjcmV0', kid: 'hmac', alg: 'HS256' }]);
  const v = new JwtVerifier({ jwks: file, issuer: ISSUER, audience: AUDIENCE, algorithms: ['RS256'] });
  t.true((await v.verify(await token(key))).ok);
});

test('unknown kids refresh the key set at most once per cooldown', async (t) => {
  const k1 = await signingKey('k1');
  const k2 = await signingKey('k2');
  const file = tmp();
  writeJwks(file, [k1]);
  const v = new JwtVerifier({ jwks: file, issuer: ISSUER, audience: AUDIENCE, refreshCooldownMs: 60_000 });
  await v.start();
  t.is(v.keys.loads, 1);
  writeJwks(file, [k1, k2]);
  // The initial load just happened, so the cooldown holds the refresh back.
  const held = await v.verify(await token(k2));
  t.false(held.ok);
  if (!held.ok) t.is(held.code, 'jwt_unknown_key');
  t.is(v.keys.loads, 1);
});

test('a JWKS URL is fetched, and refetched on an unknown kid', async (t) => {
  const k1 = await signingKey('k1');
  const k2 = await signingKey('k2');
  let keys = [k1.jwk];
  let fetches = 0;
  const server = createServer((_req, res) => {
    fetches++;
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  try {
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks`;
    const v = new JwtVerifier({ jwks: url, issuer: ISSUER, audience: AUDIENCE, refreshCooldownMs: 0 });
    t.true((await v.verify(await token(k1))).ok);
    keys = [k1.jwk, k2.jwk];
    t.true((await v.verify(await token(k2))).ok);
    t.is(fetches, 2);
  } finally {
    server.close();
  }
});

test('an unreadable JWKS gives a reason, not an exception', async (t) => {
  const key = await signingKey('k1');
  const v = new JwtVerifier({ jwks: '/nonexistent/jwks.json', issuer: ISSUER, audience: AUDIENCE });
  await t.throwsAsync(v.start(), { instanceOf: IdentityError });
  t.deepEqual(await v.verify(await token(key)), { ok: false, code: 'jwt_keys_unavailable', reason: 'token keys unavailable' });
});

test('a failing JWKS URL is fetched at most once per cooldown; tokens verify again once it recovers', async (t) => {
  const key = await signingKey('k1');
  let failing = true;
  let fetches = 0;
  const server = createServer((_req, res) => {
    fetches++;
    if (failing) res.writeHead(500).end('down');
    else res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [key.jwk] }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.teardown(() => server.close());
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks`;
  const cooldownMs = 400;
  const v = new JwtVerifier({ jwks: url, issuer: ISSUER, audience: AUDIENCE, refreshCooldownMs: cooldownMs });
  const tok = await token(key);
  // Concurrent callers share one fetch; later ones within the cooldown are rejected without one.
  const concurrent = await Promise.all(Array.from({ length: 50 }, () => v.verify(tok)));
  const sequential = [];
  for (let i = 0; i < 50; i++) sequential.push(await v.verify(tok));
  for (const r of [...concurrent, ...sequential]) t.deepEqual(r, { ok: false, code: 'jwt_keys_unavailable', reason: 'token keys unavailable' });
  t.true(fetches >= 1 && fetches <= 3, `100 checks against a failing JWKS fetched it ${fetches} times`);
  failing = false;
  t.false((await v.verify(tok)).ok, 'still cooling down: no fetch yet');
  const before = fetches;
  await new Promise((r) => setTimeout(r, cooldownMs + 50));
  t.true((await v.verify(tok)).ok);
  t.is(fetches, before + 1);
});
