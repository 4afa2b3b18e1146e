import type { Operand } from '../../ir/types.js';
import { boolOp, local, type FnBuilder } from './ir-builder.js';

// Ranges of at most this many constants compare each directly instead of halving further.
const LINEAR_LEAVES = 2;

/**
 * Finds the value of local `key` among `count` constants sorted in Rego's order: halves the range
 * with the `lt` builtin (which orders any two values) until a few are left, then compares each;
 * `leaf(i)` runs, in a block of its own, after `key` equals constant `i`. `constant(i)` emits what
 * the constant needs and gives its operand. One local per depth holds a comparison's outcome, so
 * thousands of constants need tens of locals.
 */
export function planSortedSearch(fb: FnBuilder, key: number, count: number, constant: (i: number) => Operand, leaf: (i: number) => void): void {
  const below: number[] = [];
  const search = (lo: number, hi: number, depth: number): void => {
    if (hi - lo <= LINEAR_LEAVES) {
      for (let i = lo; i < hi; i++) {
        const block = fb.block(() => {
          fb.emit('EqualStmt', { a: local(key), b: constant(i) });
          leaf(i);
        });
        fb.emit('BlockStmt', { blocks: [block] });
      }
      return;
    }
    const mid = (lo + hi) >> 1;
    const isBelow = (below[depth] ??= fb.newLocal());
    fb.ir.useBuiltin('lt', 2);
    fb.emit('CallStmt', { func: 'lt', args: [local(key), constant(mid)], result: isBelow });
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
  search(0, count, 0);
}
