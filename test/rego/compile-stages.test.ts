import test from 'ava';
import { loadPolicy } from '@open-policy-agent/opa-wasm';
import { compile, compileToPlan, COMPILE_STAGES, type CompileOptions, type StageName } from '../../src/rego/compile.js';
import { type Diagnostic } from '../../src/rego/diagnostics.js';
import { CompileError } from '../../src/rego/errors.js';
import { runStages } from '../../src/rego/compile/stages/pipeline.js';
import { arityIn, safetyStage } from '../../src/rego/compile/stages/safety.js';
import type { CompileStage } from '../../src/rego/compile/stages/stage.js';
import { BodyOrderer, OrderedBodies } from '../../src/rego/compile/order-bodies.js';
import { SafetyChecker } from '../../src/rego/compile/safety.js';
import { hostBuiltins } from '../../src/builtins/index.js';

const ALL: StageName[] = ['parse', 'resolve', 'typeCheck', 'safety', 'ruleIndex', 'plan', 'codegen', 'link'];
const options = (source: string, entrypoints: string[] = []): CompileOptions => ({ modules: [{ path: 't.rego', source: `package t\n${source}\n` }], entrypoints });
const key = (d: Diagnostic) => `${d.code} ${d.line}:${d.col} ${d.message.split('\n')[0]}`;

/** Compiles `source`, returning the diagnostics each stage reported and those the error carried. */
async function byStage(source: string): Promise<{ stages: Map<StageName, Diagnostic[]>; thrown: Diagnostic[] }> {
  const stages = new Map<StageName, Diagnostic[]>();
  let thrown: Diagnostic[] = [];
  try {
    await compile(options(source), { onStage: (name, _ms, ds) => stages.set(name, [...ds]) });
  } catch (e) {
    if (!(e instanceof CompileError)) throw e;
    thrown = e.diagnostics;
  }
  return { stages, thrown };
}

test('the compiler is a list of named stages with metrics; compile runs them all in order, compileToPlan stops after plan', async (t) => {
  t.deepEqual(COMPILE_STAGES.map((s) => s.name), ALL);
  const metrics = COMPILE_STAGES.map((s) => s.metric);
  t.is(new Set(metrics).size, ALL.length);
  for (const m of metrics) t.regex(m, /^compile_stage_[a-z_]+$/);

  const heard: Array<[StageName, number]> = [];
  const wasm = await compile(options('allow if input.user == "alice"', ['t/allow']), { onStage: (name, ms) => heard.push([name, ms]) });
  t.deepEqual(heard.map(([n]) => n), ALL);
  for (const [, ms] of heard) t.true(Number.isFinite(ms) && ms >= 0);
  const policy = await loadPolicy(wasm, undefined, hostBuiltins);
  t.deepEqual(policy.evaluate({ user: 'alice' }, 't/allow'), [{ result: true }]);
  t.deepEqual(policy.evaluate({ user: 'bob' }, 't/allow'), []);

  const planned: StageName[] = [];
  const plan = await compileToPlan(options('allow if input.user == "alice"', ['t/allow']), { onStage: (name) => planned.push(name) });
  t.deepEqual(planned, ALL.slice(0, ALL.indexOf('plan') + 1));
  t.deepEqual(plan.plans?.plans.map((p) => p.name), ['t/allow']);
});

test('each stage’s diagnostics carry its own codes, and every diagnostic comes from a stage', async (t) => {
  const cases: Array<[string, StageName, string[]]> = [
    ['p if {', 'parse', ['rego_parse_error']],
    ['p if {\n  x := 1\n  x := 2\n}', 'resolve', ['rego_compile_error 4:3 var x assigned above']],
    ['x := count(1)', 'typeCheck', ['rego_type_error 2:6 count: invalid argument(s)']],
    ['default p := 1\ndefault p := 2', 'typeCheck', ['rego_type_error 3:1 multiple default rules data.t.p found']],
    ['p := x if { true }', 'safety', ['rego_unsafe_var_error 2:6 var x is unsafe']],
    ['p if { x == y }', 'safety', ['rego_unsafe_var_error 2:8 var x is unsafe', 'rego_unsafe_var_error 2:13 var y is unsafe']],
    ['p if q\nq if p', 'plan', ['rego_recursion_error 2:1 rule data.t.p is recursive: data.t.p -> data.t.q -> data.t.p']],
  ];
  const codes = new Map(COMPILE_STAGES.map((s) => [s.name, s.codes]));
  for (const [source, stage, want] of cases) {
    const { stages, thrown } = await byStage(source);
    t.true(thrown.length > 0, source);
    for (const [name, ds] of stages) for (const d of ds) t.true(codes.get(name)!.includes(d.code), `${name} reported ${d.code} for ${source}`);
    const own = stages.get(stage)!;
    if (stage === 'parse') t.true(own.length > 0 && own.every((d) => d.code === 'rego_parse_error'));
    else t.deepEqual(own.map(key), want, source);
    const reported = [...stages.values()].flat().map(key).sort();
    t.deepEqual([...new Set(reported)], thrown.map(key).sort(), `nothing outside a stage for ${source}`);
  }
});

test('unsafe variables in bodies, heads, comprehensions, else values and every bodies are the safety stage’s; planning reports none', async (t) => {
  const cases: Array<[string, string[]]> = [
    ['p := [x, y] if { y := 1 }', ['2:7 var x is unsafe']],
    ['p contains x if { some y in input; y > 1 }', ['2:12 var x is unsafe']],
    ['p[k] := v if { v := 1 }', ['2:3 var k is unsafe']],
    ['p := [z | y := input[_]] if { true }', ['2:7 var z is unsafe']],
    ['f(a) := b if { a > 1 } else := c if { true }', ['2:9 var b is unsafe', '2:32 var c is unsafe']],
    ['p if { every x in input { y > x } }', ['2:27 var y is unsafe']],
    ['p if { not x }', ['2:12 var x is unsafe']],
    ['p := $"a{x}b" if { true }', ['2:10 var x is unsafe']],
  ];
  for (const [source, want] of cases) {
    const { stages, thrown } = await byStage(source);
    t.deepEqual(stages.get('safety')!.map((d) => `${d.line}:${d.col} ${d.message}`), want, source);
    t.deepEqual(stages.get('plan') ?? [], [], source);
    t.deepEqual(thrown.map((d) => d.code), want.map(() => 'rego_unsafe_var_error'), source);
  }
});

/** The compiler's stages with the safety stage swapped for `safety`. */
const withSafety = (safety: CompileStage['run']): CompileStage[] => COMPILE_STAGES.map((s) => (s.name === 'safety' ? { ...s, run: safety } : s));

test('the planner plans bodies in the safety stage’s order and fails closed on what that stage lets through', async (t) => {
  const source = 'p if {\n  x == 1\n  x = input.a\n}\nq := [y | y == z; z = input.b[_]; y = z]';
  // The safety stage orders the bodies: the reads come after the bindings.
  const wasm = runStages(options(source, ['t/p', 't/q']), 'link').wasm!;
  const policy = await loadPolicy(wasm, undefined, hostBuiltins);
  t.deepEqual(policy.evaluate({ a: 1, b: [2, 3] }, 't/p'), [{ result: true }]);
  t.deepEqual(policy.evaluate({ a: 2, b: [] }, 't/p'), []);
  t.deepEqual(policy.evaluate({ a: 2, b: [2, 3] }, 't/q'), [{ result: [2, 3] }]);

  // A safety stage that keeps bodies as written and reports nothing: planning meets `x` unbound and
  // the compile fails instead of planning around it.
  const asWritten = withSafety((state) => {
    const checker = new SafetyChecker(arityIn(state.tree!), () => {});
    const keep = { order: (body: unknown[], bound: Set<string>) => ({ body, bound, binds: body.map(() => new Set<string>()) }) } as unknown as SafetyChecker;
    const orderer = new BodyOrderer(keep, () => {});
    for (const g of state.tree!.groups) orderer.group(g);
    state.safety = checker;
    state.ordered = orderer.ordered;
  });
  t.throws(() => runStages(options(source, ['t/p']), 'plan', {}, asWritten), { message: /unbound variables planned after the safety stage passed them: t\.rego:3:3 x/ });

  // A body the safety stage never saw is not planned at all.
  const none = withSafety((state) => {
    safetyStage(state);
    state.ordered = new OrderedBodies();
  });
  t.throws(() => runStages(options(source, ['t/p']), 'plan', {}, none), { message: /without passing the safety stage/ });
});

test('compileToPlan, like compile, compiles bodies deeper than this thread’s stack in a worker; hooks hear each stage once', async (t) => {
  const body = Array.from({ length: 3000 }, (_, i) => `  input.x != ${i}`).join('\n');
  const deep = options(`long if {\n${body}\n}`, ['t/long']);
  t.throws(() => runStages(deep, 'plan'), { instanceOf: RangeError });

  const planned: StageName[] = [];
  const plan = await compileToPlan(deep, { onStage: (name) => planned.push(name) });
  t.deepEqual(plan.plans?.plans.map((p) => p.name), ['t/long']);
  t.deepEqual(planned, ALL.slice(0, ALL.indexOf('plan') + 1));

  const heard: StageName[] = [];
  const wasm = await compile(deep, { onStage: (name) => heard.push(name) });
  t.deepEqual(heard, ALL);
  const policy = await loadPolicy(wasm, undefined, hostBuiltins);
  t.deepEqual(policy.evaluate({ x: 3000 }, 't/long'), [{ result: true }]);
  t.deepEqual(policy.evaluate({ x: 7 }, 't/long'), []);
});

test('a failed compile in the worker still rejects with its diagnostics', async (t) => {
  const body = Array.from({ length: 3000 }, (_, i) => `  input.x != ${i}`).join('\n');
  const deep = options(`long if {\n${body}\n}\nbad := x if { true }`, ['t/long']);
  const e = await t.throwsAsync(compileToPlan(deep), { instanceOf: CompileError });
  t.deepEqual(e!.diagnostics.map(key), [`rego_unsafe_var_error ${3004}:8 var x is unsafe`]);
});
