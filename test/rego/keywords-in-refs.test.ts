import test from 'ava';
import { loadPolicy } from '@open-policy-agent/opa-wasm';
import { compile } from '../../src/rego/index.js';
import { hostBuiltins } from '../../src/builtins/index.js';
import { parseModule } from '../../src/rego/syntax/index.js';

async function evaluate(source: string, entrypoint: string, regoVersion: 0 | 1 = 1, input?: unknown) {
  const wasm = await compile({ modules: [{ path: 'p.rego', source }], entrypoints: [entrypoint], regoVersion });
  const policy = await loadPolicy(wasm, undefined, hostBuiltins);
  return policy.evaluate(input as object, entrypoint);
}

const KEYWORDS = ['import', 'package', 'null', 'true', 'false', 'if', 'contains', 'every', 'some', 'not', 'else', 'with', 'as', 'default', 'in'];

for (const kw of KEYWORDS) {
  test(`\`${kw}\` heads and ends rule refs, and refs in bodies (v1)`, async (t) => {
    const src = `package t
${kw}.x := 1
${kw}.y.z := 2
a.b.${kw} := 3
r := [x, data.t.${kw}.y.z, a.b.${kw}] if {
  ${kw}.x == 1
  ${kw}["y"].z == 2
  x := data.t.${kw}.x + input.${kw}
}`;
    t.deepEqual(await evaluate(src, 't/r', 1, { [kw]: 10 }), [{ result: [11, 2, 3] }]);
  });
}

test('keyword segments in rule heads of every kind and in the package path', async (t) => {
  const src = `package test.if
p.null contains x if some x in [1, 2]
q.if if true
p.contains contains "y"
s.else := 1 if false else := 2
o.with[k] := 1 if some k in ["a"]
r := [data.test.if.p.null, q.if, p.contains, s.else, o.with]`;
  t.deepEqual(await evaluate(src, 'test/if/r'), [{ result: [[1, 2], true, ['y'], 2, { a: 1 }] }]);
});

test('v0 modules take keywords in refs too', async (t) => {
  const src = `package t
import.x := 1
null.y = 2
not.z[k] = 3 { k := "a" }
r = [data.t.import.x, data.t.null.y, data.t.not.z] { true }`;
  t.deepEqual(await evaluate(src, 't/r', 0), [{ result: [1, 2, { a: 3 }] }]);
});

test('a literal cannot head a ref away from a statement start (as OPA)', (t) => {
  const { diagnostics } = parseModule('package t\nr := [1, null.x]\n', { file: 'p.rego' });
  t.is(diagnostics[0]?.code, 'rego_parse_error');
  t.is(diagnostics[0]?.message, 'illegal ref (head cannot be null)');
  t.deepEqual([diagnostics[0]?.line, diagnostics[0]?.col], [2, 10]);
});

test('an import may not end with a keyword unless aliased; v0 keywords only in v0', (t) => {
  const v1 = parseModule('package t\nimport data.foo.if\n', { file: 'p.rego' }).diagnostics;
  t.regex(v1[0]?.message ?? '', /^unexpected import path, must not end with a keyword, got: if/);
  t.deepEqual([v1[0]?.line, v1[0]?.col], [2, 17]);
  t.deepEqual(parseModule('package t\nimport data.foo.if as f\n', { file: 'p.rego' }).diagnostics, []);
  t.deepEqual(parseModule('package t\nimport data.foo.if\n', { file: 'p.rego', regoVersion: 0 }).diagnostics, []);
  t.regex(parseModule('package t\nimport input.null\n', { file: 'p.rego', regoVersion: 0 }).diagnostics[0]?.message ?? '', /got: null/);
});

test('a keyword with a space before the dot is still a keyword', (t) => {
  const { module, diagnostics } = parseModule('package t\nimport data.x\np := x\n', { file: 'p.rego' });
  t.deepEqual(diagnostics, []);
  t.is(module?.imports.length, 1);
  t.is(parseModule('package t\nimport .x := 1\n', { file: 'p.rego' }).diagnostics[0]?.code, 'rego_parse_error');
});
