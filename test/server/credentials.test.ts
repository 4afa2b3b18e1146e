import test from 'ava';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ApiKeyStore } from '../../src/credentials/api-key-store.js';
import { startFixture, unary, waitFor, type Fixture } from './helpers/fixture.js';
import { AUDIENCE, ISSUER, signingKey, token, writeJwks, type SigningKey } from './helpers/jwks.js';

type CheckResponse = { allowed?: boolean; reasons?: string[]; decision_id?: string; cached?: boolean };
type EnvoyResponse = { status: { code?: number }; denied_response?: { status: { code: string | number } } };

const H = 3_600_000;
const D = 24 * H;
const ORDERS = 'spiffe://example.org/ns/shop/sa/orders';
const FRONTEND = 'spiffe://example.org/ns/shop/sa/frontend';

/** Polls `fn` until it gives something other than `undefined` (the server re-reads the key store every second). */
async function eventually<T>(fn: () => Promise<T | undefined>, ms = 5000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 100));
  }
}

let fx: Fixture;
let signer: SigningKey;
let store: ApiKeyStore;

test.before(async () => {
  signer = await signingKey('k1');
  fx = await startFixture({ config: {} }).then(async (probe) => {
    // The fixture's folder holds the JWKS and the key store; a second server is started on them.
    await probe.close();
    return probe;
  });
  const jwks = join(fx.dir, 'jwks.json');
  writeJwks(jwks, [signer]);
  store = new ApiKeyStore(join(fx.dir, 'api-keys.json'));
  fx = await startFixture({
    config: {
      jwt: { jwks, issuer: ISSUER, audience: AUDIENCE, clockToleranceSeconds: 0 },
      apiKeys: join(fx.dir, 'api-keys.json'),
      credentials: { maxCertificateAge: '24h', maxCertificateLifetime: '30d', maxTokenAge: '1h', expiryWarning: '45m' },
    },
  });
});
test.after.always(async () => {
  await fx?.close();
});

const check = (c: ReturnType<Fixture['clients']>, request: Record<string, unknown>) => unary<CheckResponse>(c.authz, 'Check', request);

test.serial("the requester's certificate: one issued too long ago, or valid for too long, is denied on every call, saying why", async (t) => {
  const old = fx.clients(FRONTEND, { cert: fx.ca.issue({ cn: 'client', uris: [FRONTEND], notBefore: new Date(Date.now() - 3 * D), notAfter: new Date(Date.now() + D) }) });
  const long = fx.clients(FRONTEND, { cert: fx.ca.issue({ cn: 'client', uris: [FRONTEND], notAfter: new Date(Date.now() + 90 * D) }) });
  const fresh = fx.clients(FRONTEND);
  for (let i = 0; i < 2; i++) {
    const denied = await check(old, { action: 'read' });
    t.false(denied.allowed ?? false);
    t.deepEqual(denied.reasons, ['credential not rotated: certificate issued 3d ago, at most 24h allowed']);
  }
  t.deepEqual((await check(long, { action: 'read' })).reasons, ['credential not rotated: certificate valid for 90d, at most 30d allowed']);
  // The same request on a current certificate is allowed, and then cached: the old one stays denied.
  t.true((await check(fresh, { action: 'read' })).allowed);
  t.true((await check(fresh, { action: 'read' })).cached);
  t.false((await check(old, { action: 'read' })).allowed ?? false);
  const res = await check(old, { action: 'read' });
  const line = (await fx.decisions(1, res.decision_id)).find((l) => l.decision_id === res.decision_id)!;
  t.deepEqual(line.reasons, ['credential not rotated: certificate issued 3d ago, at most 24h allowed']);
  t.like(line.requester as object, { id: FRONTEND });
  for (const c of [old, long, fresh]) c.close();
});

test.serial('a certificate close to expiry raises WardenCredentialExpiring once, on the log, however often it is used', async (t) => {
  const soon = fx.clients(FRONTEND, { cert: fx.ca.issue({ cn: 'client', uris: [FRONTEND], notAfter: new Date(Date.now() + 30 * 60_000) }) });
  for (let i = 0; i < 3; i++) t.true((await check(soon, { action: 'read' })).allowed);
  const alerts = await waitFor(() => {
    const found = fx.opsLog.filter((l) => l.alert === 'credential_expiring' && l.subject === FRONTEND);
    return found.length > 0 ? found : undefined;
  });
  await new Promise((r) => setTimeout(r, 100));
  t.is(fx.opsLog.filter((l) => l.alert === 'credential_expiring' && l.subject === FRONTEND).length, 1);
  t.regex(String(alerts[0]!.credential), /^certificate:[0-9a-f]{64}$/);
  soon.close();
});

test.serial('a token older than maxTokenAge, or without iat, is denied as not rotated; a fresh one is the subject', async (t) => {
  const c = fx.clients(FRONTEND);
  const now = Math.floor(Date.now() / 1000);
  const stale = await token(signer, {}, { iat: now - 7200, exp: now + 600 });
  const noIat = await token(signer, {}, { iat: null });
  t.deepEqual((await check(c, { action: 'read', subject: { token: stale } })).reasons, ['credential not rotated: token issued 2h ago, at most 1h allowed']);
  t.deepEqual((await check(c, { action: 'read', subject: { token: noIat } })).reasons, ['credential not rotated: token has no issue time (iat), at most 1h old allowed']);
  t.true((await check(c, { action: 'read', subject: { token: await token(signer) } })).allowed);
  c.close();
});

test.serial('API keys: a key is the subject (authenticated_by "api_key"), never reaches the log, and stops at once when revoked', async (t) => {
  const { key, record } = store.create(ORDERS, { nowMs: Date.now(), ttlMs: 30 * D });
  const c = fx.clients(FRONTEND);
  // The server follows the store file: the key works once it has re-read it.
  await eventually(async () => ((await check(c, { action: 'write', subject: { api_key: key } })).allowed ? true : undefined));
  const res = await check(c, { action: 'write', subject: { api_key: key } });
  t.true(res.allowed);
  const line = (await fx.decisions(1, res.decision_id)).find((l) => l.decision_id === res.decision_id)!;
  t.like(line.subject as object, { id: ORDERS, authenticated_by: 'api_key', key_id: record.id, service_account: 'orders' });
  t.false(readFileSync(fx.decisionLogFile, 'utf8').includes(key.slice(-43)), 'the secret is in no decision log line');
  t.false(JSON.stringify(fx.opsLog).includes(key.slice(-43)), 'nor in the operational log');

  new ApiKeyStore(store.file).revoke(record.id);
  const denied = await eventually(async () => {
    const r = await check(c, { action: 'write', subject: { api_key: key } });
    return r.allowed ? undefined : r;
  });
  t.deepEqual(denied.reasons, ['api key rejected']);
  t.true(fx.opsLog.some((l) => l.msg === 'api key rejected' && String(l.why).includes(`key ${record.id} revoked`)), 'the log says why; the caller does not');
  c.close();
});

test.serial('API keys: unknown, malformed, out of scope and too old all deny with the same reason to the caller', async (t) => {
  const scoped = new ApiKeyStore(store.file).create(ORDERS, { nowMs: Date.now(), services: ['payments'] });
  const ancient = new ApiKeyStore(store.file).create(ORDERS, { nowMs: Date.now() - 91 * D });
  const c = fx.clients(FRONTEND);
  await eventually(async () => ((await check(c, { action: 'write', resource: { service: 'payments' }, subject: { api_key: scoped.key } })).allowed ? true : undefined));
  const forged = `${scoped.key.slice(0, -4)}AAAA`;
  for (const [request, reason] of [
    [{ action: 'write', resource: { service: 'orders' }, subject: { api_key: scoped.key } }, 'api key rejected'],
    [{ action: 'write', resource: { service: 'payments' }, subject: { api_key: forged } }, 'api key rejected'],
    [{ action: 'write', subject: { api_key: 'not-a-key' } }, 'api key rejected'],
    [{ action: 'write', subject: { api_key: ancient.key } }, 'credential not rotated: api key issued 91d ago, at most 90d allowed'],
  ] as const) {
    const r = await check(c, request);
    t.false(r.allowed ?? false);
    t.deepEqual(r.reasons, [reason]);
  }
  c.close();
});

test.serial('Envoy: x-api-key and authorization: ApiKey make the subject; a bad key is 401; the header never reaches the log', async (t) => {
  const { key } = new ApiKeyStore(store.file).create(ORDERS, { nowMs: Date.now(), services: ['catalog'] });
  const c = fx.clients('spiffe://example.org/ns/shop/sa/catalog-sidecar');
  const envoy = (headers: Record<string, string>) =>
    unary<EnvoyResponse & { dynamic_metadata?: unknown }>(c.envoy, 'Check', {
      attributes: {
        source: { address: { socket_address: { address: '10.0.0.5', port_value: 4321 } } },
        destination: { principal: 'spiffe://example.org/ns/shop/sa/catalog' },
        request: { http: { method: 'GET', path: '/items', host: 'catalog', headers } },
      },
    });
  await eventually(async () => ((await envoy({ 'x-api-key': key })).status.code ?? 0) === 0 || undefined);
  t.is((await envoy({ 'x-api-key': key })).status.code ?? 0, 0);
  t.is((await envoy({ authorization: `ApiKey ${key}` })).status.code ?? 0, 0);
  const bad = await envoy({ 'x-api-key': `${key.slice(0, -4)}AAAA` });
  t.is(bad.status.code, 7);
  t.is(bad.denied_response?.status.code, 'Unauthorized');
  t.is((await envoy({})).status.code, 7, 'without a key the subject is whoever Envoy names: no one here, so the policy denies');
  await fx.decisions(4);
  const log = readFileSync(fx.decisionLogFile, 'utf8');
  t.false(log.includes(key.slice(-43)));
  const keyed = log.split('\n').filter((l) => l.includes('"authenticated_by":"api_key"'));
  t.true(keyed.length >= 2);
  c.close();
});

test.serial('warden_credential_age_seconds counts every credential presented, by kind', async (t) => {
  const text = await fx.server.metrics.registry.metrics();
  for (const kind of ['certificate', 'token', 'api_key']) t.regex(text, new RegExp(`warden_credential_age_seconds_count\\{kind="${kind}"\\} [1-9]`));
});

test.serial('a reloaded config applies new credential rules at once; a bad one is refused', async (t) => {
  const old = fx.clients(FRONTEND, { cert: fx.ca.issue({ cn: 'client', uris: [FRONTEND], notBefore: new Date(Date.now() - 3 * D), notAfter: new Date(Date.now() + D) }) });
  t.false((await check(old, { action: 'read' })).allowed ?? false);
  fx.server.reconfigure({ credentials: { maxCertificateAge: '7d' } });
  t.true((await check(old, { action: 'read' })).allowed);
  t.throws(() => fx.server.reconfigure({ credentials: { maxCertificateAge: 'often' } }), { message: /credentials\.maxCertificateAge/ });
  t.true((await check(old, { action: 'read' })).allowed, 'the rules in force stay');
  old.close();
});
