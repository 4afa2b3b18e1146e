import type { Block, Stmt } from '../ir/types.js';
import { innerBlocks, walkStmts, writtenLocals } from './ir-walk.js';

// Object comprehensions and partial object rules build an object with ObjectInsertOnceStmt, one
// key at a time. Inserting each key into the sorted object costs a memmove (O(n²) for keys out of
// order), so where it is safe the generated code appends instead and sorts the object once, right
// after the statement holding the inserts (rt_finish_object), which also reports a repeated key
// with another value as the conflict the per-entry insert would have raised.
//
// Safe means: the object's local is written by exactly one statement of the body, a MakeObjectStmt,
// so it names one object per run of the block that makes it; the inserts sit inside a later
// statement S of that same block (or, at the top level, of a later top-level block, as partial
// rules spread over several blocks); and control always reaches the end of S once S starts — S is
// no NotStmt or WithStmt (both can fail as a whole), holds no ReturnLocalStmt and no BreakStmt
// leaving S. Otherwise the insert stays per entry.

/** Which ObjectInsertOnceStmts may append, and which objects to finish after which statement. */
export interface DeferredInserts {
  /** ObjectInsertOnceStmts that append (rt_object_append_once). */
  readonly inserts: ReadonlySet<Stmt>;
  /** Statement → IR locals of the objects to finish right after it. */
  readonly finishAfter: ReadonlyMap<Stmt, number[]>;
}

function hasInsertOnce(b: Block): boolean {
  return b.stmts.some((s) => s.type === 'ObjectInsertOnceStmt' || innerBlocks(s).some(hasInsertOnce));
}

/** Whether control can leave `s` other than by reaching its end (depth: IR blocks inside `s`). */
function mayLeave(s: Stmt, depth: number): boolean {
  if (s.type === 'ReturnLocalStmt') return true;
  if (s.type === 'BreakStmt') return s.stmt.index >= depth;
  if (depth === 0 && (s.type === 'NotStmt' || s.type === 'WithStmt')) return true;
  return innerBlocks(s).some((b) => b.stmts.some((x) => mayLeave(x, depth + 1)));
}

/** Decides, for one IR function or plan body, which object inserts append and where they finish. */
export function planDeferredInserts(body: Block[]): DeferredInserts {
  const inserts = new Set<Stmt>();
  const finishAfter = new Map<Stmt, number[]>();
  if (!body.some(hasInsertOnce)) return { inserts, finishAfter };
  const writes = new Map<number, number>();
  walkStmts(body, (s) => {
    for (const l of writtenLocals(s)) writes.set(l, (writes.get(l) ?? 0) + 1);
  });
  const madeOnce = (s: Stmt): s is Extract<Stmt, { type: 'MakeObjectStmt' }> =>
    s.type === 'MakeObjectStmt' && writes.get(s.stmt.target) === 1;

  const plan = (sequence: Stmt[]): void => {
    const made = new Set<number>();
    for (const s of sequence) {
      if (madeOnce(s)) made.add(s.stmt.target);
      const blocks = innerBlocks(s);
      if (blocks.length === 0) continue;
      if (made.size > 0 && !mayLeave(s, 0)) {
        const objects = new Set<number>();
        walkStmts(blocks, (x) => {
          if (x.type === 'ObjectInsertOnceStmt' && made.has(x.stmt.object)) {
            inserts.add(x);
            objects.add(x.stmt.object);
          }
        });
        if (objects.size > 0) finishAfter.set(s, [...objects]);
      }
      for (const b of blocks) plan(b.stmts);
    }
  };
  // Top-level blocks run one after another, once each: one sequence for this purpose.
  plan(body.flatMap((b) => b.stmts));
  return { inserts, finishAfter };
}
