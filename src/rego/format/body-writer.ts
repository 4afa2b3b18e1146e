import type { Body, Expr, LogicalForm, LogicalOperand, Term, VarTerm } from '../ast.js';
import { INFIX } from './layout-options.js';
import { UnexpectedComment } from './line-writer.js';
import { newlines, type Place } from './source-rows.js';
import { operatorName, TermWriter } from './term-writer.js';

/** Bodies and their expressions: infix calls, `not`, `some`, `every`, `with` (OPA's writeBody, writeExpr). */
export abstract class BodyWriter extends TermWriter {
  protected writeBody(body: Body): void {
    this.asStatements(() => this.writeStatements(body));
  }

  private writeStatements(body: Body): void {
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

  /** An expression to write in parentheses: a union first in a `not { … }` block would read as a comprehension. */
  private parenExpr: Expr | undefined;

  protected writeExpr(expr: Expr): void {
    if (this.parenExpr === expr) {
      this.parenExpr = undefined;
      this.write('(');
      try {
        this.writeExprUnparenthesised(expr);
      } finally {
        this.write(')');
      }
      return;
    }
    this.writeExprUnparenthesised(expr);
  }

  private writeExprUnparenthesised(expr: Expr): void {
    const place = this.place(expr.loc);
    this.insertComments(place);
    if (!this.inline) this.startLine();
    if (expr.negated && this.opts.notBlocks && rendersBraceLedExpr(expr)) {
      // With `not { … }` blocks, `not {x}` would be a block: the operand keeps its parentheses.
      this.write('not (');
      this.writeExprTerms(expr, place);
      this.write(')');
      return this.writeWiths(expr);
    }
    if (expr.negated && expr.logical?.kind === 'or') {
      this.write('not (');
      this.writeLogical(expr.logical, place);
      this.write(')');
      return this.writeWiths(expr);
    }
    if (expr.negated) this.write('not ');
    this.writeExprTerms(expr, place);
    this.writeWiths(expr);
  }

  private writeExprTerms(expr: Expr, place: Place): void {
    if (expr.logical) return this.writeLogical(expr.logical, place);
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
  }

  /** `A or B and C` chains and `not { … }` blocks, as written (the AST holds them desugared). */
  private writeLogical(form: LogicalForm, place: Place): void {
    if (form.kind === 'not') {
      const first = form.body[0]!;
      if (first.type === 'call' && operatorName(first.operator) === 'or' && first.args.length === 2) this.parenExpr = first;
      this.write('not {');
      this.writeComprehensionBody('{', '}', form.body, place, place);
      if (form.body[form.body.length - 1]!.loc.line === place.row) this.write(' ');
      return this.write('}');
    }
    // An operand that started a new line in the source starts one here too, indented once.
    let lastRow = place.row;
    let indented = false;
    try {
      form.alternatives.forEach((chain, i) => {
        chain.forEach((operand, j) => {
          const row = operandRow(operand);
          if (i > 0 || j > 0) {
            this.write(j > 0 ? ' and' : ' or');
            if (row > lastRow) {
              if (!indented) this.up();
              indented = true;
              this.endLine();
              this.startLine();
            } else this.write(' ');
          }
          const span = this.place(operand.block ?? operand.body[0]!.parens ?? operand.body[0]!.loc);
          lastRow = span.row + newlines(span.text);
          this.writeLogicalOperand(operand);
        });
      });
    } finally {
      if (indented) this.down();
    }
  }

  private writeLogicalOperand(operand: LogicalOperand): void {
    if (operand.block) {
      const block = this.place(operand.block);
      this.write('{');
      this.writeComprehensionBody('{', '}', operand.body, block, block);
      if (operand.body[operand.body.length - 1]!.loc.line === block.row) this.write(' ');
      return this.write('}');
    }
    const expr = operand.body[0]!;
    if (operand.group) {
      this.write('(');
      this.writeExpr(expr);
      return this.write(')');
    }
    const braceLed = !expr.negated && expr.type === 'term' && rendersBraceLed(expr.term);
    if (braceLed) this.write('(');
    this.writeExpr(expr);
    if (braceLed) this.write(')');
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

/** A term whose text starts with `{`: as an `and`/`or` operand it would read as a block. */
function rendersBraceLed(t: Term): boolean {
  switch (t.type) {
    case 'set':
      return t.items.length > 0;
    case 'object':
    case 'setComprehension':
    case 'objectComprehension':
      return true;
    case 'ref':
      return rendersBraceLed(t.head);
    default:
      return false;
  }
}

/** An expression whose text starts with `{` (a term, or the left operand of an infix call). */
function rendersBraceLedExpr(expr: Expr): boolean {
  if (expr.type === 'term') return rendersBraceLed(expr.term);
  if (expr.type !== 'call' || INFIX[operatorName(expr.operator)] === undefined) return false;
  if (expr.args.length === 2) return rendersBraceLed(expr.args[0]!);
  return expr.args.length === 3 && rendersBraceLed(expr.args[2]!);
}

function operandRow(operand: LogicalOperand): number {
  if (operand.block) return operand.block.line;
  const expr = operand.body[0]!;
  return (expr.parens ?? expr.loc).line;
}
