import type { Block } from '../../ir/types.js';
import type { RuleDef } from '../compile/rule-defs.js';
import { callLeaf, constantOperand, type IndexedGroupPlan, type LeafTarget, planKey, type SharedLocals, sharedLocals } from './dispatch-steps.js';
import { boolOp, local } from './ir-builder.js';
import { type PrefixCandidate, prefixCandidates } from './prefix-chains.js';
import type { IndexValue } from './rule-index.js';

// Candidates at most in one function's share of the search: a larger range is halved in the
// caller and each half searched in a function of its own. V8 compiles a function when it is first
// called, so an evaluation compiles the few functions on its path, not the whole search (one
// function of thousands of nested branches costs TurboFan seconds).
const CANDIDATES_PER_FUNCTION = 128;

/** Where one function's share of the search is planned. */
interface SearchFrame {
  target: LeafTarget;
  key: number;
  shared: SharedLocals;
  starts: number;
  /** One local per depth for the comparisons' results. */
  below: number[];
}

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
  const locate = (position: number) => run[position]!.def.loc;
  // A function of its own: rarely called, so V8 compiles it lazily, if ever.
  const everyLeaf = plan.planPart((part) => {
    const partLocals = sharedLocals(part.bp.fb);
    return leaves.map((leaf, position) =>
      part.bp.fb.block(() => {
        part.bp.fb.loc = locate(position);
        callLeaf(part, leaf, partLocals);
      }),
    );
  });
  const splits = candidates.length > CANDIDATES_PER_FUNCTION;
  const search = (frame: SearchFrame, lo: number, hi: number, depth: number): void => {
    const ffb = frame.target.bp.fb;
    if (hi - lo === 1) {
      if (lo >= 0) tryCandidate(frame, candidates[lo]!, leaves, locate);
      return;
    }
    if (splits && depth > 0 && hi - lo <= CANDIDATES_PER_FUNCTION && frame.target === plan) {
      const part = plan.planPart((target, key) => [target.bp.fb.block(() => search(newFrame(target, key), lo, hi, 1))]);
      callLeaf(frame.target, part, frame.shared, [frame.key]);
      return;
    }
    const mid = (lo + hi) >> 1;
    const isBelow = (frame.below[depth] ??= ffb.newLocal());
    ffb.ir.useBuiltin('lt', 2);
    ffb.emit('CallStmt', { func: 'lt', args: [local(frame.key), constantOperand(ffb, candidates[mid]!.value, frame.shared.constant)], result: isBelow });
    ffb.emit('BlockStmt', {
      blocks: [
        ffb.block(() => {
          ffb.emit('EqualStmt', { a: local(isBelow), b: boolOp(true) });
          search(frame, lo, mid, depth + 1);
        }),
        ffb.block(() => {
          ffb.emit('EqualStmt', { a: local(isBelow), b: boolOp(false) });
          search(frame, mid, hi, depth + 1);
        }),
      ],
    });
  };

  return fb.block(() => {
    planKey(plan, (key) => {
      fb.loc = locate(0);
      const isString = fb.newLocal();
      const frame = newFrame(plan, key);
      fb.ir.useBuiltin('is_string', 1);
      fb.emit('CallStmt', { func: 'is_string', args: [local(key)], result: isString });
      const indexed = fb.block(() => {
        fb.emit('EqualStmt', { a: local(isString), b: boolOp(true) });
        search(frame, -1, candidates.length, 0);
      });
      const inOrder = fb.block(() => {
        fb.emit('EqualStmt', { a: local(isString), b: boolOp(false) });
        callLeaf(plan, everyLeaf, frame.shared, [key]);
      });
      fb.emit('BlockStmt', { blocks: [indexed, inOrder] });
    });
  });
}

function newFrame(target: LeafTarget, key: number): SearchFrame {
  const fb = target.bp.fb;
  return { target, key, shared: sharedLocals(fb), starts: fb.newLocal(), below: [] };
}

/** Tries a candidate's alternatives, longest first; the first the key starts with runs its chain. */
function tryCandidate(frame: SearchFrame, candidate: PrefixCandidate, leaves: string[], locate: (position: number) => RuleDef['loc']): void {
  const fb = frame.target.bp.fb;
  const startsWith = (value: IndexValue): void => {
    fb.ir.useBuiltin('startswith', 2);
    fb.emit('CallStmt', { func: 'startswith', args: [local(frame.key), constantOperand(fb, value, frame.shared.constant)], result: frame.starts });
    fb.emit('EqualStmt', { a: local(frame.starts), b: boolOp(true) });
  };
  const callChain = (chain: readonly number[]): void => {
    for (const position of chain) {
      const call = fb.block(() => {
        fb.loc = locate(position);
        callLeaf(frame.target, leaves[position]!, frame.shared);
      });
      fb.emit('BlockStmt', { blocks: [call] });
    }
  };
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
}
