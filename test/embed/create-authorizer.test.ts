import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'ava';
import { Registry } from 'prom-client';
import type { DecisionRecord } from '../../src/audit/index.js';
import { EngineError } from '../../src/engine/index.js';
import { createAuthorizer, EmbedError, type AuthorizeResult, type Authorizer } from '../../src/index.js';
import { BILLING, policyDir, POLICY, WEB, workload, writeGrants } from './helpers/policy-dir.js';
import { memoryLogger } from './helpers/silent-logger.js';

/** The answer, which must not be a promise: nothing in these checks has to wait. */
function now(result: ReturnType<Authorizer['authorize']>): AuthorizeResult {
  if (result instanceof Promise) throw new Error('authorize answered with a promise where nothing waits');
  return result;
}

const call = (subject: string, action: string, extra: Record<string, unknown> = {}) => ({ subject: workload(subject), action, resource: { service: 'orders', path: '/orders/1' }, ...extra });

async function eventually(what: string, ok: () => boolean, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('allows what the policy grants, denies the rest, and answers a repeat from the cache without a promise', async (t) => {
  const authorizer = await createAuthorizer({ policies: policyDir({ [WEB]: ['orders.read'] }), logger: memoryLogger().logger, budgetMs: 5_000 });
  t.teardown(() => authorizer.close());
  const first = now(authorizer.authorize(call(WEB, 'orders.read')));
  t.like(first, { allowed: true, reasons: ['granted'], cached: false, policy_revision: authorizer.revision });
  t.regex(first.decision_id, /^[0-9a-f-]{36}$/);
  const again = now(authorizer.authorize(call(WEB, 'orders.read')));
  t.like(again, { allowed: true, cached: true });
  t.not(again.decision_id, first.decision_id);
  t.like(now(authorizer.authorize(call(WEB, 'orders.delete'))), { allowed: false, reasons: ['not granted'] });
  t.like(now(authorizer.authorize(call(BILLING, 'orders.read'))), { allowed: false, reasons: ['not granted'] });
});

test('a changed policy source is reloaded and changes the decision', async (t) => {
  const dir = policyDir({ [WEB]: ['orders.read'] });
  const authorizer = await createAuthorizer({ policies: dir, policyPollIntervalMs: 100, logger: memoryLogger().logger, budgetMs: 5_000 });
  t.teardown(() => authorizer.close());
  t.true(now(authorizer.authorize(call(WEB, 'orders.read'))).allowed);
  const before = authorizer.revision;

  writeGrants(dir, { [WEB]: [] });
  await eventually('the new grants to be served', () => authorizer.revision !== before);
  t.like(now(authorizer.authorize(call(WEB, 'orders.read'))), { allowed: false, reasons: ['not granted'], cached: false });

  // A change to the Rego itself (compiled on the worker thread this time).
  writeFileSync(join(dir, 'authz.rego'), POLICY.replace('"not granted"', '"no grant for this call"'));
  await eventually('the new module to be served', () => now(authorizer.authorize(call(WEB, 'orders.read'))).reasons[0] === 'no grant for this call');
});

test('a policy that stops compiling keeps the last good revision deciding', async (t) => {
  const dir = policyDir({ [WEB]: ['orders.read'] });
  const { logger, lines } = memoryLogger();
  const authorizer = await createAuthorizer({ policies: dir, watch: false, logger, budgetMs: 5_000 });
  t.teardown(() => authorizer.close());
  const good = authorizer.revision;
  writeFileSync(join(dir, 'authz.rego'), 'package warden.authz\n\ndecision := {"allow": true if\n');
  const result = await authorizer.reload();
  t.false(result.ok);
  t.is(authorizer.revision, good);
  t.true(now(authorizer.authorize(call(WEB, 'orders.read'))).allowed);
  t.true(lines.some((l) => String(l.msg).startsWith('policy reload failed')));
});

test('fails closed: malformed inputs are denied saying which field is wrong', async (t) => {
  const authorizer = await createAuthorizer({ policies: policyDir({ [WEB]: ['orders.read'] }), watch: false, logger: memoryLogger().logger, budgetMs: 5_000 });
  t.teardown(() => authorizer.close());
  const cyclic: Record<string, unknown> = {};
  cyclic.self = cyclic;
  const cases: Array<[unknown, RegExp]> = [
    [undefined, /^malformed input: input must be an object/],
    [[call(WEB, 'orders.read')], /^malformed input: input must be an object, got an array/],
    [{ action: 'orders.read' }, /input\.subject must be an identity object/],
    [{ subject: { id: WEB }, action: 'orders.read' }, /input\.subject\.authenticated_by must be one of "mtls", "jwt", "requester"/],
    [{ subject: { id: '', authenticated_by: 'mtls' }, action: 'orders.read' }, /input\.subject\.id must be a non-empty string/],
    [{ subject: workload(WEB) }, /input\.action must be a non-empty string/],
    [call(WEB, 'orders.read', { resource: { service: 7 } }), /input\.resource\.service must be a string, got a number/],
    [call(WEB, 'orders.read', { resource: { attributes: { tenant: 1 } } }), /input\.resource\.attributes\.tenant must be a string/],
    [call(WEB, 'orders.read', { context: { when: new Date() } }), /input\.context\.when must be plain JSON/],
    [call(WEB, 'orders.read', { context: { n: Number.NaN } }), /input\.context\.n must be a finite number/],
    [call(WEB, 'orders.read', { context: { f: () => true } }), /input\.context\.f must be JSON, got a function/],
    [call(WEB, 'orders.read', { context: cyclic }), /nests deeper than 32 levels/],
  ];
  for (const [input, reason] of cases) {
    const result = now(authorizer.authorize(input as never));
    t.false(result.allowed, JSON.stringify(String(reason)));
    t.regex(result.reasons[0]!, reason);
  }
  // The same input, well formed, is allowed: the denials above came from the input alone.
  t.true(now(authorizer.authorize(call(WEB, 'orders.read'))).allowed);
});

test('fails closed: an evaluation error and a closed authorizer deny with the reason', async (t) => {
  const authorizer = await createAuthorizer({ policies: policyDir({}), watch: false, logger: memoryLogger().logger, budgetMs: 5_000 });
  t.like(now(authorizer.authorize(call(WEB, 'convert', { context: { n: '3' } }))), { allowed: true, reasons: ['converted'] });
  const failed = now(authorizer.authorize(call(WEB, 'convert', { context: { n: 'three' } })));
  t.false(failed.allowed);
  t.regex(failed.reasons[0]!, /^policy evaluation failed: .*to_number/);
  // An error is not cached: asked again, it is evaluated again.
  t.false(now(authorizer.authorize(call(WEB, 'convert', { context: { n: 'three' } }))).cached);
  await authorizer.close();
  t.like(now(authorizer.authorize(call(WEB, 'convert', { context: { n: '3' } }))), { allowed: false, reasons: ['authorization failed: the authorizer is closed'] });
});

test('the rate limits of config apply before the cache', async (t) => {
  const authorizer = await createAuthorizer({
    policies: policyDir({ [WEB]: ['orders.read'], [BILLING]: ['orders.read'] }),
    config: { rateLimits: [{ name: 'per-caller', by: 'subject', perSecond: 0.001, burst: 2 }] },
    watch: false,
    logger: memoryLogger().logger,
    budgetMs: 5_000,
  });
  t.teardown(() => authorizer.close());
  t.true(now(authorizer.authorize(call(WEB, 'orders.read'))).allowed);
  t.true(now(authorizer.authorize(call(WEB, 'orders.read'))).allowed);
  const third = now(authorizer.authorize(call(WEB, 'orders.read')));
  t.false(third.allowed);
  t.regex(third.reasons[0]!, /per-caller/);
  // Limited by subject: another caller still has its own tokens.
  t.true(now(authorizer.authorize(call(BILLING, 'orders.read'))).allowed);
});

test('the address deny list of config applies to input.source.ip', async (t) => {
  const authorizer = await createAuthorizer({ policies: policyDir({ [WEB]: ['orders.read'] }), config: { ipDeny: ['10.0.0.0/8'] }, watch: false, logger: memoryLogger().logger, budgetMs: 5_000 });
  t.teardown(() => authorizer.close());
  t.true(now(authorizer.authorize(call(WEB, 'orders.read', { source: { ip: '192.168.1.2' } }))).allowed);
  t.false(now(authorizer.authorize(call(WEB, 'orders.read', { source: { ip: '10.1.2.3' } }))).allowed);
});

test('decisions go to the decision log function (redacted) and to the given metrics registry', async (t) => {
  const records: DecisionRecord[] = [];
  const registry = new Registry();
  const authorizer = await createAuthorizer({
    policies: policyDir({ [WEB]: ['orders.read'] }),
    decisionLog: (record) => records.push(record),
    metrics: registry,
    watch: false,
    logger: memoryLogger().logger,
    budgetMs: 5_000,
  });
  const allowed = now(authorizer.authorize(call(WEB, 'orders.read', { context: { authorization: 'Bearer secret-value' } })));
  now(authorizer.authorize(call(WEB, 'orders.write')));
  now(authorizer.authorize({ action: 'x' } as never));
  t.is(records.length, 3);
  t.like(records[0], { decision_id: allowed.decision_id, api: 'inprocess', allowed: true, action: 'orders.read', cached: false, subject: workload(WEB) });
  t.notRegex(JSON.stringify(records[0]), /secret-value/);
  t.like(records[2], { api: 'inprocess', allowed: false });
  const text = await registry.metrics();
  t.regex(text, /^warden_decisions_total\{api="inprocess",result="allow"\} 1$/m);
  t.regex(text, /^warden_decisions_total\{api="inprocess",result="deny"\} 1$/m);
  t.regex(text, /^warden_decisions_total\{api="inprocess",result="error"\} 1$/m);
  // A second authorizer cannot take the same registry's names; closing the first frees them.
  await t.throwsAsync(createAuthorizer({ policies: policyDir({}), metrics: registry, watch: false, logger: memoryLogger().logger }), { instanceOf: EmbedError, code: 'embed_invalid_options' });
  await authorizer.close();
  t.is(registry.getSingleMetric('warden_decisions_total'), undefined);
});

test('refuses to start without a usable policy or with bad options, saying why', async (t) => {
  const logger = memoryLogger().logger;
  await t.throwsAsync(createAuthorizer({ logger } as never), { instanceOf: EmbedError, message: /one of policies .* or bundle .* is required/ });
  await t.throwsAsync(createAuthorizer({ policies: policyDir({}), budget: 5 } as never), { instanceOf: EmbedError, message: /unknown options budget/ });
  await t.throwsAsync(createAuthorizer({ policies: policyDir({}), config: { rateLimits: [{ name: 'x', by: 'moon', perSecond: 1 }] }, logger }), { instanceOf: EmbedError, message: /rateLimits\[0\]\.by must be one of/ });
  await t.throwsAsync(createAuthorizer({ policies: policyDir({}, 'package warden.authz\n\ndecision := {\n'), watch: false, logger }), { instanceOf: EngineError, code: 'engine_compile_failed' });
});
