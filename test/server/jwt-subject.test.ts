import test from 'ava';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import { startFixture, unary, type Fixture } from './helpers/fixture.js';
import { compile } from '../../src/rego/index.js';
import { ServiceError } from '../../src/server/index.js';
import { AUDIENCE, ISSUER, signingKey, token, unsecuredToken, writeJwks, type SigningKey } from './helpers/jwks.js';
import { temporaryDirectory } from '../helpers/temp-dir.js';

type CheckResponse = { allowed?: boolean; reasons?: string[]; decision_id?: string };

let fx: Fixture;
let key1: SigningKey;
let jwksFile: string;

test.before(async () => {
  key1 = await signingKey('k1');
  const dir = temporaryDirectory('warden-jwks-');
  jwksFile = join(dir, 'jwks.json');
  writeJwks(jwksFile, [key1]);
  fx = await startFixture({ config: { jwt: { jwks: jwksFile, issuer: ISSUER, audience: AUDIENCE, refreshCooldownMs: 0, clockToleranceSeconds: 0 } } });
});
test.after.always(async () => {
  await fx?.close();
});

const check = (c: ReturnType<Fixture['clients']>, tok: string, action = 'read') => unary<CheckResponse>(c.authz, 'Check', { action, subject: { token: tok } });

test.serial('a valid service-account token is the subject; the decision log has claims but never the token', async (t) => {
  const c = fx.clients();
  const tok = await token(key1, { team: 'payments' });
  const res = await check(c, tok);
  t.true(res.allowed);
  const line = (await fx.decisions(1, res.decision_id as string)).find((l) => l.decision_id === res.decision_id)!;
  t.like(line.subject as object, { id: 'system:serviceaccount:shop:billing', namespace: 'shop', service_account: 'billing', authenticated_by: 'jwt' });
  t.like((line.subject as { claims: object }).claims, { iss: ISSUER, aud: AUDIENCE, team: 'payments' });
  t.like(line.requester as object, { authenticated_by: 'mtls' });
  t.false(JSON.stringify(line).includes(tok));
  c.close();
});

test.serial('a token is verified on every call: the same request bytes are denied once it has expired', async (t) => {
  const c = fx.clients();
  const tok = await token(key1, {}, { exp: Math.floor(Date.now() / 1000) + 2 });
  t.true((await check(c, tok)).allowed);
  // Asked again: answered from the cache, which must not remember it by the request's bytes.
  t.true((await check(c, tok)).allowed);
  t.true((await check(c, tok)).allowed);
  await new Promise((resolve) => setTimeout(resolve, 3200));
  const later = await check(c, tok);
  t.false(later.allowed ?? false);
  t.regex(later.reasons?.[0] ?? '', /^subject token rejected: /);
  c.close();
});

test.serial('bad tokens deny with a reason and are never evaluated', async (t) => {
  const c = fx.clients();
  const misses = () => fx.server.metrics.cacheMisses.get().then((m) => m.values[0]?.value ?? 0);
  const missesBefore = await misses();
  const cases: Array<[string, string]> = [
    [await token(key1, {}, { exp: Math.floor(Date.now() / 1000) - 3600 }), 'subject token rejected: token expired'],
    [await token(key1, {}, { nbf: Math.floor(Date.now() / 1000) + 3600 }), 'subject token rejected: token not yet valid (nbf)'],
    [await token(key1, {}, { aud: 'someone-else' }), 'subject token rejected: token claim "aud" invalid'],
    [await token(key1, {}, { iss: 'https://evil.example' }), 'subject token rejected: token claim "iss" invalid'],
    [unsecuredToken({ sub: 'system:serviceaccount:shop:billing', iss: ISSUER, aud: AUDIENCE, exp: Math.floor(Date.now() / 1000) + 60 }), 'subject token rejected: token algorithm not allowed'],
    [
      await new SignJWT({ sub: 'system:serviceaccount:shop:billing' }).setProtectedHeader({ alg: 'HS256', kid: 'k1' }).setIssuer(ISSUER).setAudience(AUDIENCE).setExpirationTime('5m').sign(new TextEncoder().encode('a-shared-secret-of-32-bytes-len!')),
      'subject token rejected: token algorithm not allowed',
    ],
    ['not.a.jwt', 'subject token rejected: token malformed'],
    ['', 'subject token rejected: token malformed'],
    [(await token(key1)).replace(/.{4}$/, 'AAAA'), 'subject token rejected: token signature invalid'],
  ];
  for (const [tok, reason] of cases) {
    const res = await check(c, tok);
    t.false(res.allowed ?? false, reason);
    t.deepEqual(res.reasons, [reason]);
  }
  t.is(await misses(), missesBefore, 'the policy never ran');
  c.close();
});

test.serial('an unknown kid refreshes the JWKS, so keys rotate without a restart', async (t) => {
  const c = fx.clients();
  const key2 = await signingKey('k2', 'ES256');
  const before = await check(c, await token(key2));
  t.deepEqual(before.reasons, ['subject token rejected: no key matches the token']);
  writeJwks(jwksFile, [key1, key2]);
  const after = await check(c, await token(key2));
  t.true(after.allowed);
  c.close();
});

test('without JWT configuration a token subject is denied', async (t) => {
  const plain = await startFixture();
  try {
    const c = plain.clients();
    const res = await check(c, await token(key1));
    t.deepEqual(res.reasons, ['subject token rejected: JWT verification is not configured']);
    c.close();
  } finally {
    await plain.close();
  }
});

test('JWT settings without an issuer or an audience refuse to start, config file or not', async (t) => {
  for (const jwt of [{ jwks: jwksFile, audience: AUDIENCE }, { jwks: jwksFile, issuer: ISSUER }, { jwks: jwksFile, issuer: ISSUER, audience: '' }]) {
    const e = await t.throwsAsync(startFixture({ config: { jwt } }), { instanceOf: ServiceError });
    t.is(e?.code, 'invalid_config');
    t.regex(e?.message ?? '', /^JWT verification needs --jwt-(issuer|audience)/);
  }
});

test('the bundled policy denies a Kubernetes-form token subject until data maps its issuer to a trust domain', async (t) => {
  const policies = join(temporaryDirectory('warden-bundled-'), 'policies');
  cpSync(join(process.cwd(), 'policies'), policies, { recursive: true });
  const served = await startFixture({
    config: {
      policies,
      watch: false,
      compiler: (modules, entrypoints) => compile({ modules, entrypoints }),
      jwt: { jwks: jwksFile, issuer: ISSUER, audience: AUDIENCE },
    },
  });
  t.teardown(() => served.close());
  const c = served.clients('spiffe://warden.local/ns/mesh/sa/ingress-gateway');
  const tok = await token(key1, { sub: 'system:serviceaccount:shop:frontend' });
  const ask = () => unary<CheckResponse>(c.authz, 'Check', { action: 'orders.read', resource: { service: 'orders' }, subject: { token: tok } });
  const unmapped = await ask();
  t.false(unmapped.allowed ?? false);
  t.deepEqual(unmapped.reasons, [`subject has no trust domain and issuer "${ISSUER}" is not mapped to one`]);
  const dataFile = join(policies, 'warden', 'config', 'data.json');
  const data = JSON.parse(readFileSync(dataFile, 'utf8')) as Record<string, unknown>;
  writeFileSync(dataFile, JSON.stringify({ ...data, issuers: { [ISSUER]: 'warden.local' } }));
  t.true((await served.server.reload()).ok);
  const mapped = await ask();
  t.true(mapped.allowed);
  t.deepEqual(mapped.reasons, ['granted: shop/frontend may orders.read on orders']);
  c.close();
});
