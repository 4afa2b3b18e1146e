import test from 'ava';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_GRANTS, REQUESTER, startFixture, unary, writePolicies } from './helpers/fixture.js';

interface CheckResponse {
  allowed?: boolean;
  policy_revision?: string;
}

/** A data file of `n` grants, about 25 bytes each: over the size the pool loads in place. */
function bigData(n: number, role: string): string {
  const entries: string[] = [];
  for (let i = 0; i < n; i++) entries.push(`"user${i}":["${role}"]`);
  return `{${entries.join(',')}}`;
}

test('checks are answered by the serving revision while a large data set reloads on other threads, then by the new one: none fails, none goes back', async (t) => {
  const fx = await startFixture({ config: { policyPollIntervalMs: 200 } });
  try {
    mkdirSync(join(fx.policies, 'big'), { recursive: true });
    writeFileSync(join(fx.policies, 'big', 'data.json'), bigData(250_000, 'a'));
    await fx.server.reload();
    const c = fx.clients();
    const before = fx.server.engine.revision!.id;
    t.true((await unary<CheckResponse>(c.authz, 'Check', { action: 'read' })).allowed);

    const answers: Array<{ stream: number; revision: string; allowed: boolean; at: number }> = [];
    let running = true;
    const streams = Array.from({ length: 4 }, async (_, stream) => {
      for (let i = 0; running; i++) {
        // Distinct paths: misses, decided by the evaluation threads.
        const response = await unary<CheckResponse>(c.authz, 'Check', { action: 'read', resource: { service: 'orders', path: `/${stream}/${i}` } });
        answers.push({ stream, revision: response.policy_revision ?? '', allowed: response.allowed === true, at: performance.now() });
      }
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const reloadAt = performance.now();
    writeFileSync(join(fx.policies, 'big', 'data.json'), bigData(250_000, 'b'));
    writePolicies(fx.policies, { ...DEFAULT_GRANTS, [REQUESTER]: { read: true, write: true } });
    const deadline = Date.now() + 60_000;
    while (fx.server.engine.revision!.id === before && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    const swappedAt = performance.now();
    await new Promise((resolve) => setTimeout(resolve, 300));
    running = false;
    await Promise.all(streams);
    c.close();

    const after = fx.server.engine.revision!.id;
    t.not(after, before, 'the new revision serves');
    t.true(answers.every((a) => a.allowed), 'every check answered, every one allowed');
    t.deepEqual([...new Set(answers.map((a) => a.revision))].sort(), [before, after].sort(), 'answered by the old revision or the new one');
    for (let stream = 0; stream < 4; stream++) {
      const revisions = answers.filter((a) => a.stream === stream).map((a) => a.revision);
      const firstNew = revisions.indexOf(after);
      t.true(firstNew > 0 && revisions.slice(firstNew).every((r) => r === after), `stream ${stream} never goes back to the old revision`);
    }
    const whileLoading = answers.filter((a) => a.at > reloadAt && a.at < swappedAt - 50);
    t.log(`reload took ${Math.round(swappedAt - reloadAt)} ms; ${whileLoading.length} checks answered meanwhile; ${answers.length} in all`);
    t.true(whileLoading.length > 0 && whileLoading.every((a) => a.revision === before), 'the serving revision answered while the new one loaded');
  } finally {
    await fx.close();
  }
});
