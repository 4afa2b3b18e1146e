import type { Body, CallTerm, Expr, ExprKind, Term, VarTerm, WithModifier } from '../ast.js';
import { ParseError } from './parser-state.js';
import { MEMBER_2, MEMBER_3, operatorName } from './term-parser.js';
import { TemplateParser } from './template-parser.js';
import { tt } from './token-types.js';

type BodyEnd = typeof tt.braceR | typeof tt.bracketR | typeof tt.eof;

/** The membership call that `x in xs` and `k, v in xs` become, if `t` is one. */
function asMember(t: Term | undefined): CallTerm | undefined {
  if (t?.type !== 'call') return undefined;
  const name = operatorName(t.operator);
  return name === MEMBER_2 || name === MEMBER_3 ? t : undefined;
}

/**
 * Bodies and their expressions (OPA's "literals"): `not`, `some`, `every`, `:=` and `=`, calls and
 * bare terms, each with optional `with … as …` modifiers. Expressions are separated by `;` or a line
 * break; operators may continue a term over line breaks, as in OPA.
 */
export abstract class BodyParser extends TemplateParser {
  parseBody(close: BodyEnd): Body {
    this.enter();
    if (this.type === close) this.unexpected('found empty body');
    const body: Body = [];
    for (;;) {
      body.push(this.parseLiteral());
      if (this.type === tt.semi) {
        this.next();
        continue;
      }
      if (this.type === close) break;
      if (!this.nlBefore) {
        const end = close === tt.eof ? 'the end of the query' : `\`${close.label}\``;
        this.unexpected(`expected a line break, \`;\` or ${end} after the expression`);
      }
    }
    this.leave();
    return body;
  }

  parseLiteral(): Expr {
    const start = this.start;
    let negated = false;
    if (this.atKeyword(tt._not)) {
      this.next();
      negated = true;
    }
    let kind: ExprKind;
    if ((this.type === tt._some || this.type === tt._every) && !this.keywordAsName()) {
      if (negated) this.raise(start, `illegal negation of '${this.type.label}'`);
      kind = this.type === tt._some ? this.parseSome() : this.parseEvery();
    } else {
      kind = this.parseExprKind();
    }
    const withs = this.atKeyword(tt._with) && kind.type !== 'some' ? this.parseWiths() : [];
    return { ...kind, negated, with: withs, loc: this.loc(start) };
  }

  private parseExprKind(): ExprKind {
    const lhs = this.parseInfix(true);
    if (this.type === tt.assign || this.type === tt.unify) {
      const fn = this.type === tt.assign ? 'assign' : 'eq';
      const opLoc = this.loc(this.start, this.end);
      this.next();
      const rhs = this.parseInfix(true);
      return { type: 'call', operator: this.opRef(fn, opLoc), args: [lhs, rhs] };
    }
    // A call at the top of an expression is the expression itself, as OPA has it.
    if (lhs.type === 'call') return { type: 'call', operator: lhs.operator, args: lhs.args };
    return { type: 'term', term: lhs };
  }

  /** `some x in xs`, `some k, v in xs`, or declarations `some x, y`. */
  private parseSome(): ExprKind {
    this.next();
    const snap = this.snapshot();
    let failure: ParseError | undefined;
    let t: Term | undefined;
    try {
      t = this.parseInfix(true);
    } catch (e) {
      if (!(e instanceof ParseError)) throw e;
      failure = e;
    }
    const member = asMember(t);
    if (member) {
      const [a, b, c] = member.args;
      return c === undefined ? { type: 'someIn', value: a!, collection: b! } : { type: 'someIn', key: a!, value: b!, collection: c };
    }
    if (t?.type === 'call') this.raise(t.loc.offset, 'expected `x in xs` or `x, y in xs` expression after some');
    this.restore(snap);
    const vars: VarTerm[] = [];
    for (;;) {
      if (this.type !== tt.name) {
        if (failure && this.start > snap.start) throw failure;
        this.unexpected('expected a variable after some');
      }
      vars.push(this.parseVar());
      if (this.type !== tt.comma) break;
      this.next();
    }
    // `some x in <broken>`: the membership's own error says more than one about `in`.
    if (failure && this.atKeyword(tt._in)) throw failure;
    return { type: 'some', vars };
  }

  /** `every x in xs { … }` and `every k, v in xs { … }`. */
  private parseEvery(): ExprKind {
    this.next();
    const start = this.start;
    const member = asMember(this.parseInfix(true));
    if (!member) this.raise(start, 'expected `x[, y] in xs { ... }` expression after every');
    const [a, b, c] = member.args;
    const key = c === undefined ? undefined : a!;
    const value = c === undefined ? a! : b!;
    const domain = c === undefined ? b! : c;
    if (key && key.type !== 'var') this.raise(key.loc.offset, 'expected key to be a variable');
    if (value.type !== 'var') this.raise(value.loc.offset, 'expected value to be a variable');
    if (this.type !== tt.braceL) this.unexpected('missing body of every');
    this.next();
    const body = this.parseBody(tt.braceR);
    this.expect(tt.braceR, 'expected `}` to close the body of every');
    return key ? { type: 'every', key: key as VarTerm, value, domain, body } : { type: 'every', value, domain, body };
  }

  /** One or more `with target as value`; the target is a name or a reference. */
  parseWiths(): WithModifier[] {
    const withs: WithModifier[] = [];
    while (this.atKeyword(tt._with)) {
      const start = this.start;
      this.next();
      if (!this.atName()) this.unexpected('expected a reference after with');
      const target = this.parsePostfix(this.parseVar());
      if (target.type !== 'var' && target.type !== 'ref') this.raise(target.loc.offset, 'expected with target path');
      if (this.type !== tt._as) this.unexpected('expected `as` after the with target');
      this.next();
      const value = this.parseInfix(true);
      withs.push({ target: this.asRef(target), value, loc: this.loc(start) });
    }
    return withs;
  }
}
