import type { Block, Operand, Stmt } from '../ir/types.js';

/** Blocks nested directly in a statement. */
export function innerBlocks(s: Stmt): Block[] {
  switch (s.type) {
    case 'BlockStmt':
      return s.stmt.blocks;
    case 'NotStmt':
    case 'ScanStmt':
    case 'WithStmt':
      return [s.stmt.block];
    default:
      return [];
  }
}

/** Locals a statement assigns. */
export function writtenLocals(s: Stmt): number[] {
  switch (s.type) {
    case 'AssignIntStmt':
    case 'AssignVarStmt':
    case 'AssignVarOnceStmt':
    case 'DotStmt':
    case 'LenStmt':
    case 'MakeNullStmt':
    case 'MakeNumberIntStmt':
    case 'MakeNumberRefStmt':
    case 'MakeArrayStmt':
    case 'MakeObjectStmt':
    case 'MakeSetStmt':
    case 'ObjectMergeStmt':
    case 'ResetLocalStmt':
      return [s.stmt.target];
    case 'CallStmt':
    case 'CallDynamicStmt':
      return [s.stmt.result];
    case 'ScanStmt':
      return [s.stmt.key, s.stmt.value];
    case 'WithStmt':
      return [s.stmt.local];
    default:
      return [];
  }
}

function operandLocal(o: Operand): number[] {
  return o.type === 'local' ? [o.value] : [];
}

/** Locals a statement reads itself (not in its nested blocks). */
export function readLocals(s: Stmt): number[] {
  switch (s.type) {
    case 'ArrayAppendStmt':
      return [s.stmt.array, ...operandLocal(s.stmt.value)];
    case 'AssignVarStmt':
      return operandLocal(s.stmt.source);
    case 'AssignVarOnceStmt':
      return [s.stmt.target, ...operandLocal(s.stmt.source)];
    case 'CallStmt':
      return s.stmt.args.flatMap(operandLocal);
    case 'CallDynamicStmt':
      return [...s.stmt.path.flatMap(operandLocal), ...s.stmt.args];
    case 'DotStmt':
      return [...operandLocal(s.stmt.source), ...operandLocal(s.stmt.key)];
    case 'EqualStmt':
    case 'NotEqualStmt':
      return [...operandLocal(s.stmt.a), ...operandLocal(s.stmt.b)];
    case 'IsArrayStmt':
    case 'IsObjectStmt':
    case 'IsSetStmt':
    case 'LenStmt':
      return operandLocal(s.stmt.source);
    case 'IsDefinedStmt':
    case 'IsUndefinedStmt':
    case 'ReturnLocalStmt':
    case 'ResultSetAddStmt':
      return [s.type === 'ResultSetAddStmt' ? s.stmt.value : s.stmt.source];
    case 'ObjectInsertStmt':
    case 'ObjectInsertOnceStmt':
      return [s.stmt.object, ...operandLocal(s.stmt.key), ...operandLocal(s.stmt.value)];
    case 'ObjectMergeStmt':
      return [s.stmt.a, s.stmt.b];
    case 'ScanStmt':
      return [s.stmt.source];
    case 'SetAddStmt':
      return [s.stmt.set, ...operandLocal(s.stmt.value)];
    case 'WithStmt':
      return [s.stmt.local, ...operandLocal(s.stmt.value)];
    default:
      return [];
  }
}

/** Every statement of `blocks`, outer before inner, in order. */
export function walkStmts(blocks: Block[], visit: (s: Stmt) => void): void {
  for (const b of blocks) {
    for (const s of b.stmts) {
      visit(s);
      walkStmts(innerBlocks(s), visit);
    }
  }
}
