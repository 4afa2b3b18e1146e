import test from 'ava';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startFixture, unary, waitFor, writePolicies, REQUESTER, DEFAULT_GRANTS } from './helpers/fixture.js';

type CheckResponse = { allowed?: boolean; reasons?: string[]; policy_revision?: string; cached?: boolean };

async function healthOf(c: { health: import('@grpc/grpc-js').Client }, service = ''): Promise<string> {
  const res = await unary<{ status: string | number }>(c.health, 'check', { service });
  return String(res.status);
}

async function metricsText(url: string): Promise<string> {
  const res = await fetch(url);
  return res.text();
}

test('a server never starts without a revision: no policy refuses to start, a started one is SERVING at once', async (t) => {
  const err = await t.throwsAsync(startFixture({ emptyPolicies: true }));
  t.regex(err!.message, /no policy to serve/);
  const fx = await startFixture();
  try {
    const c = fx.clients();
    t.is(await healthOf(c), 'SERVING');
    t.is(await healthOf(c, 'warden.authz.v1.Authorizer'), 'SERVING');
    t.is(await healthOf(c, 'envoy.service.auth.v3.Authorization'), 'SERVING');
    t.true((await unary<CheckResponse>(c.authz, 'Check', { action: 'read' })).allowed);
    c.close();
  } finally {
    await fx.close();
  }
});

test('a policy change is swapped in within 2 s with an empty cache; a broken one keeps the last good serving', async (t) => {
  const fx = await startFixture();
  try {
    const c = fx.clients();
    const first = await unary<CheckResponse>(c.authz, 'Check', { action: 'write' });
    t.false(first.allowed ?? false);
    t.true((await unary<CheckResponse>(c.authz, 'Check', { action: 'read' })).allowed);
    t.true((await unary<CheckResponse>(c.authz, 'Check', { action: 'read' })).cached);
    const rev1 = fx.server.engine.revision!.id;

    const started = Date.now();
    writePolicies(fx.policies, { [REQUESTER]: { read: true, write: true } });
    await waitFor(() => (fx.server.engine.revision!.id !== rev1 ? true : undefined), 2000);
    t.true(Date.now() - started < 2000);
    const after = await unary<CheckResponse>(c.authz, 'Check', { action: 'write' });
    t.true(after.allowed);
    t.not(after.policy_revision, rev1);
    const read = await unary<CheckResponse>(c.authz, 'Check', { action: 'read' });
    t.falsy(read.cached, 'a new revision starts with an empty cache');
    const rev2 = fx.server.engine.revision!.id;

    writeFileSync(join(fx.policies, 'broken.rego'), 'package broken\nFAIL\n');
    await waitFor(() => (fx.opsLog.some((l) => String(l.msg).startsWith('policy reload failed')) ? true : undefined), 2000);
    t.is(fx.server.engine.revision!.id, rev2);
    t.is(await healthOf(c), 'SERVING');
    t.true((await unary<CheckResponse>(c.authz, 'Check', { action: 'write' })).allowed);
    const failure = fx.opsLog.find((l) => String(l.msg).startsWith('policy reload failed'))!;
    t.deepEqual(failure.errors, [`${join(fx.policies, 'broken.rego')}:1:1: rego_parse_error: test failure`]);

    const metrics = await metricsText(fx.server.metricsUrl!);
    t.regex(metrics, /^warden_policy_reloads_total 2$/m);
    t.regex(metrics, /^warden_policy_reload_failures_total 1$/m);
    t.regex(metrics, new RegExp(`^warden_policy_revision\\{revision="${rev2}"\\} 1$`, 'm'));
    c.close();
  } finally {
    await fx.close();
  }
});

test('a policy directory that disappears: the last good revision answers, the outage is logged, counted and NOT_SERVING after the grace', async (t) => {
  const fx = await startFixture({ config: { policySourceGraceMs: 2500 } });
  try {
    const c = fx.clients();
    const rev1 = fx.server.engine.revision!.id;
    t.is(await healthOf(c), 'SERVING', 'connected before the clock starts');
    let text = '';
    for (const end = Date.now() + 3000; Date.now() < end && !/^warden_policy_source_healthy 1$/m.test(text); ) text = await metricsText(fx.server.metricsUrl!);
    t.regex(text, /^warden_policy_source_healthy 1$/m);
    t.regex(text, /^warden_policy_watch_failures_total\{reason="source_unreadable"\} 0$/m);

    rmSync(fx.policies, { recursive: true });
    const removed = Date.now();
    const down = await waitFor(() => fx.opsLog.find((l) => String(l.msg).startsWith('policy source unreadable, last good revision keeps serving')), 2000);
    t.true(Date.now() - removed < 2000);
    t.is(down.level, 50, 'logged as an error');
    t.is(down.code, 'engine_policy_files');
    t.is(await healthOf(c), 'SERVING', 'within the grace');
    const during = await unary<CheckResponse>(c.authz, 'Check', { action: 'read' });
    t.true(during.allowed);
    t.is(during.policy_revision, rev1);
    text = await metricsText(fx.server.metricsUrl!);
    t.regex(text, /^warden_policy_source_healthy 0$/m);
    t.regex(text, /^warden_policy_watch_failures_total\{reason="source_unreadable"\} 1$/m);
    const checkedAt = Number(/^warden_policy_source_checked_timestamp_seconds (\S+)$/m.exec(text)?.[1]);
    t.true(Date.now() / 1000 - checkedAt < 3, 'the poller keeps looking while the source is gone');

    await waitFor(() => fx.opsLog.find((l) => String(l.msg).includes('health is NOT_SERVING until it returns')), 6000);
    t.is(await healthOf(c), 'NOT_SERVING');
    t.is(await healthOf(c, 'warden.authz.v1.Authorizer'), 'NOT_SERVING');
    t.is((await unary<CheckResponse>(c.authz, 'Check', { action: 'read' })).policy_revision, rev1, 'the last good revision still answers');

    writePolicies(fx.policies, { [REQUESTER]: { write: true } });
    const back = Date.now();
    await waitFor(() => (fx.server.engine.revision!.id !== rev1 ? true : undefined), 2000);
    t.true(Date.now() - back < 2000);
    t.is(await healthOf(c), 'SERVING');
    const after = await unary<CheckResponse>(c.authz, 'Check', { action: 'read' });
    t.false(after.allowed ?? false, 'the recreated directory revoked read');
    t.true((await unary<CheckResponse>(c.authz, 'Check', { action: 'write' })).allowed);
    t.true(fx.opsLog.some((l) => l.msg === 'policy source readable again'));
    t.regex(await metricsText(fx.server.metricsUrl!), /^warden_policy_source_healthy 1$/m);
    c.close();
  } finally {
    await fx.close();
  }
});

test('a poll interval that is not positive is invalid_config', async (t) => {
  const e = await t.throwsAsync<Error & { code?: string }>(startFixture({ config: { policyPollIntervalMs: 0 } }));
  t.is(e?.code, 'invalid_config');
  t.regex(e?.message ?? '', /pollIntervalMs must be a positive number/);
});

test('reflection lists the served services', async (t) => {
  const fx = await startFixture();
  try {
    const c = fx.clients();
    const names = await new Promise<string[]>((resolve, reject) => {
      const stream = (c.reflection as unknown as { ServerReflectionInfo(): import('@grpc/grpc-js').ClientDuplexStream<unknown, { list_services_response?: { service: Array<{ name: string }> } }> }).ServerReflectionInfo();
      stream.on('data', (msg) => {
        resolve((msg.list_services_response?.service ?? []).map((s: { name: string }) => s.name));
        stream.end();
      });
      stream.on('error', reject);
      stream.write({ list_services: '' });
    });
    for (const s of ['warden.authz.v1.Authorizer', 'envoy.service.auth.v3.Authorization', 'grpc.health.v1.Health']) t.true(names.includes(s), s);
    c.close();
  } finally {
    await fx.close();
  }
});

test('metrics: decisions by result, latency histogram, cache hits and misses', async (t) => {
  const fx = await startFixture();
  try {
    const c = fx.clients();
    await unary(c.authz, 'Check', { action: 'read' });
    await unary(c.authz, 'Check', { action: 'read' });
    await unary(c.authz, 'Check', { action: 'delete' });
    await unary(c.authz, 'Check', { action: 'boom' });
    const text = await metricsText(fx.server.metricsUrl!);
    t.regex(text, /^warden_decisions_total\{api="authorizer",result="allow"\} 2$/m);
    t.regex(text, /^warden_decisions_total\{api="authorizer",result="deny"\} 1$/m);
    t.regex(text, /^warden_decisions_total\{api="authorizer",result="error"\} 1$/m);
    t.regex(text, /^warden_decision_duration_seconds_count\{api="authorizer"\} 4$/m);
    t.regex(text, /^warden_cache_hits_total 1$/m);
    t.regex(text, /^warden_cache_misses_total 3$/m);
    const notFound = await fetch(fx.server.metricsUrl!.replace('/metrics', '/other'));
    t.is(notFound.status, 404);
    c.close();
  } finally {
    await fx.close();
  }
});
