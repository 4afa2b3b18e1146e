import type { Body, Expr, Location, Module, RefTerm, Rule, Term, VarTerm } from '../ast.js';
import type { Diagnostic } from '../diagnostics.js';
import { Scope } from './scope.js';
import { eqExpr, ref, str, variable, walkTerm, ROOTS } from './terms.js';
import type { RuleDef, RuleKind } from './rule-defs.js';


/** A ref whose path holds a variable: evaluating it can bind that variable. */
function iterates(t: Term): boolean {
  let found = false;
  walkTerm(t, (x) => {
    if (x.type === 'ref' && x.path.some((p) => p.type === 'var' && !p.name.startsWith('$'))) found = true;
  });
  return found;
}

function containsCall(t: Term): boolean {
  let found = false;
  walkTerm(t, (x) => (found ||= x.type === 'call' || x.type === 'templateString'));
  return found;
}

/**
 * Name resolution and local renaming, per rule: declared locals (`:=`, `some`, function args,
 * `every` and comprehension scopes) get unique names; other variables that name a rule of the
 * package or an import become `data…`/`input…` refs; `x := y` becomes `x = y`.
 */
export class Resolver {
  private counter = 0;
  readonly diagnostics: Diagnostic[] = [];

  constructor(
    private readonly module: Module,
    /** First segments of every rule head in this package (across modules). */
    private readonly packageRules: Set<string>,
  ) {
    for (const imp of module.imports) {
      const head = imp.path.head;
      if (head.type !== 'var') continue;
      if (head.name === 'future' || head.name === 'rego') continue;
      const last = imp.path.path[imp.path.path.length - 1];
      const name = imp.alias ?? (last?.type === 'string' ? last.value : head.name);
      this.imports.set(name, imp.path);
    }
  }

  private readonly imports = new Map<string, RefTerm>();

  // The user's name rides along so that messages can show it (see displayName).
  private fresh = (name: string): string => `__local${this.counter++}__${name}`;

  private error(loc: Location, message: string): void {
    this.diagnostics.push({ code: 'rego_compile_error', message, file: loc.file, line: loc.line, col: loc.col });
  }

  private packagePath(): string[] {
    return this.module.package.path.map((p) => p.value);
  }

  /** A global a bare variable may name: a package rule, an import, or a root document. */
  private global(v: VarTerm): RefTerm | undefined {
    const imp = this.imports.get(v.name);
    if (imp) return { ...imp, loc: v.loc };
    if (this.packageRules.has(v.name)) {
      return ref(variable('data', v.loc), [...this.packagePath(), v.name].map((p) => str(p, v.loc)), v.loc);
    }
    return undefined;
  }

  private resolveVar(v: VarTerm, scope: Scope): Term {
    const local = scope.lookup(v.name);
    if (local !== undefined) return { ...v, name: local };
    if (ROOTS.has(v.name)) return v;
    return this.global(v) ?? v;
  }

  term(t: Term, scope: Scope): Term {
    switch (t.type) {
      case 'var':
        return this.resolveVar(t, scope);
      case 'ref': {
        const head = this.term(t.head, scope);
        const path = t.path.map((p) => this.term(p, scope));
        if (head.type === 'ref') return { ...t, head: head.head, path: [...head.path, ...path] };
        return { ...t, head, path };
      }
      case 'array':
      case 'set':
        return { ...t, items: t.items.map((x) => this.term(x, scope)) };
      case 'object':
        return { ...t, entries: t.entries.map(([k, v]) => [this.term(k, scope), this.term(v, scope)] as [Term, Term]) };
      case 'arrayComprehension':
      case 'setComprehension': {
        const inner = scope.child();
        const body = this.body(t.body, inner);
        return { ...t, body, head: this.term(t.head, inner) };
      }
      case 'objectComprehension': {
        const inner = scope.child();
        const body = this.body(t.body, inner);
        return { ...t, body, key: this.term(t.key, inner), value: this.term(t.value, inner) };
      }
      case 'call':
        return { ...t, operator: this.operator(t.operator, scope), args: t.args.map((a) => this.term(a, scope)) };
      case 'templateString':
        return { ...t, parts: t.parts.map((p) => (typeof p === 'string' ? p : this.term(p, scope))) };
      default:
        return t;
    }
  }

  /** A call's function: a package function or import becomes a data ref; builtins stay names. */
  operator(op: RefTerm, scope: Scope): RefTerm {
    if (op.head.type !== 'var' || ROOTS.has(op.head.name)) return op;
    if (scope.lookup(op.head.name) !== undefined) return op;
    const g = this.global(op.head);
    if (!g) return op;
    return { ...op, head: g.head, path: [...g.path, ...op.path] };
  }

  /** Declares the vars of an assignment target or `some … in` pattern in `scope`. */
  private declarePattern(t: Term, scope: Scope, repeatable = false): Term {
    switch (t.type) {
      case 'var': {
        if (t.name.startsWith('$')) return t;
        const unique = scope.declare(t.name);
        if (unique === undefined) {
          // A function's arguments may name a variable twice (`f([x, x])`): both must be equal.
          if (!repeatable) this.error(t.loc, `var ${t.name} assigned above`);
          return { ...t, name: scope.lookup(t.name)! };
        }
        return { ...t, name: unique };
      }
      case 'array':
        return { ...t, items: t.items.map((x) => this.declarePattern(x, scope, repeatable)) };
      case 'object':
        return { ...t, entries: t.entries.map(([k, v]) => [this.term(k, scope), this.declarePattern(v, scope, repeatable)] as [Term, Term]) };
      default:
        return this.term(t, scope);
    }
  }

  body(body: Body, scope: Scope): Body {
    const out: Body = [];
    for (const e of body) {
      for (const x of e.negated && !e.operandsInside ? this.hoistNestedCalls(e) : [e]) {
        const r = this.expr(x, scope);
        if (r) out.push(r);
      }
    }
    return out;
  }

  /**
   * As OPA's compiler does for every expression (unless the module imports `future.keywords.not`,
   * see Expr.operandsInside): calls nested in a negated expression's operands
   * (`not startswith(lower(input.x), "a")`, `not f(1).foo`) are evaluated before it, outside the
   * negation — so an undefined inner call makes the body fail rather than the `not` hold.
   */
  private hoistNestedCalls(e: Expr): Expr[] {
    const before: Expr[] = [];
    const hoist = (t: Term): Term => {
      switch (t.type) {
        case 'call': {
          const call: Term = { ...t, args: t.args.map(hoist) };
          const v = variable(`$hoist${this.counter++}`, t.loc);
          before.push(eqExpr(v, call, t.loc, e.with));
          return v;
        }
        case 'ref':
          return { ...t, head: hoist(t.head), path: t.path.map(hoist) };
        case 'array':
        case 'set':
          return { ...t, items: t.items.map(hoist) };
        case 'object':
          return { ...t, entries: t.entries.map(([k, v]) => [hoist(k), hoist(v)] as [Term, Term]) };
        default:
          return t;
      }
    };
    let main: Expr;
    if (e.type === 'call') main = { ...e, args: e.args.map(hoist) };
    else if (e.type === 'term') main = { ...e, term: e.term.type === 'call' ? { ...e.term, args: e.term.args.map(hoist) } : hoist(e.term) };
    else return [e];
    return [...before, main];
  }

  private expr(e: Expr, scope: Scope): Expr | undefined {
    const withs = e.with.map((w) => ({ ...w, target: this.withTarget(w.target, scope), value: this.term(w.value, scope) }));
    const base = { loc: e.loc, negated: e.negated, with: withs, ...(e.operandsInside ? { operandsInside: true as const } : {}) };
    switch (e.type) {
      case 'term':
        return { ...base, type: 'term', term: this.term(e.term, scope) };
      case 'call': {
        const name = e.operator.head.type === 'var' && e.operator.path.length === 0 ? e.operator.head.name : undefined;
        if (name === 'assign' && e.args.length === 2) {
          const value = this.term(e.args[1]!, scope);
          const target = this.declarePattern(e.args[0]!, scope);
          return { ...base, fromAssign: true, type: 'call', operator: { ...e.operator, head: variable('eq', e.operator.loc) }, args: [target, value] };
        }
        return { ...base, type: 'call', operator: this.operator(e.operator, scope), args: e.args.map((a) => this.term(a, scope)) };
      }
      case 'some':
        for (const v of e.vars) {
          if (scope.declare(v.name) === undefined) this.error(v.loc, `var ${v.name} declared above`);
        }
        return undefined;
      case 'someIn': {
        const collection = this.term(e.collection, scope);
        const key = e.key ? this.declarePattern(e.key, scope) : undefined;
        const value = this.declarePattern(e.value, scope);
        return { ...base, type: 'someIn', key, value, collection };
      }
      case 'every': {
        const domain = this.term(e.domain, scope);
        const inner = scope.child();
        const key = e.key ? (this.declarePattern(e.key, inner) as VarTerm) : undefined;
        const value = this.declarePattern(e.value, inner) as VarTerm;
        return { ...base, type: 'every', key, value, domain, body: this.body(e.body, inner) };
      }
    }
  }

  private withTarget(target: RefTerm, scope: Scope): RefTerm {
    if (target.head.type === 'var' && ROOTS.has(target.head.name)) return target;
    return this.operator(target, scope);
  }

  /** Resolves one rule (and its else chain) into definitions at its data path. */
  rule(rule: Rule): RuleDef | undefined {
    const scope = new Scope(undefined, this.fresh);
    const head = rule.head;
    // As OPA: calls in argument patterns (`f($"{x}")`) are evaluated in the body, after it binds
    // their variables, and unified with the argument there.
    const argBody: Body = [];
    const argTerms = (head.args ?? []).map((a, i) => {
      if (!containsCall(a)) return a;
      const v = variable(`$arg${i}`, a.loc);
      argBody.push(eqExpr(v, a, a.loc));
      return v;
    });
    const args = argTerms.map((a) => this.declarePattern(a, scope, true));
    const body = this.body([...rule.body, ...argBody], scope);
    const pkg = this.packagePath();
    const refTerms = head.ref;
    const first = refTerms[0];
    if (!first || first.type !== 'var') {
      this.error(rule.loc, 'rule head must start with a name');
      return undefined;
    }
    const path = [...pkg, first.name];
    let i = 1;
    for (; i < refTerms.length; i++) {
      const seg = refTerms[i]!;
      if (seg.type !== 'string') break;
      path.push(seg.value);
    }
    const keys = refTerms.slice(i).map((k) => this.term(k, scope));
    if (!head.contains && head.key !== undefined && head.value !== undefined && keys.length === 0) keys.push(this.term(head.key, scope));
    let kind: RuleKind;
    let element: Term | undefined;
    if (head.args !== undefined) kind = 'function';
    else if (head.contains || (head.key !== undefined && head.value === undefined)) {
      kind = 'set';
      element = this.term(head.key ?? keys.pop()!, scope);
    } else if (keys.length > 0) kind = 'object';
    else kind = 'complete';
    // `a[x].b contains y`: an object whose leaves are sets.
    if (kind === 'set' && keys.length > 0) kind = 'object';
    let value: Term = head.value ? this.term(head.value, scope) : { type: 'boolean', value: true, loc: head.loc };
    // As OPA: a head value that iterates (`p[f] := input.x[f].y if some f`) is evaluated in the
    // body, where it can bind its variables.
    // A default's value is planned without its (empty) body: its comprehensions iterate inside.
    if (kind !== 'function' && !rule.default && rule.else === undefined && iterates(value)) {
      const target = variable('$head', value.loc);
      body.push(eqExpr(target, value, value.loc));
      value = target;
    }
    const elses: RuleDef['elses'] = [];
    for (let e = rule.else; e; e = e.else) {
      const s = scope.child();
      const eb = this.body(e.body, s);
      const ev = e.head.value ? this.term(e.head.value, s) : { type: 'boolean' as const, value: true, loc: e.loc };
      elses.push({ value: ev, body: eb, loc: e.loc });
    }
    return {
      rule,
      module: this.module,
      path,
      kind,
      keys,
      element,
      value,
      args,
      body,
      isDefault: rule.default,
      elses,
      loc: rule.loc,
    };
  }

  /** Resolves a query (its vars stay as written so they name the result bindings). */
  query(body: Body): Body {
    return this.body(body, new Scope(undefined, this.fresh, true));
  }
}
