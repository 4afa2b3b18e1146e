import test from 'ava';
import { startFixture, type Fixture } from './helpers/fixture.js';
import { fetchReply, regoCompiler } from './helpers/forward-auth.js';
import { opaClient } from './helpers/opa-sdk.js';

const POLICY = `package shop

allow if input.user == "alice"
`;

let fx: Fixture;

test.before(async () => {
  fx = await startFixture({
    policyFiles: { 'authz.rego': 'package warden.authz\n\ndecision := {"allow": false, "reasons": ["no"]}\n', 'shop.rego': POLICY },
    config: {
      compiler: regoCompiler,
      http: '127.0.0.1:0',
      httpPlaintext: true,
      opaApi: { entrypoints: ['shop/allow'] },
      rateLimits: [{ name: 'opa-callers', by: 'requester', perSecond: 0.01, burst: 3, services: ['opa'] }],
    },
  });
});
test.after.always(async () => {
  await fx?.close();
});

// Serial: the tests share one caller's budget.
test.serial('SDK over the plaintext loopback mode: the caller is anonymous-proxy, the document is answered', async (t) => {
  t.true(await opaClient(fx.server.httpAddress!).evaluate('shop/allow', { user: 'alice' }));
  const line = (await fx.decisions(1)).find((l) => l.api === 'opa')!;
  t.like(line.requester as object, { id: 'anonymous-proxy', authenticated_by: 'requester' });
});

test.serial('the countermeasures apply: past the requester\'s burst the data API is 429 unauthorized with retry-after, never a result', async (t) => {
  const ask = () => fetchReply(`http://${fx.server.httpAddress}/v1/data/shop/allow`, { method: 'POST', body: '{"input":{"user":"alice"}}' });
  const statuses: number[] = [];
  let limited;
  for (let i = 0; i < 5 && !limited; i++) {
    const reply = await ask();
    statuses.push(reply.status);
    if (reply.status === 429) limited = reply;
  }
  t.deepEqual(statuses, [200, 200, 429], 'a burst of 3, one spent by the SDK test');
  const body = JSON.parse(limited!.body);
  t.is(body.code, 'unauthorized');
  t.regex(body.message, /rate limited: opa-callers/);
  t.false('result' in body);
  t.regex(String(limited!.headers['retry-after']), /^[1-9]\d*$/);
  const line = (await fx.decisions(1, body.decision_id)).find((l) => l.decision_id === body.decision_id)!;
  t.false(line.allowed);
});
