import test from 'ava';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readServeConfigFile, ServiceError } from '../../src/server/index.js';
import { startFixture, unary } from './helpers/fixture.js';
import { temporaryDirectory } from '../helpers/temp-dir.js';

function configFile(yaml: string): string {
  const file = join(temporaryDirectory('warden-logroll-config-'), 'warden.yaml');
  writeFileSync(file, yaml);
  return file;
}

test('the rotation keys are read from --config; bad values are refused naming the key, the value and the file', (t) => {
  const good = readServeConfigFile(configFile('decisionLog: /var/log/warden/decisions.log\ndecisionLogRotate: size:100MiB\ndecisionLogRetention: 30d\n'));
  t.is(good.decisionLogRotate, 'size:100MiB');
  t.is(good.decisionLogRetention, '30d');
  const cases: Array<[string, string]> = [
    ['decisionLogRotate: weekly\n', 'decisionLogRotate must be daily, hourly or size:<number><unit> with a unit of KB, MB, GB (powers of 1000) or KiB, MiB, GiB (powers of 1024), such as size:100MB, not "weekly"'],
    ['decisionLogRotate: size:100XB\n', 'decisionLogRotate must be daily, hourly or size:<number><unit> with a unit of KB, MB, GB (powers of 1000) or KiB, MiB, GiB (powers of 1024), such as size:100MB, not "size:100XB"'],
    ['decisionLogRetention: 7 days\n', 'decisionLogRetention must be a positive duration such as 500ms, 60s, 10m or 1h, not "7 days"'],
    ['decisionLogRetention: -1d\n', 'decisionLogRetention must be a positive duration such as 500ms, 60s, 10m or 1h, not "-1d"'],
    ['decisionLogRetention: 7\n', 'decisionLogRetention must be a duration with a unit, such as 12h or 7d (a bare number would be milliseconds), not 7'],
  ];
  for (const [yaml, message] of cases) {
    const file = configFile(yaml);
    const err = t.throws(() => readServeConfigFile(file), { instanceOf: ServiceError });
    t.is((err as ServiceError).code, 'invalid_config');
    t.is(err!.message, `config ${file}: ${message}`);
  }
});

test('an embedder passing a bad rotation to startServer is refused before anything starts', async (t) => {
  const err = await t.throwsAsync(startFixture({ config: { decisionLogRotate: 'size:10' } }));
  t.regex(err!.message, /^decisionLogRotate must be daily, hourly or size:/);
});

test('serve with decisionLog and decisionLogRotate from --config: checks are logged to the file and rotated by size', async (t) => {
  const dir = temporaryDirectory('warden-logroll-serve-');
  const fromFile = readServeConfigFile(configFile(`decisionLog: ${join(dir, 'decisions.log')}\ndecisionLogRotate: size:2KB\n`));
  const fx = await startFixture({ config: fromFile });
  t.teardown(() => fx.close());
  const c = fx.clients();
  const ids: string[] = [];
  for (let i = 0; i < 12; i++) ids.push((await unary<{ decision_id: string }>(c.authz, 'Check', { action: 'read', resource: { service: 'orders', path: `/orders/${i}` } })).decision_id);
  c.close();
  await fx.close();
  const files = readdirSync(dir).filter((n) => n.startsWith('decisions.log')).sort();
  t.true(files.length >= 3, files.join(', '));
  t.is(files.at(0), 'decisions.log', 'the live file keeps its name');
  for (const name of files) t.true(statSync(join(dir, name)).size <= 2000, name);
  const logged = [...files.slice(1), files[0]!].flatMap((name) => readFileSync(join(dir, name), 'utf8').split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { decision_id: string }).decision_id));
  t.deepEqual(logged, ids);
});
