import test from 'ava';
import fc from 'fast-check';
import { parseModule } from '../../src/rego/syntax/index.js';

const seeds = [
  `package authz

import rego.v1

default allow := false

allow if {
	some role in data.bindings[input.user]
	input.action in data.roles[role]
}

deny contains msg if {
	not input.user
	msg := sprintf("no user: %v", [input])
}

f(x) := y if { y := x * 2 } else := 0

p.q[r] := {"a": [1, 2.5e3, -3], "b": {k | k := input.xs[_]}} if r := "x"
`,
  `package v0
p[x] { x = input.xs[_]; x > 1 }
q = y { y := count([z | z = data.a[_]]) }
r { not p["a"] with input as {"xs": ["a"]} }
`,
  `package t
s := $"hello {input.name}!"
e if every k, v in input.m { k == v }
`,
];

function parsesSafely(source: string, regoVersion: 0 | 1): boolean {
  const r = parseModule(source, { file: 'fuzz.rego', regoVersion });
  if (r.module) return r.diagnostics.length === 0;
  return r.diagnostics.length > 0 && r.diagnostics.every((d) => d.code === 'rego_parse_error' && d.line >= 1 && d.col >= 1);
}

test('the seeds parse', (t) => {
  t.true(parseModule(seeds[0]!, { file: 'a' }).module !== undefined);
  t.true(parseModule(seeds[1]!, { file: 'b', regoVersion: 0 }).module !== undefined);
  t.true(parseModule(seeds[2]!, { file: 'c' }).module !== undefined);
});

test('random text gives a module or positioned parse errors, never a throw', (t) => {
  t.notThrows(() =>
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), fc.constantFrom<0 | 1>(0, 1), (s, v) => parsesSafely(s, v)),
      { numRuns: 2000 },
    ),
  );
});

test('mutated policies (deletions, insertions, swaps) never throw or hang', (t) => {
  const tokens = ['{', '}', '[', ']', '(', ')', ':=', '=', 'if', 'contains', 'some', 'in', 'every', 'not', 'with', 'as', '|', ',', ';', '\n', '"', '`', '$"', 'else', 'default', '.', '_', '1e', '-'];
  const mutation = fc.record({
    seed: fc.constantFrom(...seeds),
    at: fc.nat(),
    drop: fc.nat({ max: 12 }),
    insert: fc.array(fc.constantFrom(...tokens), { maxLength: 4 }),
    version: fc.constantFrom<0 | 1>(0, 1),
  });
  t.notThrows(() => fc.assert(
    fc.property(mutation, ({ seed, at, drop, insert, version }) => {
      const i = at % (seed.length + 1);
      const mutated = seed.slice(0, i) + insert.join(' ') + seed.slice(i + drop);
      const started = Date.now();
      const ok = parsesSafely(mutated, version);
      return ok && Date.now() - started < 1000;
    }),
    { numRuns: 3000 },
  ));
});

test('deep nesting is an error, not a stack overflow', (t) => {
  const deep = `package d\np := ${'['.repeat(20000)}${']'.repeat(20000)}`;
  const r = parseModule(deep, { file: 'deep.rego' });
  t.true(r.module !== undefined || r.diagnostics[0]!.code === 'rego_parse_error');
});
