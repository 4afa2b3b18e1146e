import type { Body, Term } from '../ast.js';
import type { Diagnostic } from '../diagnostics.js';
import type { RuleDef, RuleGroup } from './rule-defs.js';
import { exprTermsOf, type SafetyChecker } from './safety.js';
import { displayName, varsOf, ROOTS } from './terms.js';

type Comprehension = Extract<Term, { type: 'arrayComprehension' | 'setComprehension' | 'objectComprehension' }>;

/**
 * Every body of a policy in the order it runs, keyed by the body as written: what the safety stage
 * hands the planner. Keyed by identity, so a rule planned again under another `with` environment
 * finds the same order.
 */
export class OrderedBodies {
  private readonly byBody = new Map<Body, Body>();

  set(written: Body, ordered: Body): void {
    this.byBody.set(written, ordered);
  }

  /** The body reordered for safety; a body the safety stage never saw is a compiler bug, not a policy's. */
  get(written: Body): Body {
    const ordered = this.byBody.get(written);
    if (ordered === undefined) throw new Error('compiler: a body reached the planner without passing the safety stage');
    return ordered;
  }
}

/**
 * Walks rule definitions and queries as the planner will plan them (arguments bound first, then
 * the body, then the head; comprehension and `every` bodies with what is bound where they appear),
 * orders each body with the `SafetyChecker`, and reports the head variables nothing binds. Only
 * what planning would reach is visited: the expressions after an unsafe one are not.
 */
export class BodyOrderer {
  readonly ordered = new OrderedBodies();

  constructor(
    private readonly checker: SafetyChecker,
    private readonly report: (d: Diagnostic) => void,
  ) {}

  /** A rule group: its definitions, then its defaults (a default's value is planned on its own). */
  group(group: RuleGroup): void {
    for (const def of group.defs) this.def(def, group);
    for (const def of group.defaults) this.head([def.value], new Set());
  }

  /** An ad-hoc query: nothing bound before it. */
  query(body: Body): void {
    this.body(body, new Set(), undefined);
  }

  private def(def: RuleDef, group: RuleGroup): void {
    const args = new Set<string>();
    for (const a of def.args) varsOf(a, args);
    for (const r of ROOTS) args.delete(r);
    const outer = new Set<string>();
    for (const t of [def.value, ...(def.element ? [def.element] : []), ...def.keys]) varsOf(t, outer);
    const head =
      group.kind === 'set' ? [def.element!]
      : group.kind === 'object' ? [...def.keys, def.element ?? def.value]
      : [def.value];
    this.head(head, this.body(def.body, new Set(args), outer));
    if (group.kind === 'set' || group.kind === 'object') return;
    for (const e of def.elses) this.head([e.value], this.body(e.body, new Set(args), outer));
  }

  /** Orders `body` and the bodies nested in it; returns what is bound once it has run. */
  private body(body: Body, bound: Set<string>, outer: Set<string> | undefined): Set<string> {
    const r = this.checker.order(body, bound, outer);
    this.ordered.set(body, r.body);
    let allVars: Set<string> | undefined;
    const known = new Set(bound);
    r.body.forEach((e, i) => {
      const terms = exprTermsOf(e);
      if (e.type === 'every' || terms.some(holdsClosure)) {
        // A closure sees what is bound before its expression and what the expression binds before
        // it; any variable it shares with this body must be bound by then, or the expression is unsafe.
        const inside = new Set(known);
        for (const t of terms) varsOf(t, inside);
        for (const t of terms) this.closures(t, inside);
        if (e.type === 'every') {
          if (!allVars) {
            allVars = new Set<string>(outer ?? []);
            for (const x of body) for (const t of exprTermsOf(x)) varsOf(t, allVars);
          }
          const local = new Set(inside);
          local.add(e.value.name);
          if (e.key) local.add(e.key.name);
          this.body(e.body, local, allVars);
        }
      }
      for (const v of r.binds[i]!) known.add(v);
    });
    return r.bound;
  }

  /** The comprehensions in `t` (not those nested in them: their bodies visit those). */
  private closures(t: Term, bound: Set<string>): void {
    switch (t.type) {
      case 'arrayComprehension':
      case 'setComprehension':
      case 'objectComprehension':
        return this.comprehension(t, bound);
      case 'ref':
        this.closures(t.head, bound);
        return t.path.forEach((p) => this.closures(p, bound));
      case 'array':
      case 'set':
        return t.items.forEach((x) => this.closures(x, bound));
      case 'object':
        return t.entries.forEach(([k, v]) => {
          this.closures(k, bound);
          this.closures(v, bound);
        });
      case 'call':
        return t.args.forEach((a) => this.closures(a, bound));
      case 'templateString':
        return t.parts.forEach((p) => typeof p !== 'string' && this.closures(p, bound));
      default:
        return;
    }
  }

  private comprehension(c: Comprehension, bound: Set<string>): void {
    const after = this.body(c.body, new Set(bound), new Set(bound));
    this.head(c.type === 'objectComprehension' ? [c.key, c.value] : [c.head], after);
  }

  /** Head terms, planned after their body: the first variable nothing binds is unsafe. */
  private head(terms: Term[], bound: Set<string>): void {
    const b = new Set(bound);
    for (const t of terms) if (!this.headTerm(t, b)) return;
  }

  /** Follows the planner's order over a term; false where planning it would stop. */
  private headTerm(t: Term, b: Set<string>): boolean {
    switch (t.type) {
      case 'var':
        if (ROOTS.has(t.name) || b.has(t.name)) return true;
        this.report({ code: 'rego_unsafe_var_error', message: `var ${displayName(t.name)} is unsafe`, file: t.loc.file, line: t.loc.line, col: t.loc.col });
        return false;
      case 'ref':
        if (!this.headTerm(t.head, b)) return false;
        for (const seg of t.path) {
          // A path segment with unbound variables iterates the collection and binds them.
          if ([...varsOf(seg)].some((v) => !ROOTS.has(v) && !b.has(v))) varsOf(seg, b);
          else if (!this.headTerm(seg, b)) return false;
        }
        return true;
      case 'array':
      case 'set':
        return t.items.every((x) => this.headTerm(x, b));
      case 'object':
        return t.entries.every(([k, v]) => this.headTerm(k, b) && this.headTerm(v, b));
      case 'arrayComprehension':
      case 'setComprehension':
      case 'objectComprehension':
        this.comprehension(t, b);
        return true;
      case 'call':
        return t.args.every((a) => this.headTerm(a, b));
      case 'templateString':
        // Each embedded value is planned in a block of its own: a failure there ends only that block.
        for (const p of t.parts) {
          if (typeof p === 'string') continue;
          if (p.type === 'setComprehension' && p.templateValue) this.headTerm(p, b);
          else this.headTerm(p, new Set(b));
        }
        return true;
      default:
        return true;
    }
  }
}

/** Whether a term holds a comprehension (a body of its own to order). */
function holdsClosure(t: Term): boolean {
  switch (t.type) {
    case 'arrayComprehension':
    case 'setComprehension':
    case 'objectComprehension':
      return true;
    case 'ref':
      return holdsClosure(t.head) || t.path.some(holdsClosure);
    case 'array':
    case 'set':
      return t.items.some(holdsClosure);
    case 'object':
      return t.entries.some(([k, v]) => holdsClosure(k) || holdsClosure(v));
    case 'call':
      return t.args.some(holdsClosure);
    case 'templateString':
      return t.parts.some((p) => typeof p !== 'string' && holdsClosure(p));
    default:
      return false;
  }
}
