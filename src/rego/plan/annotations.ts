import type { Annotations, Location, Module, Term } from '../ast.js';
import type { RuleDef } from '../compile/rule-defs.js';

/** METADATA as `rego.metadata.rule()` / `chain()` return it: `scope` plus the block's fields, authors as objects. */
export function annotationValue(a: Annotations): Record<string, unknown> {
  const out: Record<string, unknown> = { ...a.fields, scope: a.scope };
  if (Array.isArray(a.fields.authors)) {
    out.authors = a.fields.authors.map((x) => {
      if (typeof x !== 'string') return x;
      const m = /^(.*?)\s*<([^>]+)>\s*$/.exec(x);
      return m ? { ...(m[1] ? { name: m[1] } : {}), email: m[2] } : { name: x };
    });
  }
  return out;
}

/** `rego.metadata.chain()` for a rule: its own annotations, document-scoped ones, then packages outward. */
export function metadataChain(def: RuleDef, siblings: RuleDef[], modules: Module[]): unknown[] {
  const chain: unknown[] = [];
  const own = def.rule.annotations;
  chain.push(own && own.scope === 'rule' ? { path: def.path, annotations: annotationValue(own) } : { path: def.path });
  const doc = siblings.map((d) => d.rule.annotations).find((a) => a?.scope === 'document');
  if (doc) chain.push({ path: def.path, annotations: annotationValue(doc) });
  const pkg = def.module.package.path.map((p) => p.value);
  for (let depth = pkg.length; depth > 0; depth--) {
    const path = pkg.slice(0, depth);
    const wanted = depth === pkg.length ? ['package', 'subpackages'] : ['subpackages'];
    for (const m of modules) {
      if (m.package.path.map((p) => p.value).join('.') !== path.join('.')) continue;
      for (const a of m.annotations) if (wanted.includes(a.scope)) chain.push({ path, annotations: annotationValue(a) });
    }
  }
  return chain;
}

/** A JSON value as a ground term, so that the planner can plan it like any literal. */
export function valueTerm(v: unknown, loc: Location): Term {
  if (v === null || v === undefined) return { type: 'null', loc };
  if (typeof v === 'boolean') return { type: 'boolean', value: v, loc };
  if (typeof v === 'number') return { type: 'number', text: String(v), loc };
  if (typeof v === 'string') return { type: 'string', value: v, loc };
  if (Array.isArray(v)) return { type: 'array', items: v.map((x) => valueTerm(x, loc)), loc };
  return { type: 'object', entries: Object.entries(v as Record<string, unknown>).map(([k, x]) => [{ type: 'string', value: k, loc }, valueTerm(x, loc)] as [Term, Term]), loc };
}
