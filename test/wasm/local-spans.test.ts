import test from 'ava';
import { loadPolicy } from '@open-policy-agent/opa-wasm';
import { compile, compileToPlan } from '../../src/rego/index.js';
import { compilePlan, generateModule } from '../../src/wasm/compile-plan.js';
import { declaredLocals } from '../../src/wasm/engine-limits.js';
import { hostBuiltins } from '../../src/builtins/index.js';
import { bool, local, planReturning, stmt } from '../helpers/plan-builder.js';

// Locals whose values are dead share Wasm locals within a top-level block (src/wasm/local-spans.ts).

async function run(plan: unknown): Promise<unknown> {
  const policy = await loadPolicy(await compilePlan(plan), undefined, hostBuiltins);
  return policy.evaluate({}, 'test/p');
}

test('a body of 2,000 conditions needs a handful of Wasm locals, and still decides', async (t) => {
  const source = `package s\n\nallow if {\n${Array.from({ length: 2000 }, (_, i) => `\tinput.user != "u${i}"`).join('\n')}\n}\n`;
  const modules = [{ path: 's.rego', source }];
  const linked = generateModule(await compileToPlan({ modules, entrypoints: ['s/allow'] }));
  const rule = linked.functions.find((f) => f?.name === 'func "g0.data.s.allow"')!;
  t.true(rule.params + declaredLocals(rule.body) < 50, `${declaredLocals(rule.body)} locals`);
  const policy = await loadPolicy(await compile({ modules, entrypoints: ['s/allow'] }), undefined, hostBuiltins);
  t.deepEqual(policy.evaluate({ user: 'nobody' }, 's/allow'), [{ result: true }]);
  t.deepEqual(policy.evaluate({ user: 'u1999' }, 's/allow'), []);
  t.deepEqual(policy.evaluate({ user: 'u0' }, 's/allow'), []);
});

test('a local that takes over a Wasm local starts undefined', async (t) => {
  // 101 gets 100's Wasm local once 100 is dead: it must read as undefined, not as 100's null.
  const plan = planReturning([], [stmt('MakeNullStmt', { target: 100 }), stmt('IsDefinedStmt', { source: 100 }), stmt('IsUndefinedStmt', { source: 101 }), stmt('AssignVarStmt', { source: bool(true), target: 2 })], 2);
  t.deepEqual(await run(plan), [{ x: true }]);
});

test('a local used only inside a scan keeps its value from one iteration to the next', async (t) => {
  // 13 is written at the end of each iteration and read at the start of the next; a dead local (21)
  // before its first use leaves a used Wasm local for it to take.
  const scanBody = {
    stmts: [
      stmt('MakeNullStmt', { target: 21 }),
      stmt('IsDefinedStmt', { source: 21 }),
      stmt('BlockStmt', { blocks: [{ stmts: [stmt('IsDefinedStmt', { source: 13 }), stmt('AssignVarStmt', { source: bool(true), target: 14 })] }] }),
      stmt('AssignVarStmt', { source: local(12), target: 13 }),
    ],
  };
  const plan = planReturning(
    [],
    [
      stmt('MakeNullStmt', { target: 20 }),
      stmt('IsDefinedStmt', { source: 20 }),
      stmt('MakeArrayStmt', { capacity: 2, target: 10 }),
      stmt('ArrayAppendStmt', { array: 10, value: bool(true) }),
      stmt('ArrayAppendStmt', { array: 10, value: bool(false) }),
      stmt('ScanStmt', { source: 10, key: 11, value: 12, block: scanBody }),
      stmt('IsDefinedStmt', { source: 14 }),
    ],
    14,
  );
  t.deepEqual(await run(plan), [{ x: true }]);
});
