import test from 'ava';
import { opaAstJson } from '../../src/rego/index.js';
import { parseModule } from '../../src/rego/syntax/index.js';

const v = (value: string) => ({ type: 'var', value });
const s = (value: string) => ({ type: 'string', value });
const n = (value: number) => ({ type: 'number', value });
const ref = (...value: object[]) => ({ type: 'ref', value });
const TRUE = { type: 'boolean', value: true };
const TRUE_BODY = [{ index: 0, terms: TRUE }];

function json(source: string) {
  const { module, diagnostics } = parseModule(source, { file: 'm.rego' });
  if (module === undefined) throw new Error(diagnostics[0]?.message);
  return opaAstJson(module);
}

test('package, imports and a constant rule as OPA marshals them (no locations)', (t) => {
  const m = json('package a.b\nimport data.x as y\nimport input\np := 1\n');
  t.deepEqual(m.package, { path: [v('data'), s('a'), s('b')] });
  t.deepEqual(m.imports, [{ path: ref(v('data'), s('x')), alias: 'y' }, { path: ref(v('input')) }]);
  t.deepEqual(m.rules, [{ head: { name: 'p', ref: [v('p')], value: n(1), assign: true }, body: TRUE_BODY }]);
});

test("rule heads get OPA's name, key and generated value", (t) => {
  const rules = json(`package a
q if input.x
r contains x if some x in [1]
o[k] := 1 if k := "z"
c.d["e"] := 2 if true
f(_, x) := x
default g := 0
`).rules as Array<{ head: object; default?: boolean }>;
  t.deepEqual(rules[0]!.head, { name: 'q', ref: [v('q')], value: TRUE });
  t.deepEqual(rules[1]!.head, { name: 'r', ref: [v('r')], key: v('x') });
  t.deepEqual(rules[2]!.head, { name: 'o', ref: [v('o'), v('k')], key: v('k'), value: n(1), assign: true });
  t.deepEqual(rules[3]!.head, { ref: [v('c'), s('d'), s('e')], value: n(2), assign: true });
  t.deepEqual(rules[4]!.head, { name: 'f', ref: [v('f')], args: [v('$0'), v('x')], value: v('x'), assign: true });
  t.deepEqual(rules[5], { head: { name: 'g', ref: [v('g')], value: n(0), assign: true }, body: TRUE_BODY, default: true });
});

test('expressions: calls as term lists, negation, some-in, every, with, comprehensions', (t) => {
  const [rule] = json(`package a
p if {
  x := {y | some y in input.ys}
  not x
  every k, w in x { w > k }
  input.z with input as {"b": 1, "a": 2}
}
`).rules as Array<{ body: unknown[] }>;
  const member = ref(v('internal'), s('member_2'));
  t.deepEqual(rule!.body, [
    { index: 0, terms: [ref(v('assign')), v('x'), { type: 'setcomprehension', value: { term: v('y'), body: [{ index: 0, terms: { symbols: [{ type: 'call', value: [member, v('y'), ref(v('input'), s('ys'))] }] } }] } }] },
    { index: 1, terms: v('x'), negated: true },
    { index: 2, terms: { key: v('k'), value: v('w'), domain: v('x'), body: [{ index: 0, terms: [ref(v('gt')), v('w'), v('k')] }] } },
    { index: 3, terms: ref(v('input'), s('z')), with: [{ target: ref(v('input')), value: { type: 'object', value: [[s('a'), n(2)], [s('b'), n(1)]] } }] },
  ]);
});

test('else chains repeat the head with their own value', (t) => {
  const [rule] = json('package a\ne := 1 if false else := 2\n').rules as Array<{ else: unknown }>;
  t.deepEqual(rule!.else, { head: { name: 'e', ref: [v('e')], value: n(2), assign: true }, body: TRUE_BODY });
});

test('comments as Go writes them: Location and base64 Text', (t) => {
  t.deepEqual(json('package a\n# hi\n').comments, [{ Location: { file: 'm.rego', row: 2, col: 1 }, Text: Buffer.from(' hi').toString('base64') }]);
});
