import type { Block } from '../../ir/types.js';
import type { RuleDef } from '../compile/rule-defs.js';
import { callLeaf, constantOperand, type IndexedGroupPlan, planKey, sharedLocals } from './dispatch-steps.js';
import { planPrefixRun } from './prefix-dispatch.js';
import { planSortedSearch } from './sorted-search.js';
import { compareIndexValues, type GroupIndex, type IndexValue } from './rule-index.js';

// Definitions per run at most: a run is one top-level block of the rule's function, and codegen
// moves whole top-level blocks into parts when a function grows past V8's size limit, so a run of
// 100,000 constants becomes several blocks that can land in different parts.
const MAX_RUN_DEFS = 8192;

/** An indexed definition with the constants that select it. */
interface RunEntry {
  def: RuleDef;
  values: IndexValue[];
}

/**
 * Consecutive indexed definitions planned together: grouped by key (one search each), the groups
 * in the order their keys first appear. A definition joins a group before a later group only when
 * it and every definition of the later groups may run out of order (see cannotFail), so order
 * shows in nothing: not in which error comes first, nor in which definition an early exit skips.
 */
class Run {
  readonly groups: Array<{ key: number; entries: RunEntry[] }> = [];
  private readonly position = new Map<number, number>();
  /** The last group holding a definition that must keep its place, or -1. */
  private lastFixed = -1;

  admits(key: number, reorderable: boolean): boolean {
    const at = this.position.get(key);
    if (at === undefined || at === this.groups.length - 1) return true;
    return reorderable && this.lastFixed <= at;
  }

  add(key: number, entry: RunEntry, reorderable: boolean): void {
    let at = this.position.get(key);
    if (at === undefined) {
      at = this.groups.length;
      this.position.set(key, at);
      this.groups.push({ key, entries: [] });
    }
    this.groups[at]!.entries.push(entry);
    if (!reorderable) this.lastFixed = Math.max(this.lastFixed, at);
  }
}

/**
 * The group's definitions as top-level blocks, indexed: each run of indexed definitions evaluates
 * its keys in the group's own frame (so `with input…`/`with data…` replacements apply), finds the
 * definitions whose constant equals a key by binary search over the run's sorted constants (the
 * `lt` builtin: Rego's order) and calls them, in their order, as one function; a prefix index's
 * runs find the constants the key starts with instead (see `planPrefixRun`). Definitions without
 * an indexable expression run in place between the runs. An undefined key skips its definitions.
 * A definition the index rules out would have failed on its comparison; as in OPA's evaluator, it
 * does not run at all.
 */
export function planIndexedDefs(plan: Omit<IndexedGroupPlan, 'index'>, index: GroupIndex): Block[] {
  const blocks: Block[] = [];
  let run = new Run();
  const flush = (): void => {
    for (const { key, entries } of run.groups) {
      const keyPlan: IndexedGroupPlan = { ...plan, index: index.keys[key]! };
      const planRunOf = keyPlan.index.match === 'prefix' ? planPrefixRun : planEqualityRun;
      for (let i = 0; i < entries.length; i += MAX_RUN_DEFS) blocks.push(planRunOf(keyPlan, entries.slice(i, i + MAX_RUN_DEFS)));
    }
    run = new Run();
  };
  plan.group.defs.forEach((def, i) => {
    const key = index.keys.findIndex((k) => k.values[i] !== undefined);
    if (key < 0) {
      flush();
      blocks.push(plan.planDef(def));
      return;
    }
    const reorderable = index.reorderable[i]!;
    if (!run.admits(key, reorderable)) flush();
    run.add(key, { def, values: index.keys[key]!.values[i]! }, reorderable);
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
  return fb.block(() => {
    planKey(plan, (k) => {
      fb.loc = run[0]!.def.loc;
      planSortedSearch(fb, k, leaves.length, (i) => constantOperand(fb, leaves[i]!.value, shared.constant), (i) => callLeaf(plan, names[i]!, shared));
    });
  });
}
