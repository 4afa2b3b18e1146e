import type { Import, RefTerm, Term } from '../ast.js';

/** An import as the formatter handles it; `row` is OPA's (an added import goes after the v0 ones). */
export interface ImportView {
  path: RefTerm;
  alias?: string;
  row: number;
  col: number;
}

export function importNames(path: RefTerm): string[] {
  const head = path.head.type === 'var' ? path.head.name : '';
  return [head, ...path.path.map((p) => (p.type === 'string' ? p.value : p.type === 'var' ? p.name : ''))];
}

/** `future.keywords.X` → X; `future.keywords` → '*'. */
export function futureKeyword(path: RefTerm): string | undefined {
  const names = importNames(path);
  if (names[0] !== 'future' || names[1] !== 'keywords') return undefined;
  if (names.length === 2) return '*';
  return names.length === 3 ? names[2] : undefined;
}

export function isRegoV1Import(path: RefTerm): boolean {
  const names = importNames(path);
  return names.length === 2 && names[0] === 'rego' && names[1] === 'v1';
}

/** `rego.v2`: Rego v1 and the `and`, `or`, `not { … }` keywords; it makes `rego.v1` and future imports redundant. */
export function isRegoV2Import(path: RefTerm): boolean {
  const names = importNames(path);
  return names.length === 2 && names[0] === 'rego' && names[1] === 'v2';
}

export function viewImport(i: Import): ImportView {
  return { path: i.path, alias: i.alias, row: i.loc.line, col: i.loc.col };
}

function syntheticPath(names: string[], loc: RefTerm['loc']): RefTerm {
  return {
    type: 'ref',
    head: { type: 'var', name: names[0]!, loc },
    path: names.slice(1).map((value) => ({ type: 'string', value, loc })),
    loc,
  };
}

/** Where OPA puts an import it adds: after the last future/rego import, or at the very top. */
function nextRow(imports: ImportView[]): number {
  let max = 0;
  for (const i of imports) if (importNames(i.path)[0] === 'future' || isRegoV1Import(i.path)) max = Math.max(max, i.row);
  return max === 0 ? 1 : max + 1;
}

export function ensureImport(imports: ImportView[], names: string[], loc: RefTerm['loc']): ImportView[] {
  if (imports.some((i) => importNames(i.path).join('.') === names.join('.'))) return imports;
  return [...imports, { path: syntheticPath(names, loc), row: nextRow(imports), col: 1 }];
}

export function ensureFutureKeyword(imports: ImportView[], kw: string, loc: RefTerm['loc']): ImportView[] {
  const covered = imports.some((i) => {
    const k = futureKeyword(i.path);
    return k === '*' || k === kw || (k === 'every' && kw === 'in');
  });
  return covered ? imports : ensureImport(imports, ['future', 'keywords', kw], loc);
}

const TYPE_ORDER: Record<string, number> = { null: 0, boolean: 1, number: 2, string: 3, var: 4, ref: 5 };

function termKey(t: Term): [number, string] {
  const order = TYPE_ORDER[t.type] ?? 9;
  if (t.type === 'string') return [order, t.value];
  if (t.type === 'var') return [order, t.name];
  return [order, ''];
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** OPA's import order within a group: by path (term by term), then by alias. */
export function compareImports(a: ImportView, b: ImportView): number {
  const pa = [a.path.head, ...a.path.path];
  const pb = [b.path.head, ...b.path.path];
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    const [oa, sa] = termKey(pa[i]!);
    const [ob, sb] = termKey(pb[i]!);
    if (oa !== ob) return oa - ob;
    const c = compareStrings(sa, sb);
    if (c !== 0) return c;
  }
  if (pa.length !== pb.length) return pa.length - pb.length;
  return compareStrings(a.alias ?? '', b.alias ?? '');
}
