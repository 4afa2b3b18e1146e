import test from 'ava';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MAIN, servingFolder, startServe, TSX } from '../helpers/serve-process.js';
import { wardenAsync } from '../helpers/cli.js';
import { policiesWith } from '../helpers/decision-records.js';

// One real `warden serve` writes the decision log both commands read.
test('a log written by warden serve: replay gates a candidate that denies logged calls (exit 1), passes the same policies (exit 0); advise finds unused grants', async (t) => {
  const dir = servingFolder('warden-replay-serve-');
  const log = join(dir, 'decisions.log');
  const server = startServe(dir, ['--listen', '127.0.0.1:0', '--metrics', '127.0.0.1:0', '--decision-log', log]);
  t.teardown(() => server.kill('SIGTERM'));
  const address = await server.serving();
  const run = (args: string[]) => spawnSync(process.execPath, ['--import', TSX, MAIN, ...args], { cwd: dir, encoding: 'utf8' });
  for (const sa of ['frontend', 'checkout']) t.is(run(['dev-cert', `spiffe://warden.local/ns/shop/sa/${sa}`, '--out', sa]).status, 0);
  const check = (sa: string, service: string, action: string) => run(['check', '--cert', `${sa}.pem`, '--key', `${sa}-key.pem`, '--address', address, '--service', service, '--action', action]).status;
  t.is(check('frontend', 'orders', 'orders.read'), 0);
  t.is(check('frontend', 'orders', 'orders.create'), 1);
  t.is(check('checkout', 'payments', 'payments.charge'), 0);
  server.kill('SIGTERM');
  await server.exited;
  t.true(existsSync(log), server.stderrText());
  t.is(readFileSync(log, 'utf8').trim().split('\n').length, 3);

  const same = await wardenAsync(['replay', '--log', log, '--policies', join(dir, 'policies'), '--format', 'json'], dir);
  t.is(same.code, 0, same.stderr);
  const sameReport = JSON.parse(same.stdout) as { replayed: number; unchanged: number };
  t.like(sameReport, { replayed: 3, unchanged: 3 });

  const candidate = policiesWith((grants) => grants.filter((g) => g.service !== 'payments'));
  const gate = await wardenAsync(['replay', '--log', log, '--policies', candidate], dir);
  t.is(gate.code, 1, gate.stderr);
  t.regex(gate.stdout, /^FAIL: 1 allowed call\(s\) would be denied/);
  t.regex(gate.stdout, /shop\/checkout -> payments: allow → deny 1/);

  const advice = await wardenAsync(['advise', '--log', log, '--policies', join(dir, 'policies'), '--format', 'json'], dir);
  t.is(advice.code, 0, advice.stderr);
  const parsed = JSON.parse(advice.stdout) as { decisions: { allowed: number; denied: number }; unusedGrants: Array<{ index: number }> };
  t.like(parsed.decisions, { allowed: 2, denied: 1 });
  t.deepEqual(parsed.unusedGrants.map((g) => g.index), [1, 3, 4]);
});
