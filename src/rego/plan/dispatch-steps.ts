import type { Block, Operand } from '../../ir/types.js';
import type { RuleDef, RuleGroup } from '../compile/rule-defs.js';
import type { BodyPlanner } from './body-planner.js';
import type { FnBuilder } from './ir-builder.js';
import { boolOp, local } from './ir-builder.js';
import type { IndexValue, RuleIndex } from './rule-index.js';
import { VarScope } from './var-scope.js';

/** A function being planned for a group that leaves' results are merged into. */
export interface LeafTarget {
  bp: BodyPlanner;
  group: RuleGroup;
  /** The function's result local. */
  ret: number;
  /** Return as soon as a definition holds (see `exitsEarly`). */
  early: boolean;
}

/** What dispatching needs from the planner of the group's function (the target). */
export interface IndexedGroupPlan extends LeafTarget {
  index: RuleIndex;
  /** One definition as a top-level block of the group's function, as without an index. */
  planDef(def: RuleDef): Block;
  /**
   * A function (the group's parameters, no defaults) running `defs` in order and returning their
   * result: the value, or the set or object of their contributions; its name.
   */
  planLeaf(defs: RuleDef[]): string;
  /**
   * A function like a leaf with one more parameter, the index key (`key`, its local), whose
   * top-level blocks `fill` plans (with `callLeaf`, say); its name. Call it with the key as `extra`.
   */
  planPart(fill: (part: LeafTarget, key: number) => Block[]): string;
}

/** Locals a run shares across its calls: a constant being compared, a leaf's result, and a scan's key and value. */
export interface SharedLocals {
  constant: number;
  result: number;
  key: number;
  value: number;
}

export function sharedLocals(fb: FnBuilder): SharedLocals {
  return { constant: fb.newLocal(), result: fb.newLocal(), key: fb.newLocal(), value: fb.newLocal() };
}

/** Evaluates the index key into a local (a ref: the block fails when it is undefined). */
export function planKey(plan: IndexedGroupPlan, k: (key: number) => void): void {
  const { bp, index } = plan;
  const fb = bp.fb;
  if (index.key.kind === 'arg') return k(index.key.index + 2);
  const ref = index.key.ref;
  fb.loc = ref.loc;
  bp.planTerm(ref, new VarScope(), (v) => k(fb.toLocal(v)));
}

/** A scalar constant as an operand; numbers and null are made in `target`. */
export function constantOperand(fb: FnBuilder, v: IndexValue, target: number): Operand {
  const t = v.term;
  switch (t.type) {
    case 'string':
      return fb.str(t.value);
    case 'boolean':
      return boolOp(t.value);
    case 'number':
      fb.emit('MakeNumberRefStmt', { Index: fb.ir.string(t.text), target });
      return local(target);
    default:
      fb.emit('MakeNullStmt', { target });
      return local(target);
  }
}

/**
 * Calls a leaf (with the group's parameters, then `extra`) and merges what it gave into the
 * target's result. An undefined result ends the enclosing block, so a caller running several
 * leaves puts each call in a block of its own.
 */
export function callLeaf(plan: LeafTarget, name: string, shared: SharedLocals, extra: number[] = []): void {
  const { bp, group, ret } = plan;
  const fb = bp.fb;
  const params = [0, 1, ...Array.from({ length: group.arity }, (_, i) => i + 2), ...extra];
  const { result, key: k, value: v } = shared;
  fb.emit('CallStmt', { func: name, args: params.map(local), result });
  switch (group.kind) {
    case 'set':
    case 'object': {
      const add = fb.block(() =>
        group.kind === 'set' ? fb.emit('SetAddStmt', { value: local(v), set: ret }) : fb.emit('ObjectInsertOnceStmt', { key: local(k), value: local(v), object: ret }),
      );
      fb.emit('ScanStmt', { source: result, key: k, value: v, block: add });
      return;
    }
    default:
      fb.emit('AssignVarOnceStmt', { source: local(result), target: ret });
      if (plan.early) fb.emit('ReturnLocalStmt', { source: ret });
  }
}
