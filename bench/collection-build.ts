// Building large objects and sets through the normal engine path: input JSON parsed in the Wasm
// runtime, data loaded with setData, set/object comprehensions, native `|` and host builtins whose
// large results are decoded back into the module. Keys arrive ascending, descending or shuffled.
// Prints the best of REPEAT runs (default 3) in ms.
// Usage: npm run bench:collections [-- SIZES]   e.g. -- 40000,200000 (the default)
// Before/after: copy build/runtime.wasm aside, build the other runtime, and run this twice.
import { performance } from 'node:perf_hooks';
import { loadPolicy, type LoadedPolicy } from '@open-policy-agent/opa-wasm';
import { compile } from '../src/rego/index.js';
import { hostBuiltins } from '../src/builtins/index.js';

type Order = 'asc' | 'desc' | 'random';
const ORDERS: Order[] = ['asc', 'desc', 'random'];
const sizes = (process.argv[2] ?? '40000,200000').split(',').map(Number);
const repeat = Number(process.env['REPEAT'] ?? 3);

const source = `package b
input_object := count(input.obj)
input_set := count(input.set)
set_comprehension := count({x | some x in input.xs})
repeats := count({x | some x in input.rs})
object_comprehension := count({x: i | some i, x in input.xs})
set_union := count(input.a | input.b)
host_object_union := count(object.union(input.oa, input.ob))
host_set_union := count(union({input.a, input.b}))
`;
const entrypoints = [
  'b/input_object', 'b/input_set', 'b/set_comprehension', 'b/repeats', 'b/object_comprehension', 'b/set_union',
  'b/host_object_union', 'b/host_set_union',
];

/** A seeded permutation of 0..n-1 in the given order (xorshift32, so every run shuffles alike). */
function indices(n: number, order: Order): number[] {
  const xs = Array.from({ length: n }, (_, i) => i);
  if (order === 'desc') xs.reverse();
  if (order === 'random') {
    let s = 0x9e3779b9;
    for (let i = n - 1; i > 0; i--) {
      s ^= s << 13;
      s ^= s >>> 17;
      s ^= s << 5;
      const j = (s >>> 0) % (i + 1);
      [xs[i], xs[j]] = [xs[j]!, xs[i]!];
    }
  }
  return xs;
}

// The `repeats` case: n elements drawn from this many distinct values.
const REPEATED = 50;

const key = (i: number): string => `k${String(i).padStart(7, '0')}`;

// JSON (and, for sets, Rego set syntax, which inputs accept) written in the order given.
function objectText(ids: number[]): string {
  return '{' + ids.map((i) => `"${key(i)}":${i}`).join(',') + '}';
}
function setText(ids: number[]): string {
  return '{' + ids.map((i) => `"${key(i)}"`).join(',') + '}';
}
function arrayText(ids: number[]): string {
  return '[' + ids.map((i) => `"${key(i)}"`).join(',') + ']';
}

const encoder = new TextEncoder();
function bytes(text: string): ArrayBuffer {
  return encoder.encode(text).buffer as ArrayBuffer;
}

/** Best time of `repeat` runs; NaN when the evaluation fails. */
function best(run: () => void): number {
  let ms = Infinity;
  for (let r = 0; r < repeat; r++) {
    const t0 = performance.now();
    try {
      run();
    } catch (e) {
      console.error(String(e).slice(0, 120));
      return NaN;
    }
    ms = Math.min(ms, performance.now() - t0);
  }
  return ms;
}

function evalCount(policy: LoadedPolicy, input: ArrayBuffer, entrypoint: string, n: number): void {
  const [row] = policy.evaluate(input, entrypoint) as Array<{ result: number }>;
  if (row?.result !== n) throw new Error(`${entrypoint}: expected ${n}, got ${JSON.stringify(row)}`);
}

const wasm = await compile({ modules: [{ path: 'b.rego', source }], entrypoints });
const policy = await loadPolicy(wasm, undefined, hostBuiltins);
const empty = bytes('{}');

/** One row: ms per case for n keys in the given order. */
function measure(n: number, order: Order): string[] {
  const ids = indices(n, order);
  const half = ids.filter((i) => i % 2 === 0);
  const other = ids.filter((i) => i % 2 === 1 || i % 4 === 0);
  const union = new Set([...half, ...other]).size;
  const inputs = {
    obj: bytes(`{"obj":${objectText(ids)}}`),
    set: bytes(`{"set":${setText(ids)}}`),
    xs: bytes(`{"xs":${arrayText(ids)}}`),
    rs: bytes(`{"rs":${arrayText(ids.map((i) => i % REPEATED))}}`),
    ab: bytes(`{"a":${setText(half)},"b":${setText(other)}}`),
    oab: bytes(`{"oa":${objectText(half)},"ob":${objectText(other)}}`),
  };
  // An evaluation on an empty input: the SDK's floor, for scale.
  const floor = best(() => policy.evaluate(empty, 'b/input_object'));
  const data = JSON.parse(objectText(ids)) as Record<string, number>;
  const cells = [
    best(() => evalCount(policy, inputs.obj, 'b/input_object', n)),
    best(() => policy.setData({ obj: data })),
    best(() => evalCount(policy, inputs.set, 'b/input_set', n)),
    best(() => evalCount(policy, inputs.xs, 'b/set_comprehension', n)),
    best(() => evalCount(policy, inputs.rs, 'b/repeats', REPEATED)),
    best(() => evalCount(policy, inputs.xs, 'b/object_comprehension', n)),
    best(() => evalCount(policy, inputs.ab, 'b/set_union', union)),
    best(() => evalCount(policy, inputs.oab, 'b/host_object_union', union)),
    best(() => evalCount(policy, inputs.ab, 'b/host_set_union', union)),
  ];
  policy.setData({});
  return [`${n} ${order}`, ...cells.map((ms) => (Number.isNaN(ms) ? 'error' : ms.toFixed(1))), (floor * 1000).toFixed(1)];
}

// Warm-up (JIT, memory growth), not printed.
for (const order of ORDERS) measure(2000, order);
const rows = sizes.flatMap((n) => ORDERS.map((order) => measure(n, order)));

const header = [
  'keys', 'input obj', 'setData obj', 'input set', 'set compr', `${REPEATED} repeated`, 'obj compr', 'set |', 'object.union',
  'union()', 'floor µs',
];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
const line = (cells: string[]): string => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
console.log(`ms, best of ${repeat} (input JSON pre-encoded; evaluate() includes the SDK's copy and the result dump;`);
console.log(`floor: one evaluation on an empty input, in µs)`);
console.log(line(header));
for (const r of rows) console.log(line(r));
