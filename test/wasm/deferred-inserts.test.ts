import test from 'ava';
import type { Block, Stmt } from '../../src/ir/types.js';
import { planDeferredInserts } from '../../src/wasm/deferred-inserts.js';
import { local, stmt } from '../helpers/plan-builder.js';

// Which ObjectInsertOnceStmts may append (and where their object is finished): only where control
// surely reaches the end of the statement holding them, and the object is made once in the block.

const s = (type: string, fields: Record<string, unknown>): Stmt => stmt(type, fields) as unknown as Stmt;
const block = (...stmts: Stmt[]): Block => ({ stmts });
const insertOnce = (): Stmt => s('ObjectInsertOnceStmt', { key: local(5), value: local(6), object: 3 });
const scanOf = (...body: Stmt[]): Stmt => s('ScanStmt', { source: 0, key: 5, value: 6, block: block(...body) });

test('an object comprehension: the insert appends and the object is finished after its block', (t) => {
  const ins = insertOnce();
  const comprehension = s('BlockStmt', { blocks: [block(scanOf(ins))] });
  const plan = planDeferredInserts([block(s('MakeObjectStmt', { target: 3 }), comprehension)]);
  t.true(plan.inserts.has(ins));
  t.deepEqual(plan.finishAfter.get(comprehension), [3]);
});

test('a partial object rule over several top-level blocks: finished after each scan', (t) => {
  const a = insertOnce();
  const b = insertOnce();
  const scanA = scanOf(a);
  const scanB = scanOf(b);
  const plan = planDeferredInserts([
    block(s('MakeObjectStmt', { target: 3 })),
    block(scanA),
    block(scanB),
    block(s('ReturnLocalStmt', { source: 3 })),
  ]);
  t.true(plan.inserts.has(a) && plan.inserts.has(b));
  t.deepEqual(plan.finishAfter.get(scanA), [3]);
  t.deepEqual(plan.finishAfter.get(scanB), [3]);
});

test('statements that may be left midway keep the per-entry insert', (t) => {
  const make = (): Stmt => s('MakeObjectStmt', { target: 3 });
  const cases: Array<[string, (ins: Stmt) => Stmt]> = [
    ['not', (ins) => s('NotStmt', { block: block(ins) })],
    ['with', (ins) => s('WithStmt', { local: 0, path: [], value: local(1), block: block(ins) })],
    ['break out of the statement', (ins) => s('BlockStmt', { blocks: [block(ins, s('BreakStmt', { index: 1 }))] })],
    ['return inside', (ins) => scanOf(ins, s('ReturnLocalStmt', { source: 3 }))],
  ];
  for (const [name, wrap] of cases) {
    const ins = insertOnce();
    const plan = planDeferredInserts([block(make(), wrap(ins))]);
    t.false(plan.inserts.has(ins), name);
    t.is(plan.finishAfter.size, 0, name);
  }
  // A break that stays inside the statement is fine.
  const ins = insertOnce();
  const inner = s('BlockStmt', { blocks: [block(scanOf(ins, s('BreakStmt', { index: 0 })))] });
  t.true(planDeferredInserts([block(make(), inner)]).inserts.has(ins));
});

test('an object local written twice, or made after the inserts, keeps the per-entry insert', (t) => {
  const twice = insertOnce();
  t.false(planDeferredInserts([
    block(s('MakeObjectStmt', { target: 3 }), scanOf(twice), s('AssignVarStmt', { source: local(1), target: 3 })),
  ]).inserts.has(twice));
  const before = insertOnce();
  t.false(planDeferredInserts([block(scanOf(before), s('MakeObjectStmt', { target: 3 }))]).inserts.has(before));
});

test('a comprehension made inside a loop is finished inside that loop, each round', (t) => {
  const ins = insertOnce();
  const comprehension = s('BlockStmt', { blocks: [block(scanOf(ins))] });
  const outer = s('ScanStmt', { source: 0, key: 7, value: 8, block: block(s('MakeObjectStmt', { target: 3 }), comprehension) });
  const plan = planDeferredInserts([block(outer)]);
  t.true(plan.inserts.has(ins));
  t.deepEqual(plan.finishAfter.get(comprehension), [3]);
  t.false(plan.finishAfter.has(outer));
});
