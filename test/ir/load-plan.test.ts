import test from 'ava';
import { loadPlan, PlanError } from '../../src/ir/index.js';
import { local, planReturning, stmt } from '../helpers/plan-builder.js';

test('a well-formed plan loads with its statements intact', (t) => {
  const plan = loadPlan(planReturning(['a'], [stmt('AssignVarStmt', { source: local(0), target: 2 })], 2));
  t.is(plan.plans?.plans[0]?.name, 'test/p');
  t.is(plan.plans?.plans[0]?.blocks[0]?.stmts[0]?.type, 'AssignVarStmt');
});

test('plan text is parsed as JSON, and bad JSON is a PlanError', (t) => {
  t.is(loadPlan('{}').plans?.plans.length, 0);
  const e = t.throws(() => loadPlan('{'), { instanceOf: PlanError });
  t.is(e?.where, '(root)');
});

test('an unknown statement type names the statement', (t) => {
  const e = t.throws(() => loadPlan(planReturning([], [stmt('FrobStmt', {})], 0)), { instanceOf: PlanError });
  t.regex(e!.where, /plan "test\/p" blocks\[0\]\.stmts\[0\]\.type/);
});

test('a wrongly typed field names statement and field', (t) => {
  const e = t.throws(() => loadPlan(planReturning([], [stmt('DotStmt', { source: local(0), key: 'k', target: 3 })], 3)), {
    instanceOf: PlanError,
  });
  t.is(e?.where, 'plan "test/p" blocks[0].stmts[0] (DotStmt).key');
});

test('string indexes out of range are rejected', (t) => {
  const e = t.throws(() => loadPlan(planReturning([], [stmt('MakeNumberRefStmt', { Index: 7, target: 2 })], 2)), {
    instanceOf: PlanError,
  });
  t.regex(e!.problem, /out of range/);
});

test('CallStmt without args means no arguments', (t) => {
  const plan = planReturning([], [stmt('CallStmt', { func: 'time.now_ns', result: 2 })], 2);
  const loaded = loadPlan(plan);
  const call = loaded.plans!.plans[0]!.blocks[0]!.stmts[0]!;
  t.deepEqual((call.stmt as { args: unknown[] }).args, []);
});

test('duplicate function names are rejected', (t) => {
  const f = { name: 'g0.data.a', params: [0, 1], return: 2, blocks: [] };
  const e = t.throws(() => loadPlan({ funcs: { funcs: [f, f] } }), { instanceOf: PlanError });
  t.is(e?.where, 'func "g0.data.a"');
});

test('a BlockStmt whose blocks are null (how Go writes an empty slice) has no blocks', (t) => {
  const plan = planReturning([], [stmt('BlockStmt', { blocks: null }), stmt('AssignVarStmt', { source: local(0), target: 2 })], 2);
  const block = loadPlan(plan).plans!.plans[0]!.blocks[0]!.stmts[0]!;
  t.deepEqual((block.stmt as { blocks: unknown[] }).blocks, []);
  t.throws(() => loadPlan(planReturning([], [stmt('BlockStmt', { blocks: 'x' })], 0)), { instanceOf: PlanError, message: /expected an array of blocks/ });
});
