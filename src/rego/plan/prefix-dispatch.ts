import type { Block } from '../../ir/types.js';
import type { RuleDef } from '../compile/rule-defs.js';
import { callLeaf, constantOperand, type IndexedGroupPlan, planKey, sharedLocals } from './dispatch-steps.js';
import { boolOp, local } from './ir-builder.js';
import { type PrefixCandidate, prefixCandidates } from './prefix-chains.js';
import type { IndexValue } from './rule-index.js';

/**
 * One run of definitions tested by `startswith(key, "c")`, as one top-level block. When the key is
 * a string, a binary search (the `lt` builtin: strings by UTF-8 bytes) finds the greatest constant
 * at most the key, and the constants the key starts with are among that one's prefixes (see
 * `PrefixCandidate`); the longest of them that the key starts with (the `startswith` builtin)
 * runs its chain. Each definition is a leaf function of its own, so a chain calls the definitions
 * of all the prefixes matched in their source order: early exit, and which of two errors is
 * raised first, are as without the index. Comparing bytes with the builtins `startswith` itself
 * uses keeps multi-byte characters exact, with no code-point arithmetic.
 *
 * A key that is not a string runs every definition of the run in order, each then reaching its
 * own `startswith` exactly as without the index: a builtin error when builtin errors are strict,
 * undefined otherwise. An undefined key skips the run, as for an equality.
 */
export function planPrefixRun(plan: IndexedGroupPlan, run: Array<{ def: RuleDef; values: IndexValue[] }>): Block {
  const fb = plan.bp.fb;
  const leaves = run.map(({ def }) => plan.planLeaf([def]));
  const candidates = prefixCandidates(run.map((r) => r.values));
  const shared = sharedLocals(fb);
  const isString = fb.newLocal();
  const starts = fb.newLocal();
  const below: number[] = [];
  let key = 0;

  const callChain = (chain: readonly number[]): void => {
    for (const position of chain) {
      const call = fb.block(() => {
        fb.loc = run[position]!.def.loc;
        callLeaf(plan, leaves[position]!, shared);
      });
      fb.emit('BlockStmt', { blocks: [call] });
    }
  };
  const startsWith = (value: IndexValue): void => {
    fb.ir.useBuiltin('startswith', 2);
    fb.emit('CallStmt', { func: 'startswith', args: [local(key), constantOperand(fb, value, shared.constant)], result: starts });
    fb.emit('EqualStmt', { a: local(starts), b: boolOp(true) });
  };
  const tryCandidate = (candidate: PrefixCandidate): void => {
    const [own, ...shorter] = candidate.alternatives;
    if (shorter.length === 0) {
      startsWith(own!.value);
      callChain(own!.chain);
      return;
    }
    // The first alternative that holds leaves the enclosing block (break 1: its own block, then this one).
    const alternatives = fb.block(() => {
      for (const alt of candidate.alternatives) {
        const attempt = fb.block(() => {
          startsWith(alt.value);
          callChain(alt.chain);
          fb.emit('BreakStmt', { index: 1 });
        });
        fb.emit('BlockStmt', { blocks: [attempt] });
      }
    });
    fb.emit('BlockStmt', { blocks: [alternatives] });
  };
  // The greatest constant at most the key has its index in [lo, hi); -1: every constant is greater.
  const search = (lo: number, hi: number, depth: number): void => {
    if (hi - lo === 1) {
      if (lo >= 0) tryCandidate(candidates[lo]!);
      return;
    }
    const mid = (lo + hi) >> 1;
    const isBelow = (below[depth] ??= fb.newLocal());
    fb.ir.useBuiltin('lt', 2);
    fb.emit('CallStmt', { func: 'lt', args: [local(key), constantOperand(fb, candidates[mid]!.value, shared.constant)], result: isBelow });
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
      fb.ir.useBuiltin('is_string', 1);
      fb.emit('CallStmt', { func: 'is_string', args: [local(key)], result: isString });
      const indexed = fb.block(() => {
        fb.emit('EqualStmt', { a: local(isString), b: boolOp(true) });
        search(-1, candidates.length, 0);
      });
      const inOrder = fb.block(() => {
        fb.emit('EqualStmt', { a: local(isString), b: boolOp(false) });
        callChain(run.map((_, position) => position));
      });
      fb.emit('BlockStmt', { blocks: [indexed, inOrder] });
    });
  });
}
