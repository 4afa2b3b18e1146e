import test from 'ava';
import { CompileError } from '../../src/rego/index.js';
import { compileToPlanInProcess as compileToPlan } from '../../src/rego/compile.js';

function diagnostics(source: string) {
  try {
    compileToPlan({ modules: [{ path: 't.rego', source: `package t\n${source}\n` }] });
  } catch (e) {
    if (e instanceof CompileError) return e.diagnostics;
    throw e;
  }
  return [];
}

const typeErrors = (source: string) =>
  diagnostics(source)
    .filter((d) => d.code === 'rego_type_error')
    .map((d) => `${d.line}:${d.col} ${d.message.split('\n')[0]}`);

test('builtin arguments of a definitely wrong type are rego_type_errors, as OPA reports them', (t) => {
  t.deepEqual(typeErrors('x := count(1)'), ['2:6 count: invalid argument(s)']);
  t.deepEqual(typeErrors('x := 1 + "a"'), ['2:6 plus: invalid argument(s)']);
  t.deepEqual(typeErrors('p if startswith(1, "a")'), ['2:6 startswith: invalid argument(s)']);
  t.deepEqual(typeErrors('p if {\n  n := 1\n  upper(n) == "1"\n}'), ['4:3 upper: invalid argument(s)']);
  t.deepEqual(typeErrors('s := concat(",", [1, 2])'), ['2:6 concat: invalid argument(s)']);
  t.deepEqual(typeErrors('s := sprintf("%s", "a")'), ['2:6 sprintf: invalid argument(s)']);
  t.deepEqual(typeErrors('p if {\n  l := lower("A")\n  l > 1\n  abs(l) > 0\n}'), ['5:3 abs: invalid argument(s)']);
});

test('the message has OPA’s have/want lines', (t) => {
  const [d] = diagnostics('x := count(1)');
  t.is(d!.message, 'count: invalid argument(s)\n\thave: (number)\n\twant: (any<array[any], object[any: any], set[any], string>)');
});

test('anything not known for certain is accepted: input, data, rules, arguments, unions, mocks', (t) => {
  const fine = [
    'x := count(input.items)',
    'x := upper(input.name)',
    'p if { y := input.y; upper(y) == "A" }',
    'x := object.get(input, "a", 1)',
    'x := sum([1, input.n])',
    's := concat(",", [input.a, "b"])',
    's := concat(",", {"a", "b"})',
    'n := count({k: v | some k, v in input})',
    'r := upper(name) if name := data.names[_]',
    'f(v) := upper(v)\ng := f(1)',
    'q := 1\nw := count(q) with q as [1]',
    'x := count([1, 2]) + 1',
    'x := sprintf("%d and %s", [1, "a"])',
    'p if { some x in [1, "a"]; is_string(x) }',
    'x := numbers.range(1, input.n)',
    'x := time.now_ns() + 1',
    'm := max([1, 2])\nn := abs(m)',
    'p if { x := [1, 2]; x[0] + 1 > 0 }',
  ];
  for (const src of fine) t.deepEqual(typeErrors(src), [], src);
});
