/**
 * The countermeasures hold for OPA's Data API writes as for every other call: a rate limit spends on
 * writes, a caller refused writes is banned like one denied checks, and a banned caller is turned away
 * before its write is read. Over mTLS against a real server, with plain HTTPS.
 */
import test from 'ava';
import { startFixture, type Fixture } from './helpers/fixture.js';
import { fetchReply, regoCompiler, type Reply } from './helpers/forward-auth.js';
import type { ClientTls } from './helpers/opa-sdk.js';

const ADMIN = 'spiffe://example.org/ns/ops/sa/admin';
const INTRUDER = 'spiffe://example.org/ns/shop/sa/frontend';

let fx: Fixture;
let admin: ClientTls;
let intruder: ClientTls;

test.before(async () => {
  fx = await startFixture({
    policyFiles: { 'authz.rego': 'package warden.authz\n\ndecision := {"allow": false, "reasons": ["no"]}\n', 'shop.rego': 'package shop\n\nroles := data.roles\n' },
    config: {
      compiler: regoCompiler,
      http: '127.0.0.1:0',
      opaApi: { entrypoints: ['shop/roles'], admins: [ADMIN] },
      rateLimits: [{ name: 'admin-writes', by: 'route', perSecond: 0.01, burst: 2, services: ['opa'] }],
      autoBan: [{ by: 'subject', after: 2, within: '60s', banFor: '5m' }],
    },
  });
  const issue = (id: string): ClientTls => {
    const leaf = fx.ca.issue({ cn: 'client', uris: [id] });
    return { cert: leaf.cert, key: leaf.key, ca: fx.ca.cert };
  };
  admin = issue(ADMIN);
  intruder = issue(INTRUDER);
});
test.after.always(async () => {
  await fx?.close();
});

function put(tls: ClientTls, value: unknown): Promise<Reply> {
  return fetchReply(`https://${fx.server.httpAddress}/v1/data/roles`, { method: 'PUT', tls, body: JSON.stringify(value), headers: { 'content-type': 'application/json' } });
}

async function roles(): Promise<unknown> {
  const reply = await fetchReply(`https://${fx.server.httpAddress}/v1/data/shop/roles`, { method: 'POST', tls: admin, body: '{}' });
  return (JSON.parse(reply.body) as { result?: unknown }).result;
}

test.serial('a rate limit by route spends on writes (the route is the method and the path): past the burst a write is 429 with retry-after and is not applied', async (t) => {
  t.is((await put(admin, { n: 1 })).status, 204);
  t.is((await put(admin, { n: 2 })).status, 204);
  const limited = await put(admin, { n: 3 });
  t.is(limited.status, 429);
  const body = JSON.parse(limited.body) as { code: string; message: string };
  t.is(body.code, 'unauthorized');
  t.regex(body.message, /rate limited: admin-writes/);
  t.regex(String(limited.headers['retry-after']), /^[1-9]\d*$/);
  t.deepEqual(await roles(), { n: 2 }, 'the refused write left the data as it was');
});

test.serial('a caller refused writes is banned like one denied checks, and then turned away before its write is looked at', async (t) => {
  const first = await put(intruder, { owned: true });
  const second = await put(intruder, { owned: true });
  t.deepEqual([first.status, second.status], [403, 403]);
  t.regex(JSON.parse(first.body).message, /not listed in opaApi\.admins/);
  const banned = await put(intruder, { owned: true });
  t.is(banned.status, 403);
  t.regex(JSON.parse(banned.body).message, /^banned:/);
  t.regex(String(banned.headers['retry-after']), /^[1-9]\d*$/);
  t.true(fx.server.countermeasures.protection.bansInForce().some((b) => b.by === 'subject' && b.key === INTRUDER));
});
