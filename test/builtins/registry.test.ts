import test from 'ava';
import { builtinImplementations } from '../../src/builtins/index.js';
import {
  BUILTINS,
  BUILTIN_GROUPS,
  DEPRECATED_BUILTINS,
  HOST_BUILTIN_NAMES,
  NON_DETERMINISTIC,
  PER_EVALUATION_BUILTINS,
  VOID_BUILTINS,
  builtinArity,
  builtinSignature,
} from '../../src/builtins/registry/index.js';
import { parseSignature } from '../../src/builtins/registry/signature.js';
import { isBuiltin } from '../../src/rego/compile/builtin-catalog.js';
import { format } from '../../src/rego/types/types.js';
import { compileToPlan, CompileError } from '../../src/rego/index.js';
import { NATIVE_BUILTINS } from '../../src/wasm/native-builtins.js';
import { loadRuntime } from '../../src/wasm/runtime-module.js';

const all = [...BUILTINS.values()];

test('no name is declared twice', (t) => {
  const names = BUILTIN_GROUPS.flatMap((g) => g.builtins.map((b) => b.name));
  const twice = names.filter((n, i) => names.indexOf(n) !== i);
  t.deepEqual(twice, []);
  t.is(BUILTINS.size, names.length);
});

test('every declared host builtin has a host implementation, and every host implementation is declared', (t) => {
  const implemented = Object.keys(builtinImplementations);
  t.deepEqual([...HOST_BUILTIN_NAMES].filter((n) => !implemented.includes(n)), []);
  t.deepEqual(implemented.filter((n) => !HOST_BUILTIN_NAMES.has(n)), []);
});

test('every declared native builtin is a function the Wasm runtime exports, and codegen dispatches exactly those', (t) => {
  const FUNC = 0;
  const exported = new Set(loadRuntime().exports.filter((e) => e.kind === FUNC).map((e) => e.name));
  const natives = all.filter((b) => b.native !== undefined);
  t.true(natives.length > 0);
  for (const b of natives) t.true(exported.has(b.native!.fn), `${b.name}: runtime export ${b.native!.fn}`);
  t.deepEqual(Object.keys(NATIVE_BUILTINS).sort(), natives.map((b) => b.name).sort());
  for (const b of natives) t.deepEqual(NATIVE_BUILTINS[b.name], b.native);
});

test('each builtin runs somewhere, and the facts agree with each other', (t) => {
  for (const b of all) {
    t.true(b.native !== undefined || b.host || b.planner, `${b.name} runs nowhere`);
    t.false(b.planner && (b.host || b.native !== undefined), `${b.name}: the planner answers it, so nothing else may`);
    if (b.native?.defers) t.true(b.host, `${b.name} defers to a host implementation it lacks`);
    // The engine learns of non-determinism only through a host call.
    if (b.nondeterministic) t.true(b.host && b.native === undefined, `${b.name} must reach the host`);
    if (b.perEvaluation) t.true(b.nondeterministic, `${b.name}: memoised per evaluation only because it varies`);
    t.true(b.categories.length > 0, `${b.name} has a category`);
  }
});

test('the derived tables keep what the hand-written ones said (spot checks and counts)', (t) => {
  t.is(BUILTINS.size, 205);
  t.is(all.filter((b) => builtinSignature(b.name) !== undefined).length, 115);
  t.is(Object.keys(NATIVE_BUILTINS).length, 46);
  t.is(builtinArity('count'), 1);
  t.is(builtinArity('regex.template_match'), 4);
  t.is(builtinArity('time.now_ns'), 0);
  t.is(builtinArity('internal.print'), 1);
  const sig = (name: string) => {
    const s = builtinSignature(name);
    return s && `${s.args.map(format).join(', ')} -> ${format(s.result)}`;
  };
  t.is(sig('count'), 'any<array[any], object[any: any], set[any], string> -> number');
  t.is(sig('minus'), 'any<number, set[any]>, any<number, set[any]> -> any<number, set[any]>');
  t.is(sig('strings.replace_n'), 'object[string: string], string -> string');
  t.is(sig('strings.split_n'), 'string, string, number -> array[string]');
  t.is(sig('time.now_ns'), ' -> number');
  // Declared for the reference, not (yet) checked at compile time: as before.
  t.is(builtinSignature('io.jwt.decode'), undefined);
  t.deepEqual([...DEPRECATED_BUILTINS].sort(), ['all', 'any', 'cast_array', 'cast_boolean', 'cast_null', 'cast_object', 'cast_set', 'cast_string', 'net.cidr_overlap', 're_match', 'set_diff']);
  t.deepEqual([...VOID_BUILTINS], ['internal.print']);
  t.deepEqual([...NON_DETERMINISTIC].sort(), ['http.send', 'net.lookup_ip_addr', 'opa.runtime', 'rand.intn', 'time.now_ns', 'uuid.rfc4122']);
  t.deepEqual([...PER_EVALUATION_BUILTINS].sort(), ['rand.intn', 'uuid.rfc4122']);
});

test('signatures parse in OPA notation: no arguments, no result, nested unions', (t) => {
  t.deepEqual(parseSignature(' -> number'), { args: [], result: { kind: 'number' } });
  t.is(parseSignature('array[set[any]] -> void').result, undefined);
  t.deepEqual(parseSignature('string, any<array[string], set[string]> -> string').args.map(format), ['string', 'any<array[string], set[string]>']);
  t.throws(() => parseSignature('string, number'), { message: /no ->/ });
});

test('names an object inherits are no builtins: calling one is an undefined function', async (t) => {
  for (const name of ['constructor', 'toString', 'hasOwnProperty', '__proto__']) {
    t.false(isBuiltin(name), name);
    t.is(builtinArity(name), undefined, name);
    t.is(NATIVE_BUILTINS[name], undefined, name);
  }
  const e = await t.throwsAsync(() => compileToPlan({ modules: [{ path: 't.rego', source: 'package t\nx := constructor(1)\ny := toString(2)\n' }] }), { instanceOf: CompileError });
  t.deepEqual(
    (e as CompileError).diagnostics.map((d) => `${d.code} ${d.line}:${d.col} ${d.message}`),
    ['rego_type_error 2:6 undefined function constructor', 'rego_type_error 3:6 undefined function toString'],
  );
});
