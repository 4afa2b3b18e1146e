import test from 'ava';
import { loadPolicy } from '@open-policy-agent/opa-wasm';
import { compile } from '../../src/rego/index.js';
import { hostBuiltins } from '../../src/builtins/index.js';

// OPA orders objects by walking their key-sorted entries pairwise (key, then value), a prefix
// sorting first; sets by their sorted elements pairwise, then by size (v1/ast/compare.go).
const OBJECTS_IN_OPA_ORDER = [{ a: 1 }, { a: 1, b: 5 }, { a: 1, c: 0 }, { a: 2 }, { b: 0 }];
const SETS_IN_OPA_ORDER = [[1], [1, 5], [1, 6], [2], [3, 4]];

async function evaluate(source: string, entrypoint: string, input: unknown) {
  const wasm = await compile({ modules: [{ path: 'p.rego', source }], entrypoints: [entrypoint] });
  const policy = await loadPolicy(wasm, undefined, hostBuiltins);
  return (policy.evaluate(input as object, entrypoint) as Array<{ result: unknown }>)[0]?.result;
}

const shuffled = <T>(xs: T[]): T[] => [xs[3]!, xs[0]!, xs[4]!, xs[2]!, xs[1]!];

test('a set of objects the runtime builds is in OPA order, and sort agrees', async (t) => {
  const src = `package t
built := {o | some o in input.objs}
sorted := sort(input.objs)`;
  const input = { objs: shuffled(OBJECTS_IN_OPA_ORDER) };
  t.deepEqual(await evaluate(src, 't/built', input), OBJECTS_IN_OPA_ORDER);
  t.deepEqual(await evaluate(src, 't/sorted', input), OBJECTS_IN_OPA_ORDER);
});

test('object comparison operators walk key, value pairs', async (t) => {
  const src = `package t
r := [
  {"a": 1, "b": 5} < {"a": 2},
  {"a": 2} > {"a": 1, "b": 5},
  {"a": 1} < {"a": 1, "b": 0},
  {"a": 1, "c": 0} > {"a": 1, "b": 9},
  {"a": 1, "b": 5} <= {"a": 1, "b": 5},
]`;
  t.deepEqual(await evaluate(src, 't/r', {}), [true, true, true, true, true]);
});

test('a set of sets the runtime builds is in OPA order, and sort agrees', async (t) => {
  const src = `package t
built := {s | some xs in input.sets; s := {x | some x in xs}}
sorted := sort([s | some xs in input.sets; s := {x | some x in xs}])`;
  const input = { sets: shuffled(SETS_IN_OPA_ORDER) };
  t.deepEqual(await evaluate(src, 't/built', input), SETS_IN_OPA_ORDER);
  t.deepEqual(await evaluate(src, 't/sorted', input), SETS_IN_OPA_ORDER);
});
