import type { Body, Expr, Term } from './ast.js';
import type { RuleDef } from './compile/rule-defs.js';
import { runStages } from './compile/stages/pipeline.js';
import { parseQuery } from './syntax/index.js';
import { CompileError } from './errors.js';
import type { SourceModule } from './compile.js';

/** A document a query reads: `input.user.roles`, `data.app.allow` (its ground prefix). */
export interface DocumentRef {
  root: 'data' | 'input';
  path: Array<string | number>;
}

/** What `opa deps` reports: base documents (input and data from outside) and virtual ones (rules). */
export interface QueryDependencies {
  base: DocumentRef[];
  virtual: DocumentRef[];
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** `input.user.roles`, `data.a["b-c"][0]`, as OPA prints a ref. */
export function refText(ref: DocumentRef): string {
  return ref.root + ref.path.map((p) => (typeof p === 'number' ? `[${p}]` : IDENT.test(p) ? `.${p}` : `[${JSON.stringify(p)}]`)).join('');
}

/** A ref as OPA marshals `ast.Ref`: its terms. */
export function refJson(ref: DocumentRef): unknown[] {
  return [{ type: 'var', value: ref.root }, ...ref.path.map((p) => ({ type: typeof p === 'number' ? 'number' : 'string', value: p }))];
}

/** The refs to `data` and `input` inside a term, with their ground prefix. */
function refsIn(term: Term, out: DocumentRef[]): void {
  switch (term.type) {
    case 'ref': {
      if (term.head.type === 'var' && (term.head.name === 'data' || term.head.name === 'input')) {
        const path: Array<string | number> = [];
        for (const p of term.path) {
          if (p.type === 'string') path.push(p.value);
          else if (p.type === 'number') path.push(Number(p.text));
          else break;
        }
        out.push({ root: term.head.name, path });
      }
      refsIn(term.head, out);
      term.path.forEach((p) => refsIn(p, out));
      return;
    }
    case 'array':
    case 'set':
      term.items.forEach((t) => refsIn(t, out));
      return;
    case 'object':
      term.entries.forEach(([k, v]) => (refsIn(k, out), refsIn(v, out)));
      return;
    case 'arrayComprehension':
    case 'setComprehension':
      refsIn(term.head, out);
      bodyRefs(term.body, out);
      return;
    case 'objectComprehension':
      refsIn(term.key, out);
      refsIn(term.value, out);
      bodyRefs(term.body, out);
      return;
    case 'call':
      refsIn(term.operator, out);
      term.args.forEach((t) => refsIn(t, out));
      return;
    case 'templateString':
      term.parts.forEach((p) => typeof p !== 'string' && refsIn(p, out));
      return;
    default:
      return;
  }
}

function exprRefs(e: Expr, out: DocumentRef[]): void {
  switch (e.type) {
    case 'term':
      refsIn(e.term, out);
      break;
    case 'call':
      refsIn(e.operator, out);
      e.args.forEach((t) => refsIn(t, out));
      break;
    case 'someIn':
      [e.key, e.value, e.collection].forEach((t) => t && refsIn(t, out));
      break;
    case 'every':
      refsIn(e.domain, out);
      bodyRefs(e.body, out);
      break;
    default:
      break;
  }
  for (const w of e.with) refsIn(w.value, out);
}

function bodyRefs(body: Body, out: DocumentRef[]): void {
  for (const e of body) exprRefs(e, out);
}

function ruleRefs(def: RuleDef): DocumentRef[] {
  const out: DocumentRef[] = [];
  bodyRefs(def.body, out);
  for (const t of [def.value, ...def.keys, ...def.args, ...(def.element ? [def.element] : [])]) refsIn(t, out);
  for (const e of def.elses) {
    bodyRefs(e.body, out);
    refsIn(e.value, out);
  }
  return out;
}

const startsWith = (long: ReadonlyArray<string | number>, short: ReadonlyArray<string | number>) => short.every((p, i) => long[i] === p);

/** Drops refs that extend another ref of the list, and duplicates; sorted by their text. */
function minimal(refs: DocumentRef[]): DocumentRef[] {
  const unique = new Map(refs.map((r) => [refText(r), r]));
  const all = [...unique.values()];
  return all.filter((r) => !all.some((o) => o !== r && o.root === r.root && o.path.length < r.path.length && startsWith(r.path, o.path))).sort((a, b) => refText(a).localeCompare(refText(b)));
}

/**
 * The documents a query depends on, as `opa deps` reports them: rules it reaches (directly or
 * through other rules and functions) are virtual documents; `input` and the `data` no rule defines
 * are base documents, each as its ground prefix (`data.roles[input.user]` reads `data.roles`).
 */
export function queryDependencies(modules: SourceModule[], query: string, regoVersion: 0 | 1 = 1): QueryDependencies {
  const parsed = parseQuery(query, { file: '<query>', regoVersion });
  if (!parsed.body) throw new CompileError(parsed.diagnostics);
  const state = runStages({ modules, queryBody: parsed.body, regoVersion }, 'resolve');
  if (state.diagnostics.length > 0) throw new CompileError(state.diagnostics);
  const base: DocumentRef[] = [];
  const virtual = new Map<string, DocumentRef>();
  const pending: DocumentRef[] = [];
  bodyRefs(state.query ?? [], pending);
  for (let ref = pending.pop(); ref; ref = pending.pop()) {
    if (ref.root === 'input') {
      base.push(ref);
      continue;
    }
    const rules = state.defs.filter((d) => startsWith(d.path, ref!.path) || startsWith(ref!.path, d.path));
    if (rules.length === 0) base.push(ref);
    for (const def of rules) {
      const doc: DocumentRef = { root: 'data', path: def.path };
      const key = refText(doc);
      if (!virtual.has(key)) {
        virtual.set(key, doc);
        for (const d of state.defs.filter((x) => refText({ root: 'data', path: x.path }) === key)) pending.push(...ruleRefs(d));
      }
    }
  }
  return { base: minimal(base), virtual: [...virtual.values()].sort((a, b) => refText(a).localeCompare(refText(b))) };
}
