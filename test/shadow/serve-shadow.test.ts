import test from 'ava';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MAIN, servingFolder, startServe, TSX, type ServeProcess } from '../helpers/serve-process.js';
import { policiesWith } from '../helpers/decision-records.js';

type Answer = { allowed?: boolean; decision_id: string };

/** A `warden serve` in its own folder, with callers' certificates made, and a way to call and scrape it. */
async function serving(t: import('ava').ExecutionContext, args: string[]) {
  const dir = servingFolder('warden-shadow-');
  const server = startServe(dir, ['--listen', '127.0.0.1:0', '--metrics', '127.0.0.1:0', '--decision-log', join(dir, 'decisions.log'), ...args]);
  t.teardown(() => server.kill('SIGTERM'));
  const address = await server.serving();
  const metricsUrl = /metrics at (http:\/\/\S+)/.exec(server.stderrText())![1]!;
  const run = (cli: string[]) => spawnSync(process.execPath, ['--import', TSX, MAIN, ...cli], { cwd: dir, encoding: 'utf8' });
  for (const sa of ['frontend', 'checkout']) t.is(run(['dev-cert', `spiffe://warden.local/ns/shop/sa/${sa}`, '--out', sa]).status, 0);
  const check = (sa: string, service: string, action: string): Answer => {
    const out = run(['check', '--cert', `${sa}.pem`, '--key', `${sa}-key.pem`, '--address', address, '--service', service, '--action', action]);
    return JSON.parse(out.stdout) as Answer;
  };
  const metric = async (series: string): Promise<number> => {
    const text = await (await fetch(metricsUrl)).text();
    const line = text.split('\n').find((l) => l.startsWith(`${series} `));
    return line === undefined ? Number.NaN : Number(line.slice(series.length + 1));
  };
  return { dir, server, check, metric };
}

/** Polls `read` until it gives `want` (the shadow runs after the answer); bounded, so never a hang. */
async function eventually(read: () => Promise<number>, want: number, server: ServeProcess): Promise<number> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const value = await read();
    if (value === want || Date.now() > deadline || server.exitCode !== null) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
}

test('warden serve --shadow: the live answer stays allow where the candidate denies; the disagreement is counted and logged with its decision id', async (t) => {
  const candidate = policiesWith((grants) => grants.filter((g) => g.service !== 'payments'));
  const { server, check, metric } = await serving(t, ['--shadow', candidate]);
  const charged = check('checkout', 'payments', 'payments.charge');
  t.true(charged.allowed, 'the live policy still decides');
  const read = check('frontend', 'orders', 'orders.read');
  t.true(read.allowed);
  t.is(await eventually(() => metric('warden_shadow_evaluations_total'), 2, server), 2);
  t.is(await metric('warden_shadow_disagreements_total{kind="allow_to_deny"}'), 1);
  t.is(await metric('warden_shadow_disagreements_total{kind="error"}'), 0);
  const warning = server
    .stderrText()
    .split('\n')
    .filter((l) => l.includes('shadow revision disagrees'))
    .map((l) => JSON.parse(l) as { decision_id: string; kind: string; subject: string; service: string; live: { allowed: boolean }; shadow: { allowed: boolean } });
  t.is(warning.length, 1);
  t.like(warning[0], { decision_id: charged.decision_id, kind: 'allow_to_deny', subject: 'spiffe://warden.local/ns/shop/sa/checkout', service: 'payments', live: { allowed: true }, shadow: { allowed: false } });
});

test('shadow.sample 0 in the config file: nothing is evaluated', async (t) => {
  const candidate = policiesWith((grants) => grants.filter((g) => g.service !== 'payments'));
  const dir = servingFolder('warden-shadow-config-');
  const config = join(dir, 'warden.yaml');
  writeFileSync(config, `shadow:\n  source: ${candidate}\n  sample: 0\n`);
  const { check, metric } = await serving(t, ['--config', config]);
  for (let i = 0; i < 3; i++) t.true(check('checkout', 'payments', 'payments.charge').allowed);
  t.is(await metric('warden_shadow_evaluations_total'), 0);
  t.is(await metric('warden_shadow_disagreements_total{kind="allow_to_deny"}'), 0);
});

test('a shadow that does not compile refuses the start (exit 2) with the reason', async (t) => {
  const dir = servingFolder('warden-shadow-broken-');
  const broken = join(dir, 'broken');
  mkdirSync(broken);
  writeFileSync(join(broken, 'authz.rego'), 'package warden.authz\n\ndecision := {"allow": true, "reasons": [x]}\n');
  const server = startServe(dir, ['--listen', '127.0.0.1:0', '--metrics', '127.0.0.1:0', '--shadow', broken]);
  const { code } = await server.exited;
  t.is(code, 2, server.stderrText());
  t.regex(server.stderrText(), /shadow .*broken/);
  t.notRegex(server.stderrText(), /serving on/);
});

/** Waits until the server's stderr says `text` (at least `times` times); bounded. */
async function logged(server: ServeProcess, text: string, times = 1): Promise<boolean> {
  const deadline = Date.now() + 30_000;
  const count = () => server.stderrText().split(text).length - 1;
  while (count() < times && Date.now() < deadline && server.exitCode === null) await new Promise((r) => setTimeout(r, 100));
  return count() >= times;
}

test('SIGHUP reloads the shadow candidate (watching off); a candidate that then fails to compile keeps the last good one, logged and counted', async (t) => {
  const candidate = policiesWith((grants) => grants.filter((g) => g.service !== 'payments'));
  const dir = servingFolder('warden-shadow-sighup-');
  const config = join(dir, 'warden.yaml');
  writeFileSync(config, `watch: false\nshadow:\n  source: ${candidate}\n`);
  const { server, check, metric } = await serving(t, ['--config', config]);
  t.true(check('checkout', 'payments', 'payments.charge').allowed);
  t.is(await eventually(() => metric('warden_shadow_disagreements_total{kind="allow_to_deny"}'), 1, server), 1);

  // The candidate now grants what the live policy grants: after SIGHUP it agrees.
  cpSync(join(policiesWith((grants) => grants), 'warden/config/data.json'), join(candidate, 'warden/config/data.json'));
  server.kill('SIGHUP');
  t.true(await logged(server, 'shadow revision reloaded'), server.stderrText());
  t.true(check('checkout', 'payments', 'payments.charge').allowed);
  t.is(await eventually(() => metric('warden_shadow_evaluations_total'), 2, server), 2);
  t.is(await metric('warden_shadow_disagreements_total{kind="allow_to_deny"}'), 1, 'the reloaded candidate agrees');

  writeFileSync(join(candidate, 'warden/authz/broken.rego'), 'package warden.authz\n\nbroken := [x]\n');
  server.kill('SIGHUP');
  t.true(await logged(server, 'shadow reload failed, the last good candidate keeps being evaluated'), server.stderrText());
  t.is(await metric('warden_shadow_reload_failures_total'), 1);
  t.true(check('checkout', 'payments', 'payments.charge').allowed);
  t.is(await eventually(() => metric('warden_shadow_evaluations_total'), 3, server), 3);
  t.is(await metric('warden_shadow_disagreements_total{kind="allow_to_deny"}'), 1, 'the last good candidate still agrees');
  t.is(await metric('warden_shadow_disagreements_total{kind="error"}'), 0);
});

test('a change to the shadow source is picked up without a signal (the live policy\'s watcher settings)', async (t) => {
  const candidate = policiesWith((grants) => grants);
  const { server, check, metric } = await serving(t, ['--shadow', candidate]);
  writeFileSync(join(candidate, 'warden/config/data.json'), readFileSync(join(policiesWith((grants) => grants.filter((g) => g.service !== 'payments')), 'warden/config/data.json')));
  t.true(await logged(server, 'shadow revision reloaded'), server.stderrText());
  t.true(check('checkout', 'payments', 'payments.charge').allowed, 'the live policy still decides');
  t.is(await eventually(() => metric('warden_shadow_disagreements_total{kind="allow_to_deny"}'), 1, server), 1);
});
