import test from 'ava';
import fc from 'fast-check';
import { loadPolicy } from '@open-policy-agent/opa-wasm';
import { compile } from '../../src/rego/index.js';
import { hostBuiltins } from '../../src/builtins/index.js';
import { countingHostBuiltins } from '../helpers/host-calls.js';

// concat, contains, indexof, lower, upper, replace, split, substring, the trims and array.concat run natively in
// the module and hand anything off their plain path to the host. The host's implementations (with
// plain JSON, as OPA-built modules call them) are the oracle, over text mixing ASCII, multi-byte
// characters and characters whose case Go maps outside ASCII.

const host = hostBuiltins as unknown as Record<string, (...args: unknown[]) => unknown>;
const SOURCE = `package t
out := [row |
  some c in input.cases
  row := [
    contains(c.s, c.t), trim_prefix(c.s, c.t), trim_suffix(c.s, c.t), split(c.s, c.t),
    lower(c.s), upper(c.s), concat(c.t, c.xs), concat(c.t, {x | some x in c.xs}), array.concat(c.xs, c.ys),
    trim(c.s, c.t), trim_left(c.s, c.t), trim_right(c.s, c.t), trim_space(c.s), replace(c.s, c.t, "_"),
  ]
]
# An empty search string is an error: asked only of the others.
found := [indexof(c.s, c.t) | some c in input.cases; c.t != ""]
cut := [substring(c.s, c.i, c.j) | some c in input.cases]
`;

const text = fc.string({ unit: fc.constantFrom('a', 'b', 'A', 'Z', 'z', '0', ',', '/', '-', ' ', '\t', '\n', 'é', 'É', 'ß', 'İ', 'ı', 'ſ', '😀', '\u0000', '\u00a0', '\u0085', '\u2000'), maxLength: 8 });

test('string and array builtins give the host implementations\' results', async (t) => {
  const wasm = await compile({ modules: [{ path: 't.rego', source: SOURCE }], entrypoints: ['t/out', 't/found', 't/cut'] });
  const policy = await loadPolicy(wasm, undefined, hostBuiltins);
  const cases = fc.sample(fc.record({ s: text, t: fc.oneof(text, fc.constantFrom('', 'a', ',', 'é')), xs: fc.array(text, { maxLength: 4 }), ys: fc.array(text, { maxLength: 3 }), i: fc.integer({ min: 0, max: 9 }), j: fc.integer({ min: -2, max: 9 }) }), { numRuns: 400, seed: 21 });
  // Cases that reach every branch: a prefix, a suffix, separators at both ends, a separator longer than the text.
  cases.push(
    { s: ',a,,b,', t: ',', xs: ['b', 'a', 'b'], ys: [], i: 0, j: -1 },
    { s: 'abcab', t: 'ab', xs: [], ys: ['x'], i: 5, j: 1 },
    { s: 'a', t: 'abc', xs: ['é'], ys: [], i: 0, j: 0 },
    { s: ' \t x y \n', t: ' x', xs: [], ys: [], i: 9, j: 2 },
    { s: 'éaé', t: 'a', xs: [], ys: [], i: 1, j: 1 },
  );
  const [{ result }] = policy.evaluate({ cases }, 't/out') as [{ result: unknown[] }];
  const expected = cases.map((c) => [
    host.contains!(c.s, c.t),
    host.trim_prefix!(c.s, c.t),
    host.trim_suffix!(c.s, c.t),
    host.split!(c.s, c.t),
    host.lower!(c.s),
    host.upper!(c.s),
    host.concat!(c.t, c.xs),
    host.concat!(c.t, [...new Set(c.xs)].sort((a, b) => (Buffer.compare(Buffer.from(a), Buffer.from(b))))),
    host['array.concat']!(c.xs, c.ys),
    host.trim!(c.s, c.t),
    host.trim_left!(c.s, c.t),
    host.trim_right!(c.s, c.t),
    host.trim_space!(c.s),
    host.replace!(c.s, c.t, '_'),
  ]);
  for (let i = 0; i < cases.length; i++) t.deepEqual(result[i], expected[i], JSON.stringify(cases[i]));
  const [{ result: found }] = policy.evaluate({ cases }, 't/found') as [{ result: unknown[] }];
  t.deepEqual(found, cases.filter((c) => c.t !== '').map((c) => host.indexof!(c.s, c.t)));
  const [{ result: cut }] = policy.evaluate({ cases }, 't/cut') as [{ result: unknown[] }];
  t.deepEqual(cut, cases.map((c) => host.substring!(c.s, c.i, c.j)));
});

test('plain operands never reach the host; others do, and keep the host\'s errors', async (t) => {
  const source = `package t
out := [concat("/", input.parts), lower(input.name), upper(input.name), split(input.path, "/"), contains(input.path, "b/"), trim_prefix(input.path, "/a"), trim_suffix(input.path, "c"), array.concat(input.parts, ["z"]), trim_space(input.padded), trim(input.padded, " -"), replace(input.path, "/", ":"), indexof(input.accented, "É")]
odd := [lower(input.accented), split(input.path, ""), trim_space(input.nbsp)]
bad := concat("/", input.mixed)
`;
  const wasm = await compile({ modules: [{ path: 't.rego', source }], entrypoints: ['t/out', 't/odd', 't/bad'] });
  const { builtins, calls } = countingHostBuiltins();
  const policy = await loadPolicy(wasm, undefined, builtins);
  const input = { parts: ['x', 'y'], name: 'Ann-B', path: '/a/b/c', accented: 'ÀÉ', mixed: ['x', 1], padded: ' -x- \n', nbsp: '\u00a0x\u00a0' };
  t.deepEqual(policy.evaluate(input, 't/out'), [{ result: ['x/y', 'ann-b', 'ANN-B', ['', 'a', 'b', 'c'], true, '/b/c', '/a/b/', ['x', 'y', 'z'], '-x-', 'x- \n', ':a:b:c', 1] }]);
  t.deepEqual(calls, []);
  t.deepEqual(policy.evaluate(input, 't/odd'), [{ result: ['àé', ['/', 'a', '/', 'b', '/', 'c'], 'x'] }]);
  t.deepEqual(calls, ['lower', 'split', 'trim_space']);
  let thrown: unknown;
  try {
    policy.evaluate(input, 't/bad');
  } catch (e) {
    thrown = e;
  }
  t.regex(String(thrown), /concat: operand 2 must be/);
});
