import type { Body, Expr, ExprKind, Term, VarTerm } from '../ast.js';
import { TermParser } from './term-parser.js';

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
    const negated = this.isWord('not') && !this.keywordAsName() ? (this.next(), true) : false;
    let kind: ExprKind;
    if (this.isWord('some') && !this.keywordAsName()) kind = this.parseSome();
    else if (this.isKeyword('every') && !this.keywordAsName()) kind = this.parseEvery();
    else kind = this.parseExprTerms(start);
    const withs = this.parseWithModifiers();
    return { ...kind, negated, with: withs, loc: this.loc(start) } as Expr;
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
