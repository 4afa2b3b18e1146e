import type { Block, Func, Operand, Stmt } from '../ir/types.js';
import { innerBlocks, readLocals, walkStmts } from './ir-walk.js';

// Statements that neither read anything an evaluation changes nor can fail: what a rule made only
// of them builds is the same in every evaluation. (Conflicts, builtins, `with` and reads of input
// or data are kept out; see constantRules.)
const PLAIN = new Set<Stmt['type']>([
  'ArrayAppendStmt', 'AssignIntStmt', 'AssignVarStmt', 'BlockStmt', 'BreakStmt', 'DotStmt', 'EqualStmt', 'NotEqualStmt',
  'IsArrayStmt', 'IsObjectStmt', 'IsSetStmt', 'IsDefinedStmt', 'IsUndefinedStmt', 'LenStmt', 'MakeNullStmt',
  'MakeNumberIntStmt', 'MakeNumberRefStmt', 'MakeArrayStmt', 'MakeObjectStmt', 'MakeSetStmt', 'NopStmt', 'NotStmt',
  'ObjectInsertStmt', 'ObjectMergeStmt', 'ResetLocalStmt', 'ReturnLocalStmt', 'ScanStmt', 'SetAddStmt',
]);

const INPUT = 0;
const DATA = 1;

/** A constant key of an insertion, or undefined for a local. */
function constantKey(o: Operand): string | undefined {
  return o.type === 'local' ? undefined : `${o.type}:${o.value}`;
}

/**
 * Whether rule `f` (a function of input and data) builds its value from constants alone, calling
 * only rules in `constant`, with nothing that can fail: no builtin, no `with`, no read of input or
 * data, an `AssignVarOnceStmt` only once per target and outside loops, `ObjectInsertOnceStmt`s
 * outside loops with distinct constant keys per object (so no conflict can arise).
 */
function buildsConstant(f: Func, constant: ReadonlySet<string>): boolean {
  const onceTargets = new Set<number>();
  const onceKeys = new Map<number, Set<string>>();
  const ok = (blocks: Block[], inLoop: boolean): boolean =>
    blocks.every((b) =>
      b.stmts.every((s) => {
        if (s.type === 'CallStmt') {
          // The callee ignores its arguments (input and data, as every rule's): passing them reads nothing.
          if (!constant.has(s.stmt.func)) return false;
        } else {
          if (readLocals(s).some((l) => l === INPUT || l === DATA)) return false;
          if (s.type === 'AssignVarOnceStmt') {
            if (inLoop || onceTargets.has(s.stmt.target)) return false;
            onceTargets.add(s.stmt.target);
          } else if (s.type === 'ObjectInsertOnceStmt') {
            const key = constantKey(s.stmt.key);
            const keys = onceKeys.get(s.stmt.object) ?? new Set<string>();
            if (inLoop || key === undefined || keys.has(key)) return false;
            keys.add(key);
            onceKeys.set(s.stmt.object, keys);
          } else if (!PLAIN.has(s.type)) return false;
        }
        return ok(innerBlocks(s), inLoop || s.type === 'ScanStmt');
      }),
    );
  return ok(f.blocks ?? [], false);
}

/**
 * The rules among `rules` whose value is the same in every evaluation and whose evaluation cannot
 * fail, callees before their callers: the module builds their values once, when it is
 * instantiated, instead of in every evaluation (a table of thousands of routes written in the
 * policy, say). Found by elimination: a rule that calls one found not constant is not either.
 */
export function constantRules(rules: readonly Func[]): Func[] {
  const candidates = new Set(rules.map((f) => f.name));
  for (let changed = true; changed; ) {
    changed = false;
    for (const f of rules) {
      if (candidates.has(f.name) && !buildsConstant(f, candidates)) {
        candidates.delete(f.name);
        changed = true;
      }
    }
  }
  const byName = new Map(rules.map((f) => [f.name, f]));
  const ordered: Func[] = [];
  const placed = new Set<string>();
  const place = (name: string): void => {
    if (placed.has(name) || !candidates.has(name)) return;
    placed.add(name);
    const f = byName.get(name)!;
    walkStmts(f.blocks ?? [], (s) => {
      if (s.type === 'CallStmt') place(s.stmt.func);
    });
    ordered.push(f);
  };
  for (const f of rules) place(f.name);
  return ordered;
}
