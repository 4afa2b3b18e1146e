import test from 'ava';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { issueDevCertificate } from '../../src/devca/dev-ca.js';
import { checkOnce } from '../../src/server/check-client.js';
import { ensureDebianPackage } from '../helpers/debian-package.js';
import { REDIS_BINARY, startRedis } from '../helpers/redis-server.js';
import { servingFolder, startServe } from '../helpers/serve-process.js';

const withRedis = (await ensureDebianPackage(console, 'redis-server', REDIS_BINARY)) ? test : test.skip;

withRedis('two warden serve processes with redis: in --config share one rate limit', async (t) => {
  const redis = await startRedis(t);
  const dir = servingFolder('warden-redis-serve-');
  // The widest budgets: what is proven here is sharing, and a loaded CI machine must turn answers
  // neither into fallbacks nor, on a fresh server's first evaluations, into budget denies.
  writeFileSync(
    join(dir, 'warden.yaml'),
    `redis:\n  url: ${redis.url}\n  keyPrefix: "e2e:"\n  budgetMs: 1000\nevaluation:\n  budgetMs: 10000\nrateLimits:\n  - name: per-subject\n    by: subject\n    perSecond: 0.001\n    burst: 3\n`,
  );
  const servers = [0, 1].map(() => startServe(dir, ['--config', 'warden.yaml', '--listen', '127.0.0.1:0', '--metrics', '127.0.0.1:0']));
  t.teardown(() => servers.forEach((s) => s.kill('SIGTERM')));
  const addresses = await Promise.all(servers.map((s) => s.serving()));
  // In process rather than `warden check` six times: the two servers are what is under test.
  const client = issueDevCertificate(join(dir, '.warden'), 'spiffe://warden.local/ns/shop/sa/frontend');
  writeFileSync(join(dir, 'frontend.pem'), client.cert);
  writeFileSync(join(dir, 'frontend-key.pem'), client.key);
  const answers: boolean[] = [];
  for (let i = 0; i < 6; i++) {
    const answer = await checkOnce({ address: addresses[i % 2]!, cert: join(dir, 'frontend.pem'), key: join(dir, 'frontend-key.pem'), ca: join(dir, '.warden', 'ca.pem'), service: 'orders', action: 'orders.read', timeoutMs: 30_000 });
    if (!answer.allowed) t.regex(answer.reasons.join(' '), /rate limited: per-subject/);
    answers.push(answer.allowed);
  }
  t.deepEqual(answers, [true, true, true, false, false, false], 'three between both servers, not three each');

  const stopped = servers.map((s) => s.exited);
  servers.forEach((s) => s.kill('SIGTERM'));
  for (const { code, ms } of await Promise.all(stopped)) {
    t.is(code, 0);
    t.true(ms < 120_000);
  }
  t.regex(servers[0]!.stderrText() + servers[1]!.stderrText(), /shared state in Redis connected/);
});
