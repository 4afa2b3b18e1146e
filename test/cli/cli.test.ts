import test from 'ava';
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { readBundle } from '../../src/bundle/index.js';
import { readFileSync } from 'node:fs';
import { temporaryDirectory } from '../helpers/temp-dir.js';

const main = join(process.cwd(), 'src/cli/main.ts');

function warden(args: string[], cwd = process.cwd()) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', main, ...args], { cwd, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function folder(files: Record<string, string>): string {
  const root = temporaryDirectory('warden-cli-');
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return root;
}

const policy = `package app

default allow := false

allow if {
	some role in data.app.roles[input.user]
	role == "admin"
}
`;

test('warden test: passing and failing tests, N passed, M failed, exit codes', (t) => {
  const dir = folder({
    'app/policy.rego': policy,
    'app/data.json': '{"roles": {"alice": ["admin"], "bob": ["dev"]}}',
    'app/policy_test.rego': `package app_test
import data.app
test_admin_allowed if app.allow with input as {"user": "alice"}
test_dev_denied if not app.allow with input as {"user": "bob"}
test_wrong if app.allow with input as {"user": "bob"}
`,
  });
  const r = warden(['test', dir]);
  t.is(r.code, 2, `as opa test, 2 when a test fails: ${r.stderr}`);
  const lines = r.stdout.trim().split('\n');
  t.is(lines[lines.length - 1], '2 passed, 1 failed');
  t.regex(r.stdout, /FAIL: data\.app_test\.test_wrong at .*policy_test\.rego:5/);
  const only = warden(['test', dir, '--run', 'admin']);
  t.is(only.code, 0);
  t.is(only.stdout.trim(), '1 passed, 0 failed');
});

test('warden test and check: a syntax error exits 1 (as OPA) with file:line:col and a caret', (t) => {
  const dir = folder({ 'bad.rego': 'package bad\n\np if {\n\tx := \n}\n' });
  for (const cmd of ['test', 'check']) {
    const r = warden([cmd, dir]);
    t.is(r.code, 1, cmd);
    t.regex(r.stderr, /bad\.rego:\d+:\d+: rego_parse_error/);
    t.regex(r.stderr, /\^/);
  }
});

test('warden check: unsafe variables are reported with their position', (t) => {
  const dir = folder({ 'u.rego': 'package u\n\np if {\n\tx == 1\n}\n' });
  const r = warden(['check', dir]);
  t.is(r.code, 1);
  t.regex(r.stderr, /u\.rego:4:2: rego_unsafe_var_error: var x is unsafe/);
});

test('warden check: a clean policy prints nothing and exits 0, as opa check', (t) => {
  const dir = folder({ 'ok.rego': 'package ok\n\np if input.x == 1\n' });
  const r = warden(['check', dir]);
  t.is(r.code, 0, r.stderr);
  t.is(r.stdout, '');
  t.is(r.stderr, '');
});

test('warden eval: opa eval output shape, raw format, input file', (t) => {
  const dir = folder({ 'app/policy.rego': policy, 'app/data.json': '{"roles": {"alice": ["admin"]}}', 'input.json': '{"user": "alice"}' });
  const r = warden(['eval', '-d', dir, '-i', join(dir, 'input.json'), 'data.app.allow']);
  t.is(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  t.is(out.result[0].expressions[0].value, true);
  const b = warden(['eval', 'x := [1, 2][_]']);
  t.deepEqual(JSON.parse(b.stdout).result.map((row: { bindings: { x: number } }) => row.bindings.x).sort(), [1, 2]);
  const raw = warden(['eval', '--format', 'raw', 'concat("-", ["a", "b"])']);
  t.is(raw.stdout, 'a-b\n');
});

test('warden build: a bundle with policy.wasm, data.json and a manifest', async (t) => {
  const dir = folder({ 'app/policy.rego': policy, 'app/data.json': '{"roles": {}}' });
  const out = join(dir, 'bundle.tar.gz');
  const r = warden(['build', '-b', dir, '-e', 'app/allow', '-o', out]);
  t.is(r.code, 0, r.stderr);
  t.true(existsSync(out));
  const b = await readBundle(readFileSync(out));
  t.deepEqual(b.manifest.wasm, [{ entrypoint: 'app/allow', module: '/policy.wasm' }]);
  t.deepEqual(b.data, { app: { roles: {} } });
  t.truthy(b.wasm);
});

test('warden build: an entrypoint that refers to no rule fails the build and writes nothing', (t) => {
  const dir = folder({ 'app/policy.rego': policy });
  const out = join(dir, 'bundle.tar.gz');
  const r = warden(['build', '-b', dir, '-e', 'app/allow', '-e', 'app/alow', '-o', out]);
  t.is(r.code, 1);
  t.regex(r.stderr, /<entrypoint>:1:1: rego_compile_error: entrypoint "app\/alow" does not refer to a rule or policy decision/);
  t.false(existsSync(out));
});

test('--help, -h, help COMMAND and version, as OPA users expect: on stdout, exit 0', (t) => {
  const all = warden(['--help']);
  t.is(all.code, 0);
  for (const command of ['serve', 'test', 'eval', 'build', 'check', 'keys', 'dev-cert']) t.regex(all.stdout, new RegExp(`warden ${command}\\b`));
  const one = warden(['test', '-h']);
  t.is(one.code, 0);
  t.regex(one.stdout, /^usage:\n {2}warden test \[PATH\.\.\.\]/);
  t.notRegex(one.stdout, /warden eval/);
  t.deepEqual(warden(['help', 'keys']).stdout.match(/warden keys \w+/g), ['warden keys create', 'warden keys list', 'warden keys revoke', 'warden keys rotate']);
  t.is(warden(['help', 'nosuch']).code, 1);
  const version = JSON.parse(readFileSync(join(process.cwd(), 'package.json'), 'utf8')).version as string;
  for (const args of [['version'], ['--version']]) t.is(warden(args).stdout, `Version: ${version}\n`);
});
