import type { Body, Expr, Location, Term } from '../ast.js';
import type { RuleDef } from '../compile/rule-defs.js';
import type { Diagnostic } from '../diagnostics.js';
import { refName } from '../compile/terms.js';
import { builtinSignature } from '../../builtins/registry/index.js';
import { ANY, fits, format, isKnown, unionOf, type RegoType } from './types.js';

/**
 * OPA's compile-time check of builtin arguments (`rego_type_error: count: invalid argument(s)`),
 * over resolved rules. Types come from literals, builtin results and the local variables they are
 * bound to; input, data, rules, function arguments and iteration are `any`. An argument is an
 * error only when its type is fully known and cannot be what the builtin declares.
 */
export function checkTypes(defs: RuleDef[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const def of defs) {
    const vars = new Map<string, RegoType>();
    const checker = new BodyTypes(vars, out);
    checker.body(def.body);
    for (const e of def.elses) checker.body(e.body);
    for (const t of [def.value, ...(def.element ? [def.element] : []), ...def.keys]) checker.typeOf(t);
  }
  return out;
}

/** The same check over an ad-hoc query (`warden eval 'count(1)'` is a type error, as in OPA). */
export function checkQueryTypes(query: Body): Diagnostic[] {
  const out: Diagnostic[] = [];
  new BodyTypes(new Map(), out).body(query);
  return out;
}

class BodyTypes {
  constructor(
    private readonly vars: Map<string, RegoType>,
    private readonly out: Diagnostic[],
  ) {}

  body(body: Body): void {
    for (const e of body) this.expr(e);
  }

  private expr(e: Expr): void {
    // A `with` may replace the builtin or what its arguments read: leave such expressions alone.
    if (e.with.length > 0) return;
    switch (e.type) {
      case 'term':
        this.typeOf(e.term);
        return;
      case 'call': {
        const name = refName(e.operator);
        if (name === 'eq' && e.args.length === 2) return this.unify(e.args[0]!, e.args[1]!);
        const sig = name === undefined ? undefined : builtinSignature(name);
        const argTypes = e.args.map((a) => this.typeOf(a));
        if (sig && name) {
          this.checkArgs(name, sig.args, argTypes.slice(0, sig.args.length), e.loc);
          // `count(x, n)`: the extra argument is the output.
          const output = e.args[sig.args.length];
          if (output?.type === 'var' && !this.vars.has(output.name)) this.vars.set(output.name, sig.result);
        }
        return;
      }
      case 'someIn':
        this.typeOf(e.collection);
        return;
      case 'every':
        this.typeOf(e.domain);
        this.body(e.body);
        return;
      default:
        return;
    }
  }

  /** `x = t` (and `x := t`): an unbound variable takes the other side's type. */
  private unify(a: Term, b: Term): void {
    const ta = this.typeOf(a);
    const tb = this.typeOf(b);
    if (a.type === 'var' && !this.vars.has(a.name)) this.vars.set(a.name, tb);
    else if (b.type === 'var' && !this.vars.has(b.name)) this.vars.set(b.name, ta);
  }

  private checkArgs(name: string, want: readonly RegoType[], have: RegoType[], loc: Location): void {
    const bad = have.some((h, i) => isKnown(h) && !fits(h, want[i]!));
    if (!bad) return;
    this.out.push({
      code: 'rego_type_error',
      message: `${name}: invalid argument(s)\n\thave: (${have.map(format).join(', ')})\n\twant: (${want.map(format).join(', ')})`,
      file: loc.file,
      line: loc.line,
      col: loc.col,
    });
  }

  typeOf(t: Term): RegoType {
    switch (t.type) {
      case 'null':
      case 'boolean':
      case 'number':
      case 'string':
        return { kind: t.type };
      case 'templateString':
        t.parts.forEach((p) => typeof p !== 'string' && this.typeOf(p));
        return { kind: 'string' };
      case 'var':
        return this.vars.get(t.name) ?? ANY;
      case 'array':
      case 'set':
        return { kind: t.type, of: unionOf(t.items.map((x) => this.typeOf(x))) };
      case 'object':
        return { kind: 'object', key: unionOf(t.entries.map(([k]) => this.typeOf(k))), value: unionOf(t.entries.map(([, v]) => this.typeOf(v))) };
      case 'ref':
        this.typeOf(t.head);
        t.path.forEach((p) => this.typeOf(p));
        return ANY;
      case 'arrayComprehension':
      case 'setComprehension':
        this.body(t.body);
        this.typeOf(t.head);
        return { kind: t.type === 'arrayComprehension' ? 'array' : 'set', of: ANY };
      case 'objectComprehension':
        this.body(t.body);
        return { kind: 'object', key: ANY, value: ANY };
      case 'call': {
        const name = refName(t.operator);
        const argTypes = t.args.map((a) => this.typeOf(a));
        const sig = name === undefined ? undefined : builtinSignature(name);
        if (!sig || !name || sig.args.length !== t.args.length) return ANY;
        this.checkArgs(name, sig.args, argTypes, t.loc);
        return sig.result;
      }
    }
  }
}
