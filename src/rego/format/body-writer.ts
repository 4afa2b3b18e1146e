import type { Body, Expr, Term, VarTerm } from '../ast.js';
import { INFIX } from './layout-options.js';
import { UnexpectedComment } from './line-writer.js';
import { newlines } from './source-rows.js';
import { operatorName, TermWriter } from './term-writer.js';

/** Bodies and their expressions: infix calls, `not`, `some`, `every`, `with` (OPA's writeBody, writeExpr). */
export abstract class BodyWriter extends TermWriter {
  protected writeBody(body: Body): void {
    if (body.length === 0) return;
    this.insertComments(this.place(body[0]!.loc));
    body.forEach((expr, i) => {
      if (i > 0) {
        const previous = this.place(body[i - 1]!.loc);
        if (expr.loc.line > previous.row + newlines(previous.text) + 1) this.blankLine();
      }
      this.startLine();
      try {
        this.writeExpr(expr);
      } catch (e) {
        if (!(e instanceof UnexpectedComment)) throw e;
      }
      this.endLine();
    });
  }

  protected writeExpr(expr: Expr): void {
    const place = this.place(expr.loc);
    this.insertComments(place);
    if (!this.inline) this.startLine();
    if (expr.negated) this.write('not ');
    switch (expr.type) {
      case 'term':
        this.writeTerm(expr.term);
        break;
      case 'call':
        this.writeExprCall(expr);
        break;
      case 'some':
        this.writeSome(expr, expr.vars);
        break;
      case 'someIn':
        this.insertComments(place);
        this.write('some ');
        this.writeIn(false, false, expr.key ? [expr.key, expr.value, expr.collection] : [expr.value, expr.collection]);
        break;
      case 'every':
        this.writeEvery(expr);
        break;
    }
    this.writeWiths(expr);
  }

  private writeExprCall(expr: Expr & { type: 'call' }): void {
    const name = operatorName(expr.operator);
    const infix = INFIX[name];
    if (infix === 'in') return this.writeIn(false, false, expr.args);
    if (infix === undefined || (expr.args.length !== 2 && expr.args.length !== 3)) return this.writeCallPlain(expr.operator, expr.args);
    if (expr.args.length === 2) {
      // `(1 in xs) == true`: membership binds looser than the other operators but `=` and `:=`.
      const parenIn = name !== 'eq' && name !== 'assign';
      this.writeOperand(expr.args[0]!, parenIn);
      this.write(` ${infix} `);
      return this.writeOperand(expr.args[1]!, parenIn);
    }
    // `plus(x, 1, y)`: the output argument first, as `y = x + 1`.
    this.writeTerm(expr.args[2]!);
    this.write(' = ');
    this.writeTerm(expr.args[0]!);
    this.write(` ${infix} `);
    this.writeTerm(expr.args[1]!);
  }

  private writeOperand(t: Term, parenIn: boolean): void {
    if (parenIn && t.type === 'call' && INFIX[operatorName(t.operator)] === 'in') {
      this.write('(');
      this.writeTerm(t);
      this.write(')');
    } else this.writeTerm(t);
  }

  private writeSome(expr: Expr, vars: VarTerm[]): void {
    this.insertComments(this.place(expr.loc));
    this.write('some ');
    let row = expr.loc.line;
    vars.forEach((v, i) => {
      if (v.loc.line > row) {
        this.endLine();
        this.startLine();
        this.write('\t');
        row = v.loc.line;
      } else if (i > 0) this.write(' ');
      this.writeTerm(v);
      if (i < vars.length - 1) this.write(',');
    });
  }

  private writeEvery(expr: Expr & { type: 'every' }): void {
    const place = this.place(expr.loc);
    this.insertComments(place);
    this.write('every ');
    if (expr.key) {
      this.writeTerm(expr.key);
      this.write(', ');
    }
    this.writeTerm(expr.value);
    this.write(' in ');
    this.writeTerm(expr.domain);
    this.write(' {');
    try {
      this.writeComprehensionBody('{', '}', expr.body, place, place);
    } catch (e) {
      if (!(e instanceof UnexpectedComment)) throw e;
    }
    if (expr.body.length === 1 && expr.body[0]!.loc.line === expr.loc.line) this.write(' ');
    this.write('}');
  }

  private writeWiths(expr: Expr): void {
    let withs = expr.with;
    if (withs.length === 0) return;
    let lastRow = termsEndRow(expr, this.place(expr.loc).text);
    if (withs[0]!.loc.line === lastRow) {
      this.writeWith(withs[0]!.target, withs[0]!.value, withs[0]!.loc, false);
      lastRow = withs[0]!.loc.line;
      withs = withs.slice(1);
    }
    let indented = false;
    try {
      for (const w of withs) {
        const indent = w.loc.line > lastRow;
        if (indent) {
          if (!indented) {
            this.up();
            indented = true;
          }
          this.endLine();
          this.startLine();
          lastRow = w.loc.line;
        }
        this.writeWith(w.target, w.value, w.loc, indent);
      }
    } finally {
      if (indented) this.down();
    }
  }

  private writeWith(target: Term, value: Term, loc: Expr['loc'], indented: boolean): void {
    this.insertComments(this.place(loc));
    if (!indented) this.write(' ');
    this.write('with ');
    this.writeTerm(target);
    this.write(' as ');
    try {
      this.writeTerm(value);
    } catch (e) {
      if (!(e instanceof UnexpectedComment)) throw e;
    }
  }
}

/** The last row of an expression's own terms, before any `with`. */
function termsEndRow(expr: Expr, text: string): number {
  const first = expr.with[0];
  const own = first && first.loc.offset > expr.loc.offset ? text.slice(0, first.loc.offset - expr.loc.offset) : text;
  return expr.loc.line + newlines(own.replace(/[ \t\r\n]+$/, ''));
}
