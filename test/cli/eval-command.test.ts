import test from 'ava';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { folder, wardenAsync } from '../helpers/cli.js';
import { writeBundle } from '../../src/bundle/index.js';

const policy = `package app

default allow := false

allow if {
	some role in data.app.roles[input.user]
	role == "admin"
}
`;

const dir = () => folder({ 'app/policy.rego': policy, 'app/data.json': '{"roles": {"alice": ["admin"], "bob": ["dev"]}}', 'alice.json': '{"user": "alice"}' });
const eval_ = (args: string[], cwd = process.cwd()) => wardenAsync(['eval', ...args], cwd);

test.serial('--format values, bindings and raw print every row, as opa eval does', async (t) => {
  const [values, bindings, raw] = await Promise.all([
    eval_(['-f', 'values', 'x := [1, 2][_]; y := x * 10']),
    eval_(['-f', 'bindings', 'x := [1, 2][_]; y := x * 10']),
    eval_(['-f', 'raw', 'x := ["a", "b"][_]; upper(x)']),
  ]);
  t.is(values.code, 0, values.stderr);
  t.is(values.stdout, '[\n  true,\n  true\n]\n[\n  true,\n  true\n]\n');
  t.is(bindings.stdout, '{\n  "x": 1,\n  "y": 10\n}\n{\n  "x": 2,\n  "y": 20\n}\n');
  t.is(raw.stdout, 'true A\ntrue B\n');
});

test.serial('--format pretty: a table of bindings, a single value as JSON, undefined when there is no result', async (t) => {
  const [table, single, undef] = await Promise.all([
    eval_(['-f', 'pretty', 'x := [1, 2][_]; y := {"k": x}']),
    eval_(['-f', 'pretty', 'object.union({"a": 1}, {"b": 2})']),
    eval_(['-f', 'pretty', 'x := [1, 2][_]; x > 5']),
  ]);
  t.is(table.stdout, ['+---+---------+', '| x |    y    |', '+---+---------+', '| 1 | {"k":1} |', '| 2 | {"k":2} |', '+---+---------+', ''].join('\n'));
  t.is(single.stdout, '{\n  "a": 1,\n  "b": 2\n}\n');
  t.is(undef.stdout, 'undefined\n');
});

test.serial('--fail exits 1 on an undefined result, --fail-defined on a defined one', async (t) => {
  const d = dir();
  const [failUndefined, failDefined, failOk, definedOk] = await Promise.all([
    eval_(['-d', d, '--fail', 'data.app.nosuch']),
    eval_(['-d', d, '--fail-defined', '-i', join(d, 'alice.json'), 'data.app.allow']),
    eval_(['-d', d, '--fail', '-i', join(d, 'alice.json'), 'data.app.allow']),
    eval_(['-d', d, '--fail-defined', 'data.app.nosuch']),
  ]);
  t.is(failUndefined.code, 1);
  t.is(failUndefined.stdout, '{}\n');
  t.is(failDefined.code, 1);
  t.is(failOk.code, 0, failOk.stderr);
  t.is(definedOk.code, 0, definedOk.stderr);
});

test.serial('-b and -d load a bundle archive; a file type eval does not load is an error naming it', async (t) => {
  const d = folder({ 'notes.txt': 'hello', 'alice.json': '{"user": "alice"}' });
  const archive = join(d, 'app.tar.gz');
  writeFileSync(archive, await writeBundle({ manifest: { roots: ['app'] }, data: { app: { roles: { alice: ['admin'] } } }, modules: [{ path: '/app/policy.rego', source: policy }] }));
  const [viaB, viaD, txt] = await Promise.all([
    eval_(['-b', archive, '-i', join(d, 'alice.json'), '-f', 'raw', 'data.app.allow']),
    eval_(['-d', archive, '-f', 'raw', 'data.app.roles.alice[0]']),
    eval_(['-d', join(d, 'notes.txt'), 'true']),
  ]);
  t.is(viaB.stdout, 'true\n', viaB.stderr);
  t.is(viaD.stdout, 'admin\n', viaD.stderr);
  t.is(txt.code, 1);
  t.regex(txt.stderr, /notes\.txt: not a loadable file/);
  t.is(txt.stdout, '');
});

test.serial('-I reads the input from stdin', async (t) => {
  const d = dir();
  const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), join(process.cwd(), 'src/cli/main.ts'), 'eval', '-d', join(d, 'app'), '-I', '-f', 'raw', 'input.user'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
  child.stdin.end('{"user": "carol"}');
  const code = await new Promise((resolve) => child.once('close', resolve));
  t.is(code, 0);
  t.is(stdout, 'carol\n');
});

test.serial('bad JSON input names the file and the line:col, not a byte offset', async (t) => {
  const d = folder({ 'bad.json': '{\n  "user": "alice",\n}\n' });
  const r = await eval_(['-i', join(d, 'bad.json'), 'input']);
  t.is(r.code, 1);
  t.regex(r.stderr, /bad\.json:3:1: not valid JSON/);
});

test.serial('the query is type-checked like a module: count(1) is a type error at its line:col', async (t) => {
  const r = await eval_(['x := 1\ncount(1)']);
  t.is(r.code, 1);
  t.regex(r.stderr, /<query>:2:1: rego_type_error: count: invalid argument/);
  t.is(r.stdout, '');
});

test.serial('--timeout: an evaluation that runs past it is an error, exit 1, no hang; one within it answers', async (t) => {
  const [slow, quick] = await Promise.all([
    eval_(['--timeout', '300ms', 'count({i | some i, j, k in numbers.range(1, 5000)})']),
    eval_(['--timeout', '60s', '-f', 'raw', 'x := 1 + 1; x']),
  ]);
  t.is(slow.code, 1);
  t.regex(slow.stderr, /did not finish within 300 ms/);
  t.is(quick.stdout, 'true 2\n', quick.stderr);
  const bad = await eval_(['--timeout', 'soon', 'true']);
  t.regex(bad.stderr, /--timeout "soon": not a duration/);
});

test.serial('--metrics reports timer_* in ns; --profile counts how often each line ran', async (t) => {
  const d = dir();
  const r = await eval_(['-d', d, '-i', join(d, 'alice.json'), '--metrics', '--profile', 'data.app.allow']);
  t.is(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  for (const m of ['timer_rego_query_parse_ns', 'timer_rego_query_compile_ns', 'timer_rego_query_eval_ns']) t.true(Number.isInteger(out.metrics[m]) && out.metrics[m] > 0, m);
  t.is(out.result[0].expressions[0].value, true);
  const lines = new Map(out.profile.map((p: { num_eval: number; location: { file: string; row: number } }) => [`${p.location.file.split('/').pop()}:${p.location.row}`, p.num_eval]));
  t.true((lines.get('policy.rego:6') as number) >= 1, JSON.stringify(out.profile));
  t.true((lines.get('policy.rego:7') as number) >= 1, JSON.stringify(out.profile));
});

test.serial('-p/--package: rule names in the query resolve in that package; without it they are unsafe variables', async (t) => {
  const d = dir();
  const [withPackage, dataPrefixed, without] = await Promise.all([
    eval_(['-d', d, '-i', join(d, 'alice.json'), '-p', 'app', '-f', 'raw', 'allow']),
    eval_(['-d', d, '-i', join(d, 'alice.json'), '--package', 'data.app', '-f', 'raw', 'not allow']),
    eval_(['-d', d, 'allow']),
  ]);
  t.is(withPackage.stdout, 'true\n', withPackage.stderr);
  t.is(dataPrefixed.stdout, '', dataPrefixed.stderr);
  t.is(dataPrefixed.code, 0);
  t.is(without.code, 1);
  // Only the user's own variable is named, not the ones eval adds to read values.
  t.regex(without.stderr, /^<query>:1:1: rego_unsafe_var_error: var allow is unsafe\n1 error\n$/);
});

test.serial('an input number a double cannot hold is compared and printed exactly, as opa eval does', async (t) => {
  const cwd = folder({ 'p.rego': 'package p\n\nmatch if input.id == 1234567890123456789\n\nnext := input.id + 1\n', 'in.json': '{"id": 1234567890123456789}' });
  const query = ['-d', 'p.rego', '-i', 'in.json', '-f', 'raw', 'data.p.match; data.p.next; input.id'];
  // --timeout evaluates on a worker thread: the input goes there and the result comes back.
  const [raw, timed, json] = await Promise.all([eval_(query, cwd), eval_([...query, '--timeout', '10s'], cwd), eval_(['-d', 'p.rego', '-i', 'in.json', '-f', 'bindings', 'x := input.id'], cwd)]);
  t.is(raw.code, 0, raw.stderr);
  t.is(raw.stdout, 'true 1234567890123456790 1234567890123456789\n');
  t.is(timed.stdout, raw.stdout, timed.stderr);
  t.is(json.stdout, '{\n  "x": 1234567890123456789\n}\n');
});

test.serial('a data file\'s numbers keep their digits in eval, in test (with and without --timeout) and through a built bundle', async (t) => {
  const cwd = folder({
    'app/ids.rego': 'package app\n\nrefused if input.id in data.app.banned\n',
    'app/ids_test.rego': 'package app\n\ntest_banned if refused with input.id as 1234567890123456789\n\ntest_neighbour_not_banned if not refused with input.id as 1234567890123456788\n',
    'app/data.json': '{"banned": [1234567890123456789]}',
  });
  const [evaluated, evaluatedTimed, tested, timed] = await Promise.all([
    eval_(['-d', '.', '-f', 'raw', 'data.app.banned[0]'], cwd),
    eval_(['-d', '.', '-f', 'raw', '--timeout', '10s', 'data.app.banned[0]'], cwd),
    wardenAsync(['test', '.'], cwd),
    wardenAsync(['test', '.', '--timeout', '10s'], cwd),
  ]);
  t.is(evaluated.stdout, '1234567890123456789\n', evaluated.stderr);
  t.is(evaluatedTimed.stdout, '1234567890123456789\n', evaluatedTimed.stderr);
  t.regex(tested.stdout, /2 passed, 0 failed/, tested.stdout + tested.stderr);
  t.regex(timed.stdout, /2 passed, 0 failed/, timed.stdout + timed.stderr);
  const built = await wardenAsync(['build', '.', '-e', 'app/refused', '-o', 'bundle.tar.gz'], cwd);
  t.is(built.code, 0, built.stderr);
  const fromBundle = await eval_(['-b', 'bundle.tar.gz', '-f', 'raw', 'data.app.banned[0]'], cwd);
  t.is(fromBundle.stdout, '1234567890123456789\n', fromBundle.stderr);
});
