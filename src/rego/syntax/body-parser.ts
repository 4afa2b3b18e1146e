import type { Body, Expr, ExprKind, LogicalForm, LogicalOperand, Term, VarTerm } from '../ast.js';
import { TermParser } from './term-parser.js';
import { SyntaxFailure } from './source-text.js';

/** Bodies and expressions: `not`, `some`, `every`, `with`, `:=` and `=`, `k, v in xs`. */
export abstract class BodyParser extends TermParser {
  parseBodyUntil(close: string): Body {
    const saved = this.depth;
    this.depth = 0;
    const body: Body = [];
    while (this.eat(';'));
    while (!this.isPunct(close) && this.tok.type !== 'eof') {
      body.push(this.parseExpr());
      if (this.eat(';')) {
        while (this.eat(';'));
        continue;
      }
      if (this.isPunct(close) || this.atEof()) break;
      if (this.tok.newlineBefore) continue;
      this.unexpected(`expected ; or a new line or ${close}`);
    }
    this.depth = saved;
    return body;
  }

  /** `{ … }` */
  protected parseBraceBody(): Body {
    this.expect('{');
    const body = this.parseBodyUntil('}');
    this.expect('}', 'expected } to close the body');
    return body;
  }

  parseExpr(): Expr {
    const start = this.tok.start;
    const expr = this.parseOrChain(start);
    const withs = this.parseWithModifiers();
    return withs.length === 0 ? expr : ({ ...expr, with: [...expr.with, ...withs], loc: this.loc(start) } as Expr);
  }

  /**
   * `a or b and not c` (future keywords `or`, `and`; `and` binds tighter). Neither produces a
   * value: `A or B` holds when either side does, `A and B` when both do. Each side becomes the body
   * of a set comprehension, so the whole is `count({true | A} | {true | B}) > 0`, planned as usual.
   */
  private parseOrChain(start: number): Expr {
    const chains: LogicalOperand[][] = [this.parseAndChain(false)];
    while (this.isKeyword('or')) {
      this.next();
      chains.push(this.parseAndChain(true));
    }
    const alternatives: Body[] = chains.map((chain) => chain.flatMap((operand) => operand.body));
    if (alternatives.length === 1 && alternatives[0]!.length === 1) return alternatives[0]![0]!;
    const loc = this.loc(start);
    const truth: Term = { type: 'boolean', value: true, loc };
    let sets: Term = { type: 'setComprehension', head: truth, body: alternatives[0]!, loc };
    for (const body of alternatives.slice(1)) {
      sets = { type: 'call', operator: this.opRef('or', loc), args: [sets, { type: 'setComprehension', head: truth, body, loc }], loc };
    }
    const count: Term = { type: 'call', operator: this.opRef('count', loc), args: [sets], loc };
    const logical: LogicalForm = { kind: 'or', alternatives: chains };
    return { type: 'call', operator: this.opRef('gt', loc), args: [count, { type: 'number', text: '0', loc }], negated: false, with: [], loc, logical };
  }

  private parseAndChain(afterOr: boolean): LogicalOperand[] {
    const operands = [this.parseOperand(afterOr)];
    while (this.isKeyword('and')) {
      this.next();
      operands.push(this.parseOperand(true));
    }
    return operands;
  }

  /** An operand of `and`/`or`: a literal, or a `{ … }` block of them (`{ A; B } or { C }`). */
  private parseOperand(afterOperator: boolean): LogicalOperand {
    if (this.isPunct('{') && (this.keywords.has('or') || this.keywords.has('and'))) {
      const saved = { pos: this.pos, depth: this.depth };
      const start = this.tok.start;
      try {
        const block = this.parseBraceBody();
        if (afterOperator || this.isKeyword('or') || this.isKeyword('and')) return { body: block, block: this.loc(start) };
      } catch (e) {
        if (!(e instanceof SyntaxFailure)) throw e;
      }
      this.pos = saved.pos;
      this.depth = saved.depth;
    }
    const group = this.parseLogicalGroup();
    return group ? { body: [group], group: true } : { body: [this.parseLiteral()] };
  }

  /** `(A or B)`, `(A and B)`: a chain in parentheses, as an operand or after `not`. */
  private parseLogicalGroup(): Expr | undefined {
    if (!this.isPunct('(') || !(this.keywords.has('or') || this.keywords.has('and'))) return undefined;
    const saved = { pos: this.pos, depth: this.depth };
    try {
      const start = this.next().start;
      this.depth++;
      const inner = this.parseOrChain(this.tok.start);
      this.depth--;
      if (inner.logical?.kind === 'or' && this.isPunct(')')) {
        this.next();
        return { ...inner, parens: this.loc(start) };
      }
    } catch (e) {
      if (!(e instanceof SyntaxFailure)) throw e;
    }
    this.pos = saved.pos;
    this.depth = saved.depth;
    return undefined;
  }

  /** One expression without `and`/`or`: `not …`, `some …`, `every …`, or terms. */
  private parseLiteral(): Expr {
    const start = this.tok.start;
    if (this.leadsRef()) {
      this.allowKeywordRefHead();
      return { ...this.parseExprTerms(start), negated: false, with: [], loc: this.loc(start) } as Expr;
    }
    const negated = this.isWord('not') && !this.keywordAsName() ? (this.next(), true) : false;
    if (negated && this.keywords.has('not-block') && this.isPunct('{')) return this.parseNotBlock(start);
    const inside = negated && this.keywords.has('not-block') ? { operandsInside: true as const } : {};
    const group = negated ? this.parseLogicalGroup() : undefined;
    if (group) return { ...group, negated: true, ...inside, loc: this.loc(start) };
    let kind: ExprKind;
    if (this.isWord('some') && !this.keywordAsName()) kind = this.parseSome();
    else if (this.isKeyword('every') && !this.keywordAsName()) kind = this.parseEvery();
    else kind = this.parseExprTerms(start);
    return { ...kind, negated, ...inside, with: [], loc: this.loc(start) } as Expr;
  }

  /** `not { A; B }` (future keyword `not`): holds when the body has no solution. */
  private parseNotBlock(start: number): Expr {
    const blockStart = this.tok.start;
    const body = this.parseBraceBody();
    const loc = this.loc(start);
    const logical: LogicalForm = { kind: 'not', body, block: this.loc(blockStart) };
    const set: Term = { type: 'setComprehension', head: { type: 'boolean', value: true, loc }, body, loc };
    const count: Term = { type: 'call', operator: this.opRef('count', loc), args: [set], loc };
    return { type: 'call', operator: this.opRef('equal', loc), args: [count, { type: 'number', text: '0', loc }], negated: false, with: [], loc, logical };
  }

  private parseExprTerms(start: number): ExprKind {
    const first = this.parseTermExpr(this.depth === 0);
    if ((this.isPunct(':=') || this.isPunct('=')) && !this.endsExpression()) {
      const op = this.next().value === ':=' ? 'assign' : 'eq';
      const right = this.parseTermExpr();
      return { type: 'call', operator: this.opRef(op, this.loc(start)), args: [first, right] };
    }
    if (first.type === 'call') return { type: 'call', operator: first.operator, args: first.args };
    return { type: 'term', term: first };
  }

  private parseSome(): ExprKind {
    this.next();
    const first = this.parseRelation();
    if (this.isKeyword('in')) {
      this.next();
      return { type: 'someIn', value: first, collection: this.parseRelation() };
    }
    const terms: Term[] = [first];
    while (this.eat(',')) terms.push(this.parseRelation());
    if (this.isKeyword('in')) {
      if (terms.length !== 2) this.unexpected('expected `some key, value in collection`');
      this.next();
      return { type: 'someIn', key: terms[0], value: terms[1]!, collection: this.parseRelation() };
    }
    for (const t of terms) if (t.type !== 'var') this.raise(t.loc.offset, 'expected a variable after some');
    return { type: 'some', vars: terms as VarTerm[] };
  }

  private parseEvery(): ExprKind {
    this.next();
    const first = this.parsePrimary();
    let key: VarTerm | undefined;
    let value = first;
    if (this.eat(',')) {
      key = first as VarTerm;
      value = this.parsePrimary();
    }
    if (value.type !== 'var' || (key && key.type !== 'var')) this.raise(first.loc.offset, 'every needs variables: every x in xs { … } or every k, v in xs { … }');
    if (!this.isKeyword('in')) this.unexpected('expected in after every');
    this.next();
    const domain = this.parseRelation();
    const body = this.parseBraceBody();
    return { type: 'every', key, value: value as VarTerm, domain, body };
  }
}
