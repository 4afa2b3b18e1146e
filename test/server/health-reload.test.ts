import test from 'ava';
import { writeFileSync } from 'node:fs';
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
