import type { Block, Stmt } from '../ir/types.js';
import { walkStmts, writtenLocals } from './ir-walk.js';

/**
 * The lookups of a function body into documents of `data` (held in local `dataLocal`) by a key
 * only known when evaluated: DotStmts whose source is `data`, or a local set only by such lookups,
 * and whose key is a local. OPA reads base documents by storage path, where a number key is its
 * text (`data.users[input.id]` with `input.id` 123 finds `"123"`); a document first bound to a
 * variable is a value, looked up as values are (`u := data.users; u[123]` finds nothing), which
 * the planner writes as an assignment in between.
 */
export function dataLookups(blocks: Block[], dataLocal: number): Set<Stmt> {
  const writers = new Map<number, Stmt[]>();
  walkStmts(blocks, (s) => {
    for (const local of writtenLocals(s)) {
      const list = writers.get(local);
      if (list) list.push(s);
      else writers.set(local, [s]);
    }
  });
  const fromData = (s: Stmt, documents: ReadonlySet<number>): boolean => s.type === 'DotStmt' && s.stmt.source.type === 'local' && documents.has(s.stmt.source.value);
  // Locals that hold a document of data wherever they are set: grown until nothing changes.
  const documents = new Set<number>([dataLocal]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const [local, list] of writers) {
      if (local === dataLocal || documents.has(local) || !list.every((s) => fromData(s, documents))) continue;
      documents.add(local);
      grew = true;
    }
  }
  const lookups = new Set<Stmt>();
  walkStmts(blocks, (s) => {
    if (fromData(s, documents) && s.type === 'DotStmt' && s.stmt.key.type === 'local') lookups.add(s);
  });
  return lookups;
}
