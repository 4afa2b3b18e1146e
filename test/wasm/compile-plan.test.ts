import test from 'ava';
import { createRequire } from 'node:module';
import { loadPolicy } from '@open-policy-agent/opa-wasm';
import { compilePlan } from '../../src/wasm/index.js';
import { hostBuiltins } from '../../src/builtins/index.js';
import { bool, local, planReturning, str, stmt } from '../helpers/plan-builder.js';

// The SDK is CommonJS and Node's import finds no `loadPolicySync` among its named exports.
const { loadPolicySync } = createRequire(import.meta.url)('@open-policy-agent/opa-wasm') as typeof import('@open-policy-agent/opa-wasm');

// The WebAssembly global as these tests use it (its types live in TypeScript's DOM library).
const wasmApi = (globalThis as unknown as {
  WebAssembly: {
    compile(bytes: Uint8Array): Promise<object>;
    Module: { exports(module: object): Array<{ name: string }>; imports(module: object): Array<{ module: string; name: string }> };
  };
}).WebAssembly;

/** The SDK throws strings (opa_abort); returns what was thrown, as text. */
function thrown(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    return String(e);
  }
  return '(nothing thrown)';
}

async function run(plan: unknown, input?: unknown, data?: unknown) {
  const policy = await loadPolicy(await compilePlan(plan), undefined, hostBuiltins);
  if (data !== undefined) policy.setData(data as object);
  return policy.evaluate(input as object, 'test/p') as Array<{ x: unknown }>;
}

test('the module has the exports and ABI version the SDK needs', async (t) => {
  const wasm = await compilePlan(planReturning([], [], 0));
  const mod = await wasmApi.compile(wasm);
  const names = wasmApi.Module.exports(mod).map((e) => e.name);
  for (const name of ['opa_eval', 'eval', 'builtins', 'entrypoints', 'opa_malloc', 'opa_free', 'opa_json_parse', 'opa_value_parse',
    'opa_json_dump', 'opa_value_dump', 'opa_heap_ptr_get', 'opa_heap_ptr_set', 'opa_value_add_path', 'opa_value_remove_path',
    'opa_eval_ctx_new', 'opa_eval_ctx_set_input', 'opa_eval_ctx_set_data', 'opa_eval_ctx_set_entrypoint', 'opa_eval_ctx_get_result',
    'opa_wasm_abi_version', 'opa_wasm_abi_minor_version']) {
    t.true(names.includes(name), name);
  }
  const imports = wasmApi.Module.imports(mod).map((i) => `${i.module}.${i.name}`);
  t.true(imports.every((i) => i.startsWith('env.')));
  const policy = await loadPolicy(wasm);
  t.deepEqual(policy.entrypoints, { 'test/p': 0 });
});

test('input passes through unchanged, including exact big numbers and unicode', async (t) => {
  const plan = planReturning([], [stmt('AssignVarStmt', { source: local(0), target: 2 })], 2);
  const policy = await loadPolicy(await compilePlan(plan), undefined, hostBuiltins);
  const text = '{"big":28857836529306024611913,"dec":0.1000000000000000000001,"s":"h\\u00e9\\ud83d\\ude00\\n","z":[]}';
  const buf = new TextEncoder().encode(text).buffer;
  const rawWasm = policy as unknown as { evaluate(i: ArrayBuffer, e: string): unknown };
  const out = rawWasm.evaluate(buf, 'test/p') as Array<{ x: Record<string, unknown> }>;
  t.is(out[0]!.x.s, 'hé😀\n');
  t.deepEqual(out[0]!.x.z, []);
});

test('object keys and set elements come out in Rego order', async (t) => {
  const plan = planReturning(['b', 'a', '10', '9'], [
    stmt('MakeSetStmt', { target: 2 }),
    stmt('SetAddStmt', { value: str(0), set: 2 }),
    stmt('SetAddStmt', { value: str(1), set: 2 }),
    stmt('MakeNumberRefStmt', { Index: 2, target: 3 }),
    stmt('MakeNumberRefStmt', { Index: 3, target: 4 }),
    stmt('SetAddStmt', { value: local(3), set: 2 }),
    stmt('SetAddStmt', { value: local(4), set: 2 }),
    stmt('SetAddStmt', { value: bool(true), set: 2 }),
  ], 2);
  t.deepEqual(await run(plan), [{ x: [true, 9, 10, 'a', 'b'] }]);
});

test('1 and 1.0 are equal; 2^64+1 and 2^64 are not', async (t) => {
  const plan = planReturning(['1', '1.0', '18446744073709551617', '18446744073709551616'], [
    stmt('MakeNumberRefStmt', { Index: 0, target: 2 }),
    stmt('MakeNumberRefStmt', { Index: 1, target: 3 }),
    stmt('EqualStmt', { a: local(2), b: local(3) }),
    stmt('MakeNumberRefStmt', { Index: 2, target: 4 }),
    stmt('MakeNumberRefStmt', { Index: 3, target: 5 }),
    stmt('NotEqualStmt', { a: local(4), b: local(5) }),
  ], 4);
  const out = await run(plan);
  t.is(out.length, 1);
});

test('scan iterates arrays, objects and sets; undefined bodies move on', async (t) => {
  // x = {v | v := input[_]; v != "skip"}
  const plan = planReturning(['skip'], [
    stmt('MakeSetStmt', { target: 2 }),
    stmt('ScanStmt', {
      source: 0, key: 3, value: 4,
      block: { stmts: [stmt('NotEqualStmt', { a: local(4), b: str(0) }), stmt('SetAddStmt', { value: local(4), set: 2 })] },
    }),
  ], 2);
  t.deepEqual(await run(plan, ['b', 'skip', 'a', 'b']), [{ x: ['a', 'b'] }]);
  t.deepEqual(await run(plan, { k1: 'z', k2: 'skip' }), [{ x: ['z'] }]);
  t.deepEqual(await run(plan, 'scalar'), [{ x: [] }]);
});

test('a conflict in a complete rule throws, and the instance stays usable', async (t) => {
  const plan = planReturning(['v'], [
    stmt('AssignVarOnceStmt', { source: bool(true), target: 2 }),
    stmt('DotStmt', { source: local(0), key: str(0), target: 3 }),
    stmt('AssignVarOnceStmt', { source: local(3), target: 2 }),
  ], 2);
  const policy = await loadPolicy(await compilePlan(plan), undefined, hostBuiltins);
  t.regex(thrown(() => policy.evaluate({ v: false }, 'test/p')), /eval_conflict_error/);
  t.deepEqual(policy.evaluate({ v: true }, 'test/p'), [{ x: true }]);
});

test('with replaces input for its block and restores it afterwards', async (t) => {
  const plan = planReturning(['a', 'b'], [
    stmt('WithStmt', {
      local: 0, path: [0], value: str(1),
      block: { stmts: [stmt('DotStmt', { source: local(0), key: str(0), target: 2 })] },
    }),
    stmt('MakeArrayStmt', { capacity: 2, target: 3 }),
    stmt('ArrayAppendStmt', { array: 3, value: local(2) }),
    stmt('ArrayAppendStmt', { array: 3, value: local(0) }),
  ], 3);
  t.deepEqual(await run(plan, { a: 'orig', c: 1 }), [{ x: ['b', { a: 'orig', c: 1 }] }]);
});

test('builtin errors throw by default and are undefined when not strict', async (t) => {
  const plan = planReturning(['1', '0'], [
    stmt('MakeNumberRefStmt', { Index: 0, target: 2 }),
    stmt('MakeNumberRefStmt', { Index: 1, target: 3 }),
    stmt('CallStmt', { func: 'div', args: [local(2), local(3)], result: 4 }),
  ], 4);
  const loose = await loadPolicy(await compilePlan(plan, { strictBuiltinErrors: false }), undefined, hostBuiltins);
  t.deepEqual(loose.evaluate(undefined, 'test/p'), []);
  const strict = await loadPolicy(await compilePlan(plan), undefined, hostBuiltins);
  t.regex(thrown(() => strict.evaluate(undefined, 'test/p')), /divide by zero/);
});

test('thousands of evaluations reuse the heap: memory stays flat', async (t) => {
  const plan = planReturning([], [stmt('AssignVarStmt', { source: local(0), target: 2 })], 2);
  const policy = await loadPolicy(await compilePlan(plan), undefined, hostBuiltins);
  policy.setData({ roles: Array.from({ length: 200 }, (_, i) => ({ name: `r${i}` })) });
  const input = { user: 'alice', items: Array.from({ length: 50 }, (_, i) => i) };
  for (let i = 0; i < 200; i++) policy.evaluate(input, 'test/p');
  const mem = (policy as unknown as { mem: { buffer: ArrayBuffer } }).mem;
  const after200 = mem.buffer.byteLength;
  for (let i = 0; i < 5000; i++) policy.evaluate(input, 'test/p');
  t.is(mem.buffer.byteLength, after200);
  t.deepEqual(policy.evaluate(input, 'test/p'), [{ x: input }]);
});

test('loadPolicySync loads the same module', async (t) => {
  const plan = planReturning([], [stmt('AssignVarStmt', { source: local(0), target: 2 })], 2);
  const policy = loadPolicySync(await compilePlan(plan), undefined, hostBuiltins);
  t.deepEqual(policy.evaluate({ a: 1 }, 'test/p'), [{ x: { a: 1 } }]);
});
