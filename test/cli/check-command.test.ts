import test from 'ava';
import { folder, wardenAsync } from '../helpers/cli.js';

const unusedLocal = 'package app\n\nallow if {\n\tx := input.user\n\tinput.ok\n}\n';
const clean = 'package app\n\nimport data.lib\n\nallow if lib.ok\n';

test.serial('check -S: an unused assignment is a rego_compile_error at file:line:col, exit 1; plain check accepts the same policy', async (t) => {
  const dir = folder({ 'app.rego': unusedLocal });
  const strict = await wardenAsync(['check', '-S', 'app.rego'], dir);
  t.is(strict.code, 1);
  t.is(strict.stdout, '');
  t.is(strict.stderr.split('\n')[0], 'app.rego:4:2: rego_compile_error: assigned var x unused');
  t.regex(strict.stderr, /^1 error$/m);
  const plain = await wardenAsync(['check', 'app.rego'], dir);
  t.deepEqual(plain, { code: 0, stdout: '', stderr: '' });
});

test.serial('check --strict on a clean policy prints nothing and exits 0, in either format', async (t) => {
  const dir = folder({ 'app.rego': clean });
  for (const format of ['pretty', 'json']) {
    t.deepEqual(await wardenAsync(['check', '--strict', '--format', format, 'app.rego'], dir), { code: 0, stdout: '', stderr: '' }, format);
  }
});

test.serial("check --format json: OPA's {\"errors\": [...]} with message, code and location, on stderr as opa check writes it", async (t) => {
  const dir = folder({ 'app.rego': 'package app\n\nimport data.unused\n\nallow if input.ok\n' });
  const r = await wardenAsync(['check', '-S', '--format', 'json', 'app.rego'], dir);
  t.is(r.code, 1);
  t.is(r.stdout, '');
  t.is(r.stderr, `${JSON.stringify({ errors: [{ location: { file: 'app.rego', row: 3, col: 1 }, message: 'import data.unused unused', code: 'rego_compile_error' }] }, null, 2)}\n`);
});

test.serial('check --format json: a parse error carries details (the line and the index in it)', async (t) => {
  const dir = folder({ 'app.rego': 'package app\n\nallow if {\n\tx := \n}\n' });
  const r = await wardenAsync(['check', '--format', 'json', 'app.rego'], dir);
  t.is(r.code, 1);
  const [error] = (JSON.parse(r.stderr) as { errors: Array<Record<string, unknown>> }).errors;
  t.is(error?.code, 'rego_parse_error');
  t.deepEqual(Object.keys(error ?? {}), ['details', 'location', 'message', 'code'], "OPA's field order");
  const { location, details } = error as { location: { row: number; col: number }; details: { line: string; idx: number } };
  t.is(details.line, '}');
  t.is(details.idx, location.col - 1);
});

test.serial('check --format json: a path that cannot be read is an error with a message only', async (t) => {
  const dir = folder({});
  const r = await wardenAsync(['check', '--format', 'json', 'missing.rego'], dir);
  t.is(r.code, 1);
  const errors = (JSON.parse(r.stderr) as { errors: Array<Record<string, unknown>> }).errors;
  t.is(errors.length, 1);
  t.deepEqual(Object.keys(errors[0]!), ['message']);
  t.regex(String(errors[0]!.message), /missing\.rego/);
});

test.serial('check: an unknown --format is refused with exit 1 and says which are known', async (t) => {
  const r = await wardenAsync(['check', '--format', 'yaml', 'x.rego'], folder({}));
  t.is(r.code, 1);
  t.regex(r.stderr, /unknown --format yaml \(pretty, json\)/);
});

test.serial('fmt --v0-v1: deprecated builtins and keyword rule names fail with the full "N errors occurred" text, exit 1', async (t) => {
  const dir = folder({
    'one.rego': 'package app\n\np {\n\tre_match("a", input.s)\n}\n',
    'two.rego': 'package app\n\nif := 1\n\nq := any([true])\n',
  });
  const one = await wardenAsync(['fmt', '--v0-v1', 'one.rego'], dir);
  t.is(one.code, 1);
  t.is(one.stderr, '1 error occurred: one.rego:4: rego_type_error: deprecated built-in function calls in expression: re_match\n');
  const two = await wardenAsync(['fmt', '--v0-v1', 'two.rego'], dir);
  t.is(two.code, 1);
  t.is(two.stdout, '');
  t.is(
    two.stderr,
    '2 errors occurred:\ntwo.rego:5: rego_type_error: deprecated built-in function calls in expression: any\ntwo.rego:3: rego_parse_error: if keyword cannot be used for rule name\n',
  );
});
