import type { Body, Expr, Module, Rule, Term } from '../ast.js';

/** Calls `visit` on every expression of a module, comprehension and `every` bodies included. */
export function walkExprs(module: Module, visit: (e: Expr) => void): void {
  const term = (t: Term | undefined): void => {
    if (!t) return;
    switch (t.type) {
      case 'ref':
        term(t.head);
        t.path.forEach(term);
        break;
      case 'array':
      case 'set':
        t.items.forEach(term);
        break;
      case 'object':
        for (const [k, v] of t.entries) {
          term(k);
          term(v);
        }
        break;
      case 'arrayComprehension':
      case 'setComprehension':
        term(t.head);
        body(t.body);
        break;
      case 'objectComprehension':
        term(t.key);
        term(t.value);
        body(t.body);
        break;
      case 'call':
        t.args.forEach(term);
        break;
      case 'templateString':
        for (const p of t.parts) if (typeof p !== 'string') term(p);
        break;
      default:
        break;
    }
  };
  const body = (b: Body): void => {
    for (const e of b) {
      visit(e);
      switch (e.type) {
        case 'term':
          term(e.term);
          break;
        case 'call':
          e.args.forEach(term);
          break;
        case 'someIn':
          term(e.key);
          term(e.value);
          term(e.collection);
          break;
        case 'every':
          term(e.domain);
          body(e.body);
          break;
        default:
          break;
      }
      for (const w of e.with) term(w.value);
    }
  };
  for (const first of module.rules) {
    for (let rule: Rule | undefined = first; rule; rule = rule.else) {
      body(rule.body);
      for (const t of [...rule.head.ref, ...(rule.head.args ?? []), rule.head.key, rule.head.value]) term(t);
    }
  }
}
