import test from 'ava';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { folder, wardenAsync } from '../helpers/cli.js';

const messy = 'package app\nallow if {   input.ok }\n';
const tidy = 'package app\n\nallow if input.ok\n';
const broken = 'package app\n\nallow if {\n\tx := \n}\n';

/** `warden fmt` with `input` on stdin. */
function fmtStdin(args: string[], input: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), join(process.cwd(), 'src/cli/main.ts'), 'fmt', ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdin.end(input);
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

test.serial('fmt without paths reads stdin and writes the formatted module to stdout', async (t) => {
  const r = await fmtStdin([], messy);
  t.is(r.code, 0, r.stderr);
  t.is(r.stdout, tidy);
});

test.serial('fmt -w rewrites files whose formatting differs and leaves formatted ones alone', async (t) => {
  const dir = folder({ 'a/messy.rego': messy, 'tidy.rego': tidy, 'notes.txt': messy });
  const r = await wardenAsync(['fmt', '-w', dir], dir);
  t.is(r.code, 0, r.stderr);
  t.is(r.stdout, '');
  t.is(readFileSync(join(dir, 'a/messy.rego'), 'utf8'), tidy);
  t.is(readFileSync(join(dir, 'tidy.rego'), 'utf8'), tidy);
  t.is(readFileSync(join(dir, 'notes.txt'), 'utf8'), messy, 'only .rego files are formatted');
});

test.serial('fmt -l lists the files that would change; with --fail it exits 1', async (t) => {
  const dir = folder({ 'messy.rego': messy, 'tidy.rego': tidy });
  const listed = await wardenAsync(['fmt', '-l', dir], dir);
  t.is(listed.code, 0, listed.stderr);
  t.is(listed.stdout, `${join(dir, 'messy.rego')}\n`);
  const failing = await wardenAsync(['fmt', '-l', '--fail', dir], dir);
  t.is(failing.code, 1);
  const clean = await wardenAsync(['fmt', '-l', '--fail', join(dir, 'tidy.rego')], dir);
  t.is(clean.code, 0, 'nothing to change: --fail passes');
  t.is(clean.stdout, '');
  t.is(readFileSync(join(dir, 'messy.rego'), 'utf8'), messy, '-l does not write');
});

test.serial('fmt -d prints a unified diff of what would change', async (t) => {
  const dir = folder({ 'messy.rego': messy });
  const r = await wardenAsync(['fmt', '-d', '--fail', 'messy.rego'], dir);
  t.is(r.code, 1);
  t.is(r.stdout, ['--- a/messy.rego', '+++ b/messy.rego', '@@ -1,2 +1,3 @@', ' package app', '-allow if {   input.ok }', '+', '+allow if input.ok', ''].join('\n'));
});

test.serial('fmt: a parse error exits 1 and names file:line:col', async (t) => {
  const dir = folder({ 'bad.rego': broken, 'good.rego': messy });
  const r = await wardenAsync(['fmt', '-w', 'bad.rego', 'good.rego'], dir);
  t.is(r.code, 1);
  t.regex(r.stderr, /bad\.rego:5:1: rego_parse_error: unexpected `}`/);
  t.is(readFileSync(join(dir, 'bad.rego'), 'utf8'), broken, 'a file that does not parse is left as it was');
  t.is(readFileSync(join(dir, 'good.rego'), 'utf8'), tidy, 'the other files are still formatted');
});

test.serial('fmt --v0-compatible keeps v0; --v0-v1 writes v0 as v0-compatible v1 with import rego.v1', async (t) => {
  const v0 = 'package app\n\nallow { input.ok }\n\nroles[r] { r := input.roles[_] }\n';
  const kept = await fmtStdin(['--v0-compatible'], v0);
  t.is(kept.code, 0, kept.stderr);
  t.is(kept.stdout, 'package app\n\nallow {\n\tinput.ok\n}\n\nroles[r] {\n\tr := input.roles[_]\n}\n');
  const upgraded = await fmtStdin(['--v0-v1'], v0);
  t.is(upgraded.code, 0, upgraded.stderr);
  t.is(upgraded.stdout, 'package app\n\nimport rego.v1\n\nallow if input.ok\n\nroles contains r if r := input.roles[_]\n');
  const asV1 = await fmtStdin([], v0);
  t.is(asV1.code, 1, 'v0 syntax is an error when read as v1');
});

test.serial('fmt --help prints its usage', async (t) => {
  const r = await wardenAsync(['fmt', '--help'], process.cwd());
  t.is(r.code, 0);
  t.regex(r.stdout, /warden fmt \[PATH\.\.\.\] \[-w\] \[-l\] \[-d\] \[--fail\]/);
});

test.serial('fmt keeps v0 imports of a v1 module by default and drops them with --drop-v0-imports, as OPA does', async (t) => {
  const withImports = 'package test\nimport rego.v1\nimport future.keywords.if\np if {\n\tinput.x == 1\n}\n';
  const kept = await fmtStdin([], withImports);
  t.is(kept.code, 0, kept.stderr);
  t.is(kept.stdout, 'package test\n\nimport rego.v1\n\np if {\n\tinput.x == 1\n}\n');
  const dropped = await fmtStdin(['--drop-v0-imports'], withImports);
  t.is(dropped.code, 0, dropped.stderr);
  t.is(dropped.stdout, 'package test\n\np if {\n\tinput.x == 1\n}\n');
  const futureOnly = await fmtStdin(['--drop-v0-imports'], 'package test\nimport future.keywords.if\nimport future.keywords.contains\nq contains "foo" if {\n\tinput.x == 2\n}\n');
  t.is(futureOnly.stdout, 'package test\n\nq contains "foo" if {\n\tinput.x == 2\n}\n');
  const v0 = await fmtStdin(['--drop-v0-imports', '--v0-compatible'], 'package test\nimport future.keywords.if\np if { input.x == 1 }\n');
  t.regex(v0.stdout, /import future\.keywords\.if/, 'not redundant in v0: kept');
});
