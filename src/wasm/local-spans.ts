import type { Block, Stmt } from '../ir/types.js';
import { innerBlocks, readLocals, writtenLocals } from './ir-walk.js';

/**
 * Where, inside one top-level block, each of its own IR locals lives: from a statement of the
 * innermost block holding every use of it to a later statement of that block. Control only moves
 * forward within a function's blocks, except around a scan: a local used inside a scan lives across
 * the whole outermost scan (its value may be read in a later iteration). So a local is dead after
 * the last statement of its span, and its Wasm local can serve the next span. A body of thousands
 * of conditions then needs a few Wasm locals, not one per condition: V8's optimizing compiler
 * takes memory in proportion to locals times branches (2,000 conditions took 0.9 GB, 10,000 took
 * 18 GB and 111 s).
 */
export interface LocalSpans {
  /** Per block, per statement index: the locals whose span starts there (on a fresh or reset Wasm local). */
  readonly opens: Map<Block, Map<number, number[]>>;
  /** Per block, per statement index: the locals whose span ends after it. */
  readonly closes: Map<Block, Map<number, number[]>>;
}

interface Ancestor {
  block: Block;
  index: number;
  stmt: Stmt;
}

function add(into: Map<Block, Map<number, number[]>>, block: Block, index: number, local: number): void {
  let byIndex = into.get(block);
  if (!byIndex) into.set(block, (byIndex = new Map()));
  const list = byIndex.get(index);
  if (list) list.push(local);
  else byIndex.set(index, [local]);
}

/** The spans of `own` locals in `top`; undefined when a block object appears twice (no span is sure then). */
export function localSpans(top: Block, own: ReadonlySet<number>): LocalSpans | undefined {
  const first = new Map<number, Ancestor[]>();
  const last = new Map<number, Ancestor[]>();
  const seen = new Set<Block>();
  const path: Ancestor[] = [];
  let repeated = false;
  const visit = (block: Block): void => {
    if (seen.has(block)) {
      repeated = true;
      return;
    }
    seen.add(block);
    block.stmts.forEach((stmt, index) => {
      path.push({ block, index, stmt });
      for (const local of [...readLocals(stmt), ...writtenLocals(stmt)]) {
        if (!own.has(local)) continue;
        if (!first.has(local)) first.set(local, [...path]);
        last.set(local, [...path]);
      }
      for (const inner of innerBlocks(stmt)) visit(inner);
      path.pop();
    });
  };
  visit(top);
  if (repeated) return undefined;
  const opens = new Map<Block, Map<number, number[]>>();
  const closes = new Map<Block, Map<number, number[]>>();
  for (const [local, from] of first) {
    const to = last.get(local)!;
    let depth = 0;
    while (depth + 1 < from.length && depth + 1 < to.length && from[depth + 1]!.block === to[depth + 1]!.block) depth++;
    let lo = from[depth]!.index;
    let hi = to[depth]!.index;
    const scan = from.slice(0, depth).findIndex((a) => a.stmt.type === 'ScanStmt');
    if (scan >= 0) {
      depth = scan;
      lo = hi = from[scan]!.index;
    }
    add(opens, from[depth]!.block, lo, local);
    add(closes, from[depth]!.block, hi, local);
  }
  return { opens, closes };
}
