import type { Block } from '../../ir/types.js';
import type { RuleDef } from '../compile/rule-defs.js';
import { callLeaf, constantOperand, type IndexedGroupPlan, planKey, sharedLocals } from './dispatch-steps.js';
import { boolOp, local } from './ir-builder.js';
import { planPrefixRun } from './prefix-dispatch.js';
import { compareIndexValues, type IndexValue } from './rule-index.js';

// Ranges of at most this many constants compare each directly instead of halving further.
const LINEAR_LEAVES = 2;

// Definitions per run at most: a run is one top-level block of the rule's function, and codegen
// moves whole top-level blocks into parts when a function grows past V8's size limit, so a run of
// 100,000 constants becomes several blocks that can land in different parts.
const MAX_RUN_DEFS = 8192;

/**
 * The group's definitions as top-level blocks, indexed: each run of indexed definitions evaluates
 * the key in the group's own frame (so `with input…`/`with data…` replacements apply), finds the
 * definitions whose constant equals it by binary search over the run's sorted constants (the `lt`
 * builtin: Rego's order) and calls them, in their order, as one function; a prefix index's runs
 * find the constants the key starts with instead (see `planPrefixRun`). Definitions without an
 * indexable expression run in place between the runs. An undefined key skips the run. A
 * definition the index rules out would have failed on its comparison; as in OPA's evaluator, it
 * does not run at all.
 */
export function planIndexedDefs(plan: IndexedGroupPlan): Block[] {
  const { group, index } = plan;
  const blocks: Block[] = [];
  let run: Array<{ def: RuleDef; values: IndexValue[] }> = [];
  const flush = (): void => {
    const planRunOf = index.match === 'prefix' ? planPrefixRun : planEqualityRun;
    for (let i = 0; i < run.length; i += MAX_RUN_DEFS) blocks.push(planRunOf(plan, run.slice(i, i + MAX_RUN_DEFS)));
    run = [];
  };
  group.defs.forEach((def, i) => {
    const values = index.values[i];
    if (values) return void run.push({ def, values });
    flush();
    blocks.push(plan.planDef(def));
  });
  flush();
  return blocks;
}

/**
 * One run of indexed definitions: a search over their distinct constants, a call per constant.
 * Its locals are shared across the search (one per depth for the comparisons, one for constants,
 * one for a leaf's result): a run of thousands of constants needs tens of locals, not thousands
 * (V8 allows 50,000 per function, and a run is one top-level block, so no reuse between blocks helps).
 */
function planEqualityRun(plan: IndexedGroupPlan, run: Array<{ def: RuleDef; values: IndexValue[] }>): Block {
  const fb = plan.bp.fb;
  // A definition with several constants (`in`) is planned in the leaf of each of them.
  const byValue = new Map<string, { value: IndexValue; defs: RuleDef[] }>();
  for (const { def, values } of run) {
    for (const value of values) {
      const entry = byValue.get(value.id) ?? { value, defs: [] };
      if (entry.defs.at(-1) !== def) entry.defs.push(def);
      byValue.set(value.id, entry);
    }
  }
  const leaves = [...byValue.values()].sort((a, b) => compareIndexValues(a.value, b.value));
  const names = leaves.map((l) => plan.planLeaf(l.defs));
  const shared = sharedLocals(fb);
  const below: number[] = [];
  let key = 0;
  const search = (lo: number, hi: number, depth: number): void => {
    if (hi - lo <= LINEAR_LEAVES) {
      for (let i = lo; i < hi; i++) {
        const block = fb.block(() => {
          fb.emit('EqualStmt', { a: local(key), b: constantOperand(fb, leaves[i]!.value, shared.constant) });
          callLeaf(plan, names[i]!, shared);
        });
        fb.emit('BlockStmt', { blocks: [block] });
      }
      return;
    }
    const mid = (lo + hi) >> 1;
    const isBelow = (below[depth] ??= fb.newLocal());
    fb.ir.useBuiltin('lt', 2);
    fb.emit('CallStmt', { func: 'lt', args: [local(key), constantOperand(fb, leaves[mid]!.value, shared.constant)], result: isBelow });
    fb.emit('BlockStmt', {
      blocks: [
        fb.block(() => {
          fb.emit('EqualStmt', { a: local(isBelow), b: boolOp(true) });
          search(lo, mid, depth + 1);
        }),
        fb.block(() => {
          fb.emit('EqualStmt', { a: local(isBelow), b: boolOp(false) });
          search(mid, hi, depth + 1);
        }),
      ],
    });
  };
  return fb.block(() => {
    planKey(plan, (k) => {
      key = k;
      fb.loc = run[0]!.def.loc;
      search(0, leaves.length, 0);
    });
  });
}
