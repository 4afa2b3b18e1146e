import test from 'ava';
import { generateModule } from '../../src/wasm/compile-plan.js';
import { V8_LIMITS, checkEngineLimits, declaredLocals } from '../../src/wasm/engine-limits.js';
import { CodegenError } from '../../src/wasm/errors.js';
import { local, planReturning, stmt } from '../helpers/plan-builder.js';

/** A plan whose one block assigns `n` distinct locals, all read again at the end (live at once, so none shares a Wasm local). */
function planWithLocals(n: number): unknown {
  const stmts = Array.from({ length: n }, (_, i) => stmt('MakeNullStmt', { target: 100 + i }));
  const reads = Array.from({ length: n }, (_, i) => stmt('IsDefinedStmt', { source: 100 + i }));
  return planReturning([], [...stmts, ...reads, stmt('AssignVarStmt', { source: local(100), target: 2 })], 2);
}

test('a module within the limits passes; one local over a lowered limit is refused naming the plan and the limit', (t) => {
  const input = generateModule(planWithLocals(30));
  const plan = input.functions.find((f) => f?.name === 'plan "test/p"')!;
  const locals = plan.params + declaredLocals(plan.body);
  t.true(locals >= 31);
  t.notThrows(() => checkEngineLimits(input, V8_LIMITS));
  t.notThrows(() => checkEngineLimits(input, { ...V8_LIMITS, functionLocals: locals }));
  const err = t.throws(() => checkEngineLimits(input, { ...V8_LIMITS, functionLocals: locals - 1 }), { instanceOf: CodegenError });
  t.is(err!.message, `plan "test/p": locals (parameters included) ${locals}, over the engine's limit of ${locals - 1} (V8's kV8MaxWasmFunctionLocals): the module would not load`);
});

test('a body over a lowered size limit is refused naming the function', (t) => {
  const input = generateModule(planWithLocals(200));
  const plan = input.functions.find((f) => f?.name === 'plan "test/p"')!;
  t.notThrows(() => checkEngineLimits(input, { ...V8_LIMITS, functionBodyBytes: plan.body.length }));
  const err = t.throws(() => checkEngineLimits(input, { ...V8_LIMITS, functionBodyBytes: plan.body.length - 1 }), { instanceOf: CodegenError });
  t.regex(err!.message, /^plan "test\/p": body bytes [\d,]+, over the engine's limit of [\d,]+ \(V8's kV8MaxWasmFunctionSize\)/);
});

test('module-wide counts are checked too: functions and globals', (t) => {
  const input = generateModule(planWithLocals(3));
  const err = t.throws(() => checkEngineLimits(input, { ...V8_LIMITS, functions: 10 }), { instanceOf: CodegenError });
  t.regex(err!.message, /^module: functions [\d,]+, over the engine's limit of 10 \(V8's kV8MaxWasmFunctions\)/);
  t.throws(() => checkEngineLimits(input, { ...V8_LIMITS, globals: 1 }), { message: /kV8MaxWasmGlobals/ });
});
