import type { Block, Stmt } from '../ir/types.js';
import { innerBlocks, readLocals, walkStmts, writtenLocals } from './ir-walk.js';

/**
 * Which IR locals of a function live in one top-level block only. A function's top-level blocks
 * run once each, one after another, and control never jumps from one into another, so a local
 * used in a single top-level block is dead once that block ends and its Wasm local can serve the
 * next block: a route table of thousands of rule bodies then needs the locals of one body, not of
 * all of them (V8 refuses a function of more than 50,000 locals).
 */
export interface BlockLocals {
  /** Per top-level block: the locals used there and in no other top-level block, `shared` excluded. */
  readonly own: number[][];
  /** Per top-level block: whether it uses only its own locals and `shared` ones. */
  readonly selfContained: boolean[];
  /** Per top-level block: its statements, nested ones included. */
  readonly statements: number[];
  /**
   * Own locals whose first use in their block is a plain assignment by one of the block's
   * top-level statements: code reads them only after that assignment ran, so a reused Wasm local
   * needs no reset to zero (IR locals start undefined).
   */
  readonly assignedFirst: ReadonlySet<number>;
}

/** Statements that only assign their target (no read of its old value, no iteration, no failure before it). */
function plainAssignments(s: Stmt): number[] {
  switch (s.type) {
    case 'AssignVarOnceStmt':
    case 'ScanStmt':
    case 'WithStmt':
      return [];
    default:
      return writtenLocals(s);
  }
}

function localsIn(s: Stmt, into: Set<number>): void {
  for (const l of readLocals(s)) into.add(l);
  for (const l of writtenLocals(s)) into.add(l);
  walkStmts(innerBlocks(s), (x) => {
    for (const l of readLocals(x)) into.add(l);
    for (const l of writtenLocals(x)) into.add(l);
  });
}

/** `shared`: locals that live across blocks whatever their use (parameters, the return local). */
export function blockLocals(blocks: Block[], shared: readonly number[]): BlockLocals {
  const sharedSet = new Set(shared);
  const firstBlock = new Map<number, number>();
  const multi = new Set<number>();
  const used: Array<Set<number>> = [];
  const statements: number[] = [];
  const assignedFirst = new Set<number>();
  blocks.forEach((b, i) => {
    const inBlock = new Set<number>();
    let count = 0;
    for (const s of b.stmts) {
      const reads = new Set(readLocals(s));
      for (const l of plainAssignments(s)) if (!inBlock.has(l) && !reads.has(l)) assignedFirst.add(l);
      localsIn(s, inBlock);
      count += 1;
      walkStmts(innerBlocks(s), () => count++);
    }
    statements.push(count);
    used.push(inBlock);
    for (const l of inBlock) {
      if (sharedSet.has(l)) continue;
      const first = firstBlock.get(l);
      if (first === undefined) firstBlock.set(l, i);
      else if (first !== i) multi.add(l);
    }
  });
  const own = used.map((inBlock) => [...inBlock].filter((l) => !sharedSet.has(l) && !multi.has(l)));
  const selfContained = used.map((inBlock) => [...inBlock].every((l) => sharedSet.has(l) || !multi.has(l)));
  for (const l of multi) assignedFirst.delete(l);
  return { own, selfContained, statements, assignedFirst };
}
