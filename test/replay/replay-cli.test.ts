import test from 'ava';
import { join } from 'node:path';
import { wardenAsync } from '../helpers/cli.js';
import { authzRecord, logFolder, logText, policiesWith } from '../helpers/decision-records.js';

const cwd = process.cwd();

test('usage errors exit 2 and say what is wrong', async (t) => {
  const dir = logFolder({ 'decisions.log': logText([authzRecord({ ns: 'shop', sa: 'frontend', service: 'orders', action: 'orders.read', allowed: true })]) });
  const log = join(dir, 'decisions.log');
  const cases: Array<[string[], RegExp]> = [
    [['replay', '--policies', 'policies'], /no decision log given \(--log FILE\.\.\.\)/],
    [['replay', '--log', log], /give the candidate revision as --policies DIR or --bundle FILE/],
    [['replay', '--log', log, '--policies', 'policies', '--since', 'last week'], /--since "last week": want a span back from now/],
    [['replay', '--log', log, '--policies', 'policies', '--limit', '0'], /--limit "0": want a whole number, 1 or more/],
    [['replay', '--log', log, '--policies', 'policies', '--format', 'yaml'], /unknown --format yaml \(text, json\)/],
    [['replay', '--log', join(dir, 'missing.log'), '--policies', 'policies'], /missing\.log: no such file/],
    [['advise', '--log', log], /give the policy directory whose data\.json holds the grants/],
    [['advise', '--log', log, '--policies', 'policies', '--probe-window', 'soon'], /--probe-window "soon": want a span/],
    [['advise', '--log', log, '--policies', dir], /no data\.json holds data\.warden\.config\.grants; the advisor reads the bundled layout only/],
  ];
  const results = await Promise.all(cases.map(([args]) => wardenAsync(args, cwd)));
  results.forEach((r, i) => {
    t.is(r.code, 2, cases[i]![0].join(' '));
    t.regex(r.stderr, cases[i]![1]);
  });
});

test('warden help lists replay and advise', async (t) => {
  const r = await wardenAsync(['help', 'replay'], cwd);
  t.is(r.code, 0);
  t.regex(r.stdout, /warden replay --log FILE\.\.\. \(--policies DIR \| --bundle FILE\)/);
  const a = await wardenAsync(['advise', '--help'], cwd);
  t.regex(a.stdout, /warden advise --log FILE\.\.\. --policies DIR/);
});

test('--bundle: a Wasm bundle built by warden build is the candidate; --format json reports the change and exit 1', async (t) => {
  const candidate = policiesWith((grants) => grants.filter((g) => g.service !== 'orders'));
  const bundle = join(candidate, '..', 'bundle.tar.gz');
  const built = await wardenAsync(['build', '-b', candidate, '-t', 'wasm', '-e', 'warden/authz/decision', '--revision', 'candidate-7', '-o', bundle], cwd);
  t.is(built.code, 0, built.stderr);
  const dir = logFolder({ 'decisions.log': logText([authzRecord({ ns: 'shop', sa: 'frontend', service: 'orders', action: 'orders.read', allowed: true })]) });
  const r = await wardenAsync(['replay', '--log', join(dir, 'decisions.log'), '--bundle', bundle, '--format', 'json'], cwd);
  t.is(r.code, 1, r.stderr);
  const report = JSON.parse(r.stdout) as { candidate: { revision: string }; changes: { allow_to_deny: number }; wouldDenyAllowed: boolean };
  t.is(report.candidate.revision, 'candidate-7');
  t.is(report.changes.allow_to_deny, 1);
  t.true(report.wouldDenyAllowed);
});
