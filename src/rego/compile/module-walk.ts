import type { Body, Expr, Module, Rule, Term } from '../ast.js';
import { exprTerms, walkTerm } from './terms.js';

/** A rule and its `else` branches, each with its own head value and body. */
export function ruleBranches(rule: Rule): Rule[] {
  const out: Rule[] = [];
  for (let r: Rule | undefined = rule; r; r = r.else) out.push(r);
  return out;
}

/** The terms of a rule's head: ref segments after the name, arguments, key and value. */
export function headTerms(rule: Rule): Term[] {
  const h = rule.head;
  return [...h.ref.slice(1), ...(h.args ?? []), ...(h.key ? [h.key] : []), ...(h.value ? [h.value] : [])];
}

export interface ModuleVisitor {
  expr?: (e: Expr) => void;
  term?: (t: Term) => void;
}

/**
 * Visits every expression and term of a module's rules (heads, `else` branches, comprehension and
 * `every` bodies included), each once.
 */
export function walkRules(module: Module, visitor: ModuleVisitor): void {
  const term = (t: Term): void =>
    walkTerm(t, (x) => {
      visitor.term?.(x);
      if (x.type === 'arrayComprehension' || x.type === 'setComprehension' || x.type === 'objectComprehension') bodyExprs(x.body);
    });
  // walkTerm descends into comprehension bodies' terms itself; bodyExprs only reports their expressions.
  const bodyExprs = (body: Body): void => {
    for (const e of body) {
      visitor.expr?.(e);
      if (e.type === 'every') bodyExprs(e.body);
    }
  };
  const body = (b: Body): void => {
    for (const e of b) {
      visitor.expr?.(e);
      for (const t of exprTerms(e)) term(t);
      if (e.type === 'every') body(e.body);
    }
  };
  for (const rule of module.rules) {
    for (const branch of ruleBranches(rule)) {
      headTerms(branch).forEach(term);
      body(branch.body);
    }
  }
}
