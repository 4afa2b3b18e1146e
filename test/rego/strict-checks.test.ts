import test from 'ava';
import { compile, parseModules } from '../../src/rego/compile.js';
import { CompileError } from '../../src/rego/errors.js';
import { strictDiagnostics } from '../../src/rego/compile/strict-checks.js';
import { regoV1CompatibilityErrors } from '../../src/rego/compile/rego-v1-checks.js';
import type { Diagnostic } from '../../src/rego/diagnostics.js';

const modules = (source: string, regoVersion: 0 | 1 = 1) => parseModules([{ path: 'p.rego', source }], regoVersion).modules;

/** What a strict compile reports, as `line:col code message` (empty when it compiles). */
async function strictErrors(source: string): Promise<string[]> {
  try {
    await compile({ modules: [{ path: 'p.rego', source }], strict: true });
    return [];
  } catch (e) {
    if (!(e instanceof CompileError)) throw e;
    return e.diagnostics.map(show);
  }
}

const show = (d: Diagnostic) => `${d.line}:${d.col} ${d.code} ${d.message}`;

test('an assigned variable nobody reads is reported at its expression; one read in the head, a nested comprehension or an every body is a use', async (t) => {
  const source = [
    'package p',
    '',
    'r := y if {',
    '\tx := 1',
    '\ty := 2',
    '\tz := 3',
    '\tcount([a | a := z]) > 0',
    '\tw := [1]',
    '\tevery v in w { v > 0 }',
    '}',
  ].join('\n');
  t.deepEqual(await strictErrors(source), ['4:2 rego_compile_error assigned var x unused']);
});

test('each scope has its own unused locals: a comprehension, an every body, the parts of a destructuring', async (t) => {
  const source = ['package p', '', 'r if {', '\t[a, b] := [1, 2]', '\ta > 0', '\ts := [1 | c := 2]', '\tcount(s) > 0', '\tevery q in s { d := q }', '}'].join('\n');
  t.deepEqual(await strictErrors(source), [
    '4:2 rego_compile_error assigned var b unused',
    '6:12 rego_compile_error assigned var c unused',
    '8:17 rego_compile_error assigned var d unused',
  ]);
});

test('an unused function argument is reported at the head; a use in any else branch or the value counts, wildcards never count', async (t) => {
  const source = ['package p', '', 'f(a, b, _) := 1 if {', '\tinput.x', '} else := b', '', 'g(c) := c', '', 'h(d, [e, k]) if d > k'].join('\n');
  t.deepEqual(await strictErrors(source), [
    '3:1 rego_compile_error unused argument a. (hint: use _ (wildcard variable) instead)',
    '9:1 rego_compile_error unused argument e. (hint: use _ (wildcard variable) instead)',
  ]);
});

test('unused imports are named as written, aliases included; rego.v1 and future imports never count', async (t) => {
  const source = ['package p', '', 'import rego.v1', 'import data.lib.used', 'import data.lib["a-b"]', 'import input.subject as who', '', 'r if used.ok'].join('\n');
  t.deepEqual(await strictErrors(source), [
    '5:1 rego_compile_error import data.lib["a-b"] unused',
    '6:1 rego_compile_error import input.subject as who unused',
  ]);
});

test('OPA stops at its first failing stage: unused imports hide shadowing, which hides duplicate imports, which hide unused locals', async (t) => {
  const locals = 'f(a) := 1\n\nr if {\n\tx := 1\n}\n';
  t.deepEqual(await strictErrors(`package p\n\nimport data.q.one\nimport data.r.one\n\nr2 if one\n\n${locals}`), [
    '4:1 rego_compile_error import must not shadow import data.q.one',
  ]);
  t.deepEqual(await strictErrors(`package p\n\nimport data.q.one\nimport data.r.one\n\ninput := 1\n\nr2 if one\n`), [
    '6:1 rego_compile_error rules must not shadow input (use a different rule name)',
  ]);
  t.deepEqual(await strictErrors(`package p\n\nimport data.q.one\n\ninput := 1\n`), ['3:1 rego_compile_error import data.q.one unused']);
});

test('input and data may not be shadowed by a rule, an argument or an assignment', async (t) => {
  const source = ['package p', '', 'data := 1', '', 'f(input) := 2', '', 'r if {', '\tinput := 3', '\tinput > 0', '}'].join('\n');
  t.deepEqual(await strictErrors(source), [
    '3:1 rego_compile_error rules must not shadow data (use a different rule name)',
    '5:3 rego_compile_error args must not shadow input (use a different variable name)',
    '8:2 rego_compile_error variables must not shadow input (use a different variable name)',
  ]);
});

test('deprecated builtins are type errors, reported only when nothing else is wrong (OPA checks them last)', async (t) => {
  const clean = 'package p\n\nr if {\n\tany([true])\n\tre_match("a", input.s)\n}\n\ns := cast_string("x")\n';
  t.deepEqual(await strictErrors(clean), [
    '4:2 rego_type_error deprecated built-in function calls in expression: any',
    '5:2 rego_type_error deprecated built-in function calls in expression: re_match',
    '8:6 rego_type_error deprecated built-in function calls in expression: cast_string',
  ]);
  t.deepEqual(await strictErrors(`${clean}\nt if {\n\tv := 1\n}\n`), ['11:2 rego_compile_error assigned var v unused']);
});

test('without strict nothing changes: the same policies compile', async (t) => {
  const source = 'package p\n\nimport data.unused\nimport data.other.unused\n\nf(a) := 1\n\ninput := 2\n\nr if {\n\tx := 1\n}\n';
  t.true((await compile({ modules: [{ path: 'p.rego', source }] })).length > 0);
  t.true((await strictErrors(source)).length > 0);
});

test('a policy that uses everything it declares passes strict mode', async (t) => {
  const source = 'package p\n\nimport data.lib\n\nf(a, _) := a + 1\n\nr := v if {\n\tx := lib.base\n\tv := [y | some y in x; y > f(1, 0)]\n}\n';
  t.deepEqual(await strictErrors(source), []);
  t.deepEqual(strictDiagnostics(modules(source)), []);
});

test('the rego.v1 compatibility check (fmt): keywords as rule names, duplicate imports and deprecated builtins, in OPA order', (t) => {
  const source = 'package p\n\nimport data.a.x\nimport data.b.x\n\nif := 1\n\nr {\n\tall([true])\n}\n';
  t.deepEqual(regoV1CompatibilityErrors(modules(source, 0)[0]!).map(show), [
    '4:1 rego_compile_error import must not shadow import data.a.x',
    '9:2 rego_type_error deprecated built-in function calls in expression: all',
    '6:1 rego_parse_error if keyword cannot be used for rule name',
  ]);
});
