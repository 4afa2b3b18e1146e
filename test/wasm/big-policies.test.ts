import test from 'ava';
import { loadPolicy } from '@open-policy-agent/opa-wasm';
import { compile, compileToPlan } from '../../src/rego/index.js';
import { compilePlan } from '../../src/wasm/index.js';
import { generateModule } from '../../src/wasm/compile-plan.js';
import { declaredLocals } from '../../src/wasm/engine-limits.js';
import { CodegenError } from '../../src/wasm/errors.js';
import { hostBuiltins } from '../../src/builtins/index.js';
import { local, planReturning, stmt } from '../helpers/plan-builder.js';

const PRINCIPAL = 'spiffe://cluster.local/ns/default/sa/sa';

function routeTable(rules: number): string {
  const out = ['package routes', ''];
  for (let i = 0; i < rules; i++) {
    out.push(`allow if {\n\tinput.attributes.request.http.path == "/r${i}"\n\tinput.attributes.request.http.method == "GET"\n\tinput.attributes.source.principal == "${PRINCIPAL}${i}"\n}`);
  }
  return out.join('\n');
}

function envoyInput(path: string, method: string, principal: string): unknown {
  return { attributes: { request: { http: { path, method } }, source: { principal } } };
}

test('a 20,000-rule route table compiles, loads through the SDK and answers for the first, a middle and the last rule', async (t) => {
  const wasm = await compile({ modules: [{ path: 'routes.rego', source: routeTable(20_000) }], entrypoints: ['routes/allow'] });
  const policy = await loadPolicy(wasm, undefined, hostBuiltins);
  const allow = (path: string, method: string, principal: string): unknown => policy.evaluate(envoyInput(path, method, principal), 'routes/allow');
  t.deepEqual(allow('/r0', 'GET', `${PRINCIPAL}0`), [{ result: true }]);
  t.deepEqual(allow('/r12345', 'GET', `${PRINCIPAL}12345`), [{ result: true }]);
  t.deepEqual(allow('/r19999', 'GET', `${PRINCIPAL}19999`), [{ result: true }]);
  // Unmatched (allow undefined: no result row): a method no rule allows, a principal of another
  // route, a path beyond the table.
  t.deepEqual(allow('/r19999', 'POST', `${PRINCIPAL}19999`), []);
  t.deepEqual(allow('/r19999', 'GET', `${PRINCIPAL}19998`), []);
  t.deepEqual(allow('/r20000', 'GET', `${PRINCIPAL}20000`), []);
});

test('rule bodies reuse Wasm locals: 2,000 bodies need the locals of one, not of all', async (t) => {
  const generated = generateModule(await compileToPlanOf(routeTable(2_000), 'routes/allow'));
  const most = Math.max(...generated.functions.map((f) => (f ? f.params + declaredLocals(f.body) : 0)));
  // Each body has 11 IR locals: without reuse the rule's function declared 22,000.
  t.true(most < 100, `largest function has ${most} locals`);
});

function compileToPlanOf(source: string, entrypoint: string): Promise<unknown> {
  return compileToPlan({ modules: [{ path: 'p.rego', source }], entrypoints: [entrypoint] });
}

/** A plan whose one block assigns `n` distinct locals (a body no reuse can shrink). */
function planWithLocals(n: number): unknown {
  // Each local is read again at the end, so all are live at once (a local whose value is dead shares a Wasm local).
  const stmts = Array.from({ length: n }, (_, i) => stmt('MakeNullStmt', { target: 100 + i }));
  const reads = Array.from({ length: n }, (_, i) => stmt('IsDefinedStmt', { source: 100 + i }));
  return planReturning([], [...stmts, ...reads, stmt('AssignVarStmt', { source: local(100 + n - 1), target: 2 })], 2);
}

test('a function just under V8\'s 50,000 locals loads; one over is refused at compile time naming the limit and the function', async (t) => {
  const under = await compilePlan(planWithLocals(49_990));
  const policy = await loadPolicy(under, undefined, hostBuiltins);
  t.deepEqual(policy.evaluate({}, 'test/p'), [{ x: null }]);
  const err = await t.throwsAsync(compilePlan(planWithLocals(50_001)), { instanceOf: CodegenError });
  t.regex(err!.message, /plan "test\/p"/);
  t.regex(err!.message, /locals .* 50,00\d, over the engine's limit of 50,000 \(V8's kV8MaxWasmFunctionLocals\)/);
  t.is(err!.code, 'wasm_compile_error');
});

test('a rule body V8 would refuse is a CodegenError from compile, naming the rule and the limit', async (t) => {
  // An array of 51,000 refs: each is evaluated into a local before the array is made, so all are
  // live at once (locals whose values are dead share Wasm locals, see local-spans.ts).
  const items = Array.from({ length: 51_000 }, (_, i) => `input.a${i}`);
  const source = `package huge\n\nallow if {\n\txs := [${items.join(', ')}]\n\tcount(xs) > 0\n}\n`;
  const err = await t.throwsAsync(compile({ modules: [{ path: 'huge.rego', source }], entrypoints: ['huge/allow'] }), { instanceOf: CodegenError });
  t.regex(err!.message, /^func "g0\.data\.huge\.allow".*: locals \(parameters included\) 51,\d{3}, over the engine's limit of 50,000 \(V8's kV8MaxWasmFunctionLocals\)/);
});
