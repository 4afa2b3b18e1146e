import type { Body, Expr, Location, RefTerm, Term } from '../ast.js';
import type { SourceComment } from './comments.js';
import { INFIX, type LayoutOptions } from './layout-options.js';
import { LineWriter, UnexpectedComment } from './line-writer.js';
import { closingRow, newlines, type Place, type SourceRows } from './source-rows.js';

/** An element of a bracketed sequence: a term, an object entry, or a body expression. */
export type Element = Term | [Term, Term] | Expr;
type ElementWriter = (e: Element) => void;

const VAR_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function operatorName(op: RefTerm): string {
  const head = op.head.type === 'var' ? op.head.name : '';
  return [head, ...op.path.map((p) => (p.type === 'string' ? p.value : ''))].join('.');
}

export function isUnionCall(t: Term): boolean {
  return t.type === 'call' && operatorName(t.operator) === 'or';
}

/** Terms: scalars, refs, calls and operators, collections, comprehensions (OPA's writeTerm and kin). */
export abstract class TermWriter extends LineWriter {
  /** Terms placed where OPA moves their location (an object comprehension's value, an else value). */
  protected readonly placeOverrides = new Map<Term, Place>();

  constructor(
    protected readonly rows: SourceRows,
    protected readonly opts: LayoutOptions,
    comments: SourceComment[],
  ) {
    super(comments);
  }

  protected abstract writeBody(body: Body): void;
  protected abstract writeExpr(expr: Expr): void;

  protected place(loc: Location): Place {
    return this.rows.place(loc);
  }

  protected termPlace(t: Term): Place {
    return this.placeOverrides.get(t) ?? this.rows.place(t.parens ?? t.loc);
  }

  protected elementPlace(e: Element): Place {
    if (Array.isArray(e)) return this.termPlace(e[0]);
    return 'negated' in e ? this.place(e.loc) : this.termPlace(e);
  }

  /**
   * Writes a term; when a comment inside it cannot be placed, copies the term as written instead.
   * Inside another term the error goes on up, so the enclosing term is copied whole (as OPA does:
   * `[v | v := {… # c\n}]` keeps its own text to the closing bracket). A term an expression
   * writes directly stops there and the expression goes on, so no argument or `with` after it is
   * lost (OPA drops them); a rule head passes it to the rule (see `writeRule`).
   */
  protected writeTerm(term: Term): void {
    const nested = this.termDepth > 0;
    this.termDepth++;
    const length = this.buf.length;
    const level = this.level;
    const saved = this.comments;
    try {
      this.writeTermParens(false, term);
    } catch (e) {
      if (!(e instanceof UnexpectedComment) || saved.length === 0) throw e;
      this.buf = this.buf.slice(0, length);
      this.level = level;
      const place = this.termPlace(term);
      if (this.lineEnd && place.text.length > 0) {
        const endRow = place.row + newlines(place.text);
        if (this.lineEnd.row >= place.row && this.lineEnd.row <= endRow) this.lineEnd = undefined;
      }
      const carriesOn = !nested && !this.inRuleHead;
      this.writeUnformatted(place, saved, carriesOn);
      if (!carriesOn) throw e;
    } finally {
      this.termDepth--;
    }
  }

  /** How many terms are being written, one inside the other (see {@link writeTerm}). */
  protected termDepth = 0;

  /** Set while a rule head is written (see {@link writeTerm}). */
  protected inRuleHead = false;

  /** Writes a body as a place of its own: its expressions' terms are not nested in the enclosing term. */
  protected asStatements(write: () => void): void {
    const depth = this.termDepth;
    const inRuleHead = this.inRuleHead;
    this.termDepth = 0;
    this.inRuleHead = false;
    try {
      write();
    } finally {
      this.termDepth = depth;
      this.inRuleHead = inRuleHead;
    }
  }

  /**
   * Copies `place`'s text; comments inside it go with it, and one on its last line follows it.
   * `lineGoesOn`: the expression carries on after the copy (a `)`, `, x`, ` {` may follow on that
   * line), so that comment waits for the line's end instead (OPA writes it at once, commenting
   * out the rest of the line, and its output then does not parse).
   */
  protected writeUnformatted(place: Place, saved: SourceComment[], lineGoesOn = false): void {
    const lastRow = place.row + newlines(place.text);
    this.write(place.text);
    const kept: SourceComment[] = [];
    for (const c of saved) {
      if (this.commentOnFinalLine && c.row === lastRow) {
        if (lineGoesOn && !this.lineEnd) this.lineEnd = c;
        else this.write(` ${c.raw}`);
        continue;
      }
      if (c.row < lastRow) continue;
      kept.push(c);
    }
    this.comments = kept;
  }

  protected writeTermParens(parens: boolean, term: Term): void {
    const place = this.termPlace(term);
    this.insertComments(place);
    if (!this.inline) this.startLine();
    switch (term.type) {
      case 'ref':
        this.writeRef(term);
        break;
      case 'object':
        this.writeObject(term.entries, place);
        break;
      case 'array':
        this.writeSequence('[', ']', term.items, place);
        break;
      case 'set':
        if (term.items.length === 0) {
          this.write('set()');
          this.insertComments(closingRow(place, '(', ')'));
        } else this.writeSequence('{', '}', term.items, place);
        break;
      case 'arrayComprehension':
        this.enclosed('[', ']', () => this.writeComprehension('[', ']', term.head, term.body, place));
        break;
      case 'setComprehension':
        this.enclosed('{', '}', () => this.writeComprehension('{', '}', term.head, term.body, place));
        break;
      case 'objectComprehension':
        this.enclosed('{', '}', () => this.writeObjectComprehension(term.key, term.value, term.body, place));
        break;
      case 'string':
        this.writeString(term.value, place.text);
        break;
      case 'templateString':
        this.writeTemplate(term.parts, place.text);
        break;
      case 'var':
        this.write(formatVar(term.name));
        break;
      case 'call':
        this.writeCall(parens, term.operator, term.args, place);
        break;
      case 'number':
        this.write(term.text);
        break;
      case 'boolean':
        this.write(String(term.value));
        break;
      case 'null':
        this.write('null');
        break;
    }
    if (!this.inline) this.startLine();
  }

  /** Strings keep their source spelling (escapes, raw backquotes); names from dotted refs are quoted. */
  private writeString(value: string, text: string): void {
    if (text.startsWith('`')) return this.write(text);
    const quote = text.endsWith('"') ? '"' : text.endsWith('`') ? '`' : '';
    const cut = quote ? text.indexOf(quote) : -1;
    this.write(cut >= 0 ? quote + text.slice(cut + 1) : quoteString(value));
  }

  private writeTemplate(parts: Array<string | Term>, text: string): void {
    const raw = text.startsWith('$`');
    this.write(raw ? '$`' : '$"');
    for (const p of parts) {
      if (typeof p === 'string') {
        const escaped = p.replace(/\{/g, '\\{');
        this.write(raw ? escaped : quoteString(escaped).slice(1, -1).replace(/\\\\\{/g, '\\{'));
        continue;
      }
      this.write('{');
      this.writeTerm(p);
      this.write('}');
    }
    this.write(raw ? '`' : '"');
  }

  protected writeRef(ref: RefTerm): void {
    const head = ref.head;
    const parens = head.type === 'call' && this.termPlace(head).text.startsWith('(');
    this.writeTermParens(parens, head);
    for (const seg of ref.path) {
      if (seg.type === 'string') this.writeRefString(seg.value, this.termPlace(seg).text);
      else if (seg.type === 'var') this.write(`[${formatVar(seg.name)}]`);
      else {
        this.write('[');
        try {
          this.writeTerm(seg);
        } catch (e) {
          if (!(e instanceof UnexpectedComment)) throw e;
          this.write('\n');
        }
        this.write(']');
      }
    }
  }

  protected writeRefString(value: string, text: string): void {
    const bracket = !VAR_NAME.test(value) || (this.opts.keywords.has(value) && text.startsWith('"'));
    this.write(bracket ? `[${quoteString(value)}]` : `.${value}`);
  }

  private enclosed(open: string, close: string, body: () => void): void {
    this.write(open);
    try {
      body();
    } finally {
      this.write(close);
    }
  }

  protected writeCall(parens: boolean, operator: RefTerm, args: Term[], place: Place): void {
    const name = operatorName(operator);
    const infix = INFIX[name];
    if (infix === undefined) return this.writeCallPlain(operator, args);
    if (infix === 'in') return this.writeIn(true, parens, args);
    if (args.length !== 2) return this.writeCallPlain(operator, args);
    void place;
    if (parens) this.write('(');
    this.writeTermParens(true, args[0]!);
    this.write(` ${infix} `);
    this.writeTermParens(true, args[1]!);
    if (parens) this.write(')');
  }

  protected writeCallPlain(operator: RefTerm, args: Term[]): void {
    this.writeRef(operator);
    const place = this.termPlace(operator);
    this.enclosed('(', ')', () => this.writeIterable(args, place, closingRow(place, '(', ')'), this.listWriter(false)));
  }

  /** `x in xs` (parenthesised when `pair`), `k, v in xs` (when `triple`). */
  protected writeIn(triple: boolean, pair: boolean, operands: Term[]): void {
    const parens = operands.length === 2 ? pair : triple;
    if (parens) this.write('(');
    try {
      operands.forEach((operand, i) => {
        if (i > 0) this.write(i === operands.length - 1 ? ' in ' : ', ');
        this.writeTermParens(true, operand);
      });
    } finally {
      if (parens) this.write(')');
    }
  }

  private writeObject(entries: Array<[Term, Term]>, place: Place): void {
    this.enclosed('{', '}', () => this.writeIterable(entries, place, closingRow(place, '{', '}'), (e) => this.writeEntry(e as [Term, Term])));
  }

  private writeEntry([key, value]: [Term, Term]): void {
    this.writeMaybeParenthesized(key, isUnionCall(key));
    this.write(': ');
    this.writeMaybeParenthesized(value, isUnionCall(value));
  }

  private writeMaybeParenthesized(t: Term, parens: boolean): void {
    if (!parens) return this.writeTerm(t);
    this.enclosed('(', ')', () => this.writeTerm(t));
  }

  private writeSequence(open: string, close: string, items: Term[], place: Place): void {
    this.enclosed(open, close, () => this.writeIterable(items, place, closingRow(place, open, close), this.listWriter(true), true));
  }

  protected listWriter(parenUnionCalls: boolean): ElementWriter {
    return (e) => {
      const t = e as Term;
      this.writeMaybeParenthesized(t, isUnionCall(t) && (parenUnionCalls || this.termPlace(t).text.startsWith('(')));
    };
  }

  private writeObjectComprehension(key: Term, value: Term, body: Body, place: Place): void {
    // The value goes on the key's row, and the head stays on the brace's row; the body is
    // written on lines of its own when it did not start on the brace's row.
    this.placeOverrides.set(key, { ...this.termPlace(key), row: place.row });
    this.placeOverrides.set(value, { ...this.termPlace(value), row: place.row });
    this.writeMaybeParenthesized(key, isUnionCall(key));
    this.write(': ');
    this.writeComprehension('{', '}', value, body, place);
  }

  private writeComprehension(open: string, close: string, head: Term, body: Body, place: Place): void {
    const headPlace = this.termPlace(head);
    if (headPlace.row - place.row >= 1) {
      this.endLine();
      this.startLine();
    }
    const parens = head.type === 'call' && (isUnionCall(head) || headPlace.text.startsWith('('));
    this.writeTermParens(parens, head);
    this.write(' |');
    this.writeComprehensionBody(open, close, body, headPlace, place);
  }

  protected writeComprehensionBody(open: string, close: string, body: Body, headPlace: Place, place: Place): void {
    const lines = this.groupIterable(body, headPlace);
    if (this.place(body[0]!.loc).row - headPlace.row > 0 || lines.length > 1) {
      this.endLine();
      this.up();
      try {
        this.writeBody(body);
        this.insertComments(closingRow(place, open, close));
      } finally {
        this.down();
        this.startLine();
      }
      return;
    }
    this.write(' ');
    body.forEach((expr, i) => {
      if (i > 0) this.write('; ');
      this.writeExpr(expr);
    });
    this.insertComments(closingRow(place, open, close));
  }

  /** Elements grouped by source row: one output line per source line that held some. */
  protected groupIterable(elements: Element[], last: Place): Element[][] {
    const sorted = [...elements].sort((a, b) => {
      const pa = this.elementPlace(a);
      const pb = this.elementPlace(b);
      return pa.row - pb.row || pa.col - pb.col;
    });
    const lines: Element[][] = [];
    let current: Element[] = [];
    sorted.forEach((e, i) => {
      const p = this.elementPlace(e);
      if (p.row - last.row > 0 && i > 0) {
        lines.push(current);
        current = [];
      }
      last = p;
      current.push(e);
    });
    lines.push(current);
    return lines;
  }

  /**
   * `newlineOpens`: a line break between the opening bracket and the first element makes the
   * sequence multi-line (OPA's output does so for head arguments, arrays and sets, not objects).
   */
  protected writeIterable(elements: Element[], last: Place, close: Place, write: ElementWriter, newlineOpens = false): void {
    const lines = this.groupIterable(elements, last);
    let newlinePrecedesItem = false;
    if (lines.length === 1) {
      if (this.comments.some((c) => c.row > last.row && c.row < close.row)) throw new UnexpectedComment();
      if (newlineOpens && elements.length > 0) {
        const cut = last.text.indexOf(this.elementPlace(lines[0]![0]!).text);
        if (cut > 0) newlinePrecedesItem = last.text.slice(0, cut).indexOf('\n') > 0;
      }
    }
    const multiline = lines.length > 1 || newlinePrecedesItem;
    if (multiline) {
      this.delayBeforeEnd();
      this.startMultilineSeq();
    }
    lines.forEach((line, i) => {
      line.forEach((e, j) => {
        if (j > 0) this.write(', ');
        write(e);
      });
      if (i < lines.length - 1) {
        this.write(',');
        this.endLine();
        this.startLine();
      }
    });
    if (multiline) {
      this.write(',');
      this.endLine();
      this.insertComments(close);
      this.down();
      this.startLine();
    }
  }
}

export function formatVar(name: string): string {
  return name.startsWith('$_') ? '_' : name;
}

/** A string as a quoted literal (names from dotted refs, keys written as `p["y"]`). */
export function quoteString(s: string): string {
  return JSON.stringify(s);
}
