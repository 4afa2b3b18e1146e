import type { Body, Expr, Term } from '../ast.js';
import type { Diagnostic } from '../diagnostics.js';
import { AddedNames, type BoundNames } from './bound-names.js';
import { splitUnifications } from './split-unifications.js';
import { displayName, exprTerms, refName, termKey, varsOf, walkTerm, ROOTS } from './terms.js';

/** How many arguments a callable takes (builtin or user function), or undefined if unknown. */
export type ArityOf = (operator: Term) => number | undefined;

const isWildcard = (name: string) => name.startsWith('$');

/**
 * Orders a body so that every variable is bound before it is read, as OPA's safety check does
 * (the first runnable expression is taken each time, so a safe body keeps its order), and reports
 * the variables that no ordering binds as `rego_unsafe_var_error`.
 */
export class SafetyChecker {
  constructor(
    private readonly arityOf: ArityOf,
    private readonly report: (d: Diagnostic) => void,
  ) {}

  /** Variables a comprehension reads from its enclosing body. */
  private closureVars(t: Term, outer: Set<string>): Set<string> {
    const out = new Set<string>();
    walkTerm(t, (x) => {
      if (x.type === 'var' && outer.has(x.name) && !ROOTS.has(x.name)) out.add(x.name);
    });
    return out;
  }

  evaluable(t: Term, bound: BoundNames, outer: Set<string>): boolean {
    switch (t.type) {
      case 'var':
        return bound.has(t.name) || ROOTS.has(t.name);
      case 'ref':
        return this.evaluable(t.head, bound, outer) && t.path.every((p) => this.pathEvaluable(p, bound, outer));
      case 'array':
      case 'set':
        return t.items.every((x) => this.evaluable(x, bound, outer));
      case 'object':
        return t.entries.every(([k, v]) => this.evaluable(k, bound, outer) && this.evaluable(v, bound, outer));
      case 'call':
        return t.args.every((a) => this.evaluable(a, bound, outer));
      case 'templateString':
        return t.parts.every((p) => typeof p === 'string' || this.evaluable(p, bound, outer));
      case 'arrayComprehension':
      case 'setComprehension':
      case 'objectComprehension':
        return [...this.closureVars(t, outer)].every((v) => bound.has(v));
      default:
        return true;
    }
  }

  /** Ref path segments may be unbound variables or patterns: evaluation iterates and binds them. */
  private pathEvaluable(t: Term, bound: BoundNames, outer: Set<string>): boolean {
    if (t.type === 'var') return true;
    if (t.type === 'array' || t.type === 'object') return this.patternOk(t, bound, outer);
    return this.evaluable(t, bound, outer);
  }

  /** A term usable as a unification pattern: unbound vars only where unification can bind them. */
  patternOk(t: Term, bound: BoundNames, outer: Set<string>): boolean {
    if (t.type === 'var') return true;
    if (t.type === 'array') return t.items.every((x) => this.patternOk(x, bound, outer));
    if (t.type === 'object') return t.entries.every(([k, v]) => this.evaluable(k, bound, outer) && this.patternOk(v, bound, outer));
    return this.evaluable(t, bound, outer);
  }

  /** Vars that evaluating `t` binds (unbound ref path variables) or unifying it as a pattern binds. */
  private binds(t: Term, bound: BoundNames, out: { add(name: string): unknown }): void {
    switch (t.type) {
      case 'var':
        if (!bound.has(t.name) && !ROOTS.has(t.name)) out.add(t.name);
        return;
      case 'ref':
        this.binds(t.head, bound, out);
        t.path.forEach((p) => this.binds(p, bound, out));
        return;
      case 'array':
      case 'set':
        t.items.forEach((x) => this.binds(x, bound, out));
        return;
      case 'object':
        t.entries.forEach(([k, v]) => {
          this.binds(k, bound, out);
          this.binds(v, bound, out);
        });
        return;
      case 'call':
        t.args.forEach((a) => this.binds(a, bound, out));
        return;
      case 'templateString':
        t.parts.forEach((p) => typeof p !== 'string' && this.binds(p, bound, out));
        return;
      default:
        return;
    }
  }

  private unifiable(a: Term, b: Term, bound: BoundNames, outer: Set<string>): boolean {
    if (this.evaluable(a, bound, outer) && this.patternOk(b, bound, outer)) return true;
    if (this.evaluable(b, bound, outer) && this.patternOk(a, bound, outer)) return true;
    if (a.type === 'array' && b.type === 'array' && a.items.length === b.items.length) {
      const scratch = new AddedNames(bound);
      return a.items.every((x, i) => {
        const ok = this.unifiable(x, b.items[i]!, scratch, outer);
        if (ok) {
          this.binds(x, scratch, scratch);
          this.binds(b.items[i]!, scratch, scratch);
        }
        return ok;
      });
    }
    if (a.type === 'object' && b.type === 'object' && a.entries.length === b.entries.length) {
      const bByKey = new Map(b.entries.map(([kt, vt]) => [termKey(kt), vt]));
      const scratch = new AddedNames(bound);
      return a.entries.every(([kt, vt]) => {
        const other = bByKey.get(termKey(kt));
        if (other === undefined || !this.unifiable(vt, other, scratch, outer)) return false;
        this.binds(vt, scratch, scratch);
        this.binds(other, scratch, scratch);
        return true;
      });
    }
    return false;
  }

  /** Adds to `out` the key variables of the refs in `t` whose heads are bound (not inside closures). */
  private refKeyVars(t: Term, bound: BoundNames, outer: Set<string>, out: AddedNames): void {
    switch (t.type) {
      case 'ref':
        if (this.evaluable(t.head, bound, outer)) for (const p of t.path) for (const v of varsOf(p)) out.add(v);
        return;
      case 'array':
      case 'set':
        return t.items.forEach((x) => this.refKeyVars(x, bound, outer, out));
      case 'object':
        return t.entries.forEach(([k, v]) => {
          this.refKeyVars(k, bound, outer, out);
          this.refKeyVars(v, bound, outer, out);
        });
      case 'call':
        return t.args.forEach((a) => this.refKeyVars(a, bound, outer, out));
      case 'templateString':
        return t.parts.forEach((p) => typeof p !== 'string' && this.refKeyVars(p, bound, outer, out));
      default:
        return;
    }
  }

  /** Whether `e` can run now; if so, the variables it binds. */
  private runnable(e: Expr, bound: BoundNames, outer: Set<string>): Set<string> | undefined {
    // A `with` value naming a function or builtin replaces it; any other value must be computable.
    if (!e.with.every((w) => (w.value.type === 'ref' || w.value.type === 'var') && this.arityOf(w.value) !== undefined || this.evaluable(w.value, bound, outer))) return undefined;
    const out = new Set<string>();
    let ok = false;
    switch (e.type) {
      case 'term':
        ok = this.evaluable(e.term, bound, outer);
        if (ok) this.binds(e.term, bound, out);
        break;
      case 'call': {
        const name = refName(e.operator);
        // As OPA's `outputVarsForTerms`: a ref whose head is bound binds its key variables, so
        // they count as bound for the rest of the expression (`i < input.xs[i]`).
        const withKeys = new AddedNames(bound);
        for (const a of e.args) this.refKeyVars(a, bound, outer, withKeys);
        if (name === 'eq' && e.args.length === 2) {
          // `:=` is directional: its value is read, never bound through the variables it assigns.
          ok = e.fromAssign ? this.evaluable(e.args[1]!, withKeys, outer) && this.patternOk(e.args[0]!, withKeys, outer) : this.unifiable(e.args[0]!, e.args[1]!, withKeys, outer);
          if (ok) e.args.forEach((a) => this.binds(a, bound, out));
          break;
        }
        const arity = this.arityOf(e.operator);
        if (arity !== undefined && e.args.length === arity + 1) {
          const inputs = e.args.slice(0, arity);
          ok = inputs.every((a) => this.evaluable(a, withKeys, outer)) && this.patternOk(e.args[arity]!, withKeys, outer);
        } else ok = e.args.every((a) => this.evaluable(a, withKeys, outer));
        if (ok) e.args.forEach((a) => this.binds(a, bound, out));
        break;
      }
      case 'someIn':
        ok = this.evaluable(e.collection, bound, outer) && (!e.key || this.patternOk(e.key, bound, outer)) && this.patternOk(e.value, bound, outer);
        if (ok) [e.collection, e.value, ...(e.key ? [e.key] : [])].forEach((t) => this.binds(t, bound, out));
        break;
      case 'every': {
        ok = this.evaluable(e.domain, bound, outer);
        if (ok) this.binds(e.domain, bound, out);
        const local = new Set<string>([e.value.name, ...(e.key ? [e.key.name] : [])]);
        const reads = new Set<string>();
        for (const x of e.body) for (const t of exprTermsOf(x)) varsOf(t, reads, true);
        for (const v of reads) if (outer.has(v) && !local.has(v) && !bound.has(v)) ok = false;
        break;
      }
      case 'some':
        ok = true;
        break;
    }
    if (!ok) return undefined;
    if (e.negated) {
      // A negated expression binds nothing outside; only wildcards may be unbound inside it.
      for (const v of out) if (!isWildcard(v)) return undefined;
      return new Set();
    }
    return out;
  }

  /**
   * Reorders `body` given the variables already bound; reports unsafe variables. `binds[i]` holds
   * the variables the i-th ordered expression binds; the order stops at the first unsafe one.
   */
  order(written: Body, bound: Set<string>, outerVars?: Set<string>): { body: Body; bound: Set<string>; binds: Array<Set<string>> } {
    const body = splitUnifications(written);
    const outer = outerVars ?? new Set<string>();
    const known = new Set(bound);
    const allVars = new Set<string>(outer);
    for (const e of body) for (const t of exprTermsOf(e)) varsOf(t, allVars);
    const remaining = [...body];
    const ordered: Body = [];
    const steps: Array<Set<string>> = [];
    while (remaining.length > 0) {
      let picked = -1;
      let binds: Set<string> | undefined;
      for (let i = 0; i < remaining.length; i++) {
        binds = this.runnable(remaining[i]!, known, allVars);
        if (binds) {
          picked = i;
          break;
        }
      }
      if (picked < 0) {
        this.reportUnsafe(remaining, known);
        break;
      }
      ordered.push(remaining.splice(picked, 1)[0]!);
      steps.push(binds!);
      for (const v of binds!) known.add(v);
    }
    return { body: ordered, bound: known, binds: steps };
  }

  private reportUnsafe(exprs: Body, bound: Set<string>): void {
    const seen = new Set<string>();
    const operators = new Set<Term>();
    for (const e of exprs) {
      for (const t of exprTermsOf(e)) walkTerm(t, (x) => x.type === 'call' && operators.add(x.operator.head));
    }
    for (const e of exprs) {
      for (const t of exprTermsOf(e)) {
        walkTerm(t, (x) => {
          if (operators.has(x)) return;
          if (x.type !== 'var' || bound.has(x.name) || ROOTS.has(x.name) || seen.has(x.name)) return;
          if (t.type === 'ref' && x === t.head && exprIsCallOperator(e, t)) return;
          seen.add(x.name);
          const shown = displayName(x.name);
          this.report({ code: 'rego_unsafe_var_error', message: `var ${shown} is unsafe`, file: x.loc.file, line: x.loc.line, col: x.loc.col });
        });
      }
    }
  }
}

function exprIsCallOperator(e: Expr, t: Term): boolean {
  return e.type === 'call' && e.operator === t;
}

/** The terms of an expression that hold variables (not a call's operator name). */
export const exprTermsOf = (e: Expr): Term[] => exprTerms(e, true);
