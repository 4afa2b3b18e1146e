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
    [['advise', '--log', log], /give the grants as the policy directory or the bundle whose data\.json holds them \(--policies DIR or --bundle FILE, one of them\)/],
    [['advise', '--log', log, '--policies', 'policies', '--bundle', 'b.tar.gz'], /--policies DIR or --bundle FILE, one of them/],
    [['advise', '--log', log, '--bundle', join(dir, 'decisions.log')], /cannot read bundle .*decisions\.log: bundle is not gzip data/],
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
  t.regex(a.stdout, /warden advise --log FILE\.\.\. \(--policies DIR \| --bundle FILE\)/);
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

test('advise --bundle: the grants of a bundle built by warden build give the same advice as its policy directory; the diff is of the data.json inside it', async (t) => {
  const policies = policiesWith((grants) => grants);
  const bundle = join(policies, '..', 'bundle.tar.gz');
  const built = await wardenAsync(['build', '-b', policies, '-t', 'wasm', '-e', 'warden/authz/decision', '-o', bundle], cwd);
  t.is(built.code, 0, built.stderr);
  const dir = logFolder({ 'decisions.log': logText([authzRecord({ ns: 'shop', sa: 'frontend', service: 'orders', action: 'orders.read', allowed: true })]) });
  const log = join(dir, 'decisions.log');
  const [fromBundle, fromDirectory] = await Promise.all([
    wardenAsync(['advise', '--log', log, '--bundle', bundle, '--format', 'json'], cwd),
    wardenAsync(['advise', '--log', log, '--policies', policies, '--format', 'json'], cwd),
  ]);
  t.is(fromBundle.code, 0, fromBundle.stderr);
  t.is(fromDirectory.code, 0, fromDirectory.stderr);
  const advice = JSON.parse(fromBundle.stdout) as { unusedGrants: unknown[]; minimalGrants: unknown[]; minimalGrantsDiff: string; reading: unknown };
  const expected = JSON.parse(fromDirectory.stdout) as typeof advice;
  t.true(advice.unusedGrants.length > 0, 'grants the log never used are found in the bundle');
  t.deepEqual(advice.unusedGrants, expected.unusedGrants);
  t.deepEqual(advice.minimalGrants, expected.minimalGrants);
  // warden build (as opa build) merges the data into the bundle's root /data.json: the diff is of that file.
  t.regex(advice.minimalGrantsDiff, /^--- a\/data\.json\n\+\+\+ b\/data\.json\n/);
  t.regex(advice.minimalGrantsDiff, /^\+.*"service_account": "frontend"/m);
  t.regex(expected.minimalGrantsDiff, /^--- a\/warden\/config\/data\.json/);
});
