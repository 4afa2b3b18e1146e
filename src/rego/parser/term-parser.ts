import type { Body, CallTerm, Location, RefTerm, Term, VarTerm } from '../ast.js';
import { ParseError } from './parser-state.js';
import { Tokenizer } from './tokenizer.js';
import { tt } from './token-types.js';

export const MEMBER_2 = 'internal.member_2';
export const MEMBER_3 = 'internal.member_3';

/** The kind of a term as OPA's messages name it (`illegal ref (head cannot be string)`). */
export function termKindName(t: Term): string {
  switch (t.type) {
    case 'arrayComprehension':
    case 'setComprehension':
    case 'objectComprehension':
      return 'comprehension';
    case 'templateString':
      return 'template string';
    default:
      return t.type;
  }
}

/** `internal.member_2` etc. as the dotted name of a call's operator. */
export function operatorName(op: RefTerm): string {
  const head = op.head.type === 'var' ? op.head.name : '';
  return [head, ...op.path.map((p) => (p.type === 'string' ? p.value : '?'))].join('.');
}

/**
 * Terms and infix operators: scalars, variables, references with `.name`, `[key]` and calls,
 * `x in xs`, and the binary operators by precedence. Composite literals, template strings and bodies
 * are parsed by the subclasses; their entry points are declared here.
 */
export abstract class TermParser extends Tokenizer {
  protected abstract parseArray(): Term;
  protected abstract parseBrace(): Term;
  protected abstract parseTemplate(): Term;
  abstract parseBody(close: typeof tt.braceR | typeof tt.bracketR | typeof tt.eof): Body;

  // ------------------------------------------------------------------ builders

  opRef(name: string, loc: Location): RefTerm {
    const [head, ...rest] = name.split('.');
    return { type: 'ref', head: { type: 'var', name: head!, loc }, path: rest.map((value) => ({ type: 'string', value, loc })), loc };
  }

  call(fn: string, args: Term[], start: number, opLoc: Location): CallTerm {
    return { type: 'call', operator: this.opRef(fn, opLoc), args, loc: this.loc(start) };
  }

  asRef(t: VarTerm | RefTerm): RefTerm {
    return t.type === 'ref' ? t : { type: 'ref', head: t, path: [], loc: t.loc };
  }

  // ------------------------------------------------------------------ token tests

  /** A keyword written where a name is meant: right before `.` or `[` (`default.x`, `not[0]`). */
  keywordAsName(): boolean {
    if (this.type.kind !== 'keyword' || this.type === tt._null || this.type === tt._true || this.type === tt._false) return false;
    const c = this.charAfterToken();
    return c === 46 || c === 91;
  }

  /** The current token is keyword `kw` used as one (not as a name, like `if.x`). */
  atKeyword(kw: typeof tt[keyof typeof tt]): boolean {
    return this.type === kw && !this.keywordAsName();
  }

  /** Names begin variables; `contains` is only a keyword in rule heads, elsewhere it is a name. */
  atName(): boolean {
    return this.type === tt.name || this.type === tt._contains || this.keywordAsName();
  }

  /** The text of the current name-like token (an identifier or a keyword). */
  get word(): string {
    return this.type.kind === 'keyword' ? this.type.label : String(this.value);
  }

  /** Whether the current token touches the previous one (no space or comment between). */
  adjacent(): boolean {
    return this.start === this.lastTokEnd;
  }

  eat(type: typeof tt[keyof typeof tt]): boolean {
    if (this.type !== type) return false;
    this.next();
    return true;
  }

  expect(type: typeof tt[keyof typeof tt], expected = `expected \`${type.label}\``): void {
    if (this.type !== type) this.unexpected(expected);
    this.next();
  }

  // ------------------------------------------------------------------ operators

  /**
   * A term with every infix operator. `in` is loosest: `x in xs`, and with `keyVal` (expression
   * level, `some`, `every`, brackets) also `k, v in xs`. `seed` is an operand already parsed by a
   * caller that had to look at it first (a comprehension head that turned out not to be one).
   */
  parseInfix(keyVal: boolean, seed?: Term): Term {
    const start = seed ? seed.loc.offset : this.start;
    let lhs = this.parseBinary(1, seed);
    for (;;) {
      if (keyVal && this.type === tt.comma) {
        const snap = this.snapshot();
        this.next();
        let value: Term | undefined;
        try {
          value = this.parseBinary(1);
        } catch (e) {
          if (!(e instanceof ParseError)) throw e;
        }
        if (value && this.atKeyword(tt._in)) {
          const opLoc = this.loc(this.start, this.end);
          this.next();
          const coll = this.parseBinary(1);
          lhs = this.call(MEMBER_3, [lhs, value, coll], start, opLoc);
          continue;
        }
        this.restore(snap);
      }
      if (!this.atKeyword(tt._in)) return lhs;
      const opLoc = this.loc(this.start, this.end);
      this.next();
      const coll = this.parseBinary(1);
      lhs = this.call(MEMBER_2, [lhs, coll], start, opLoc);
    }
  }

  /** Precedence climbing over the binary operators; all of them associate to the left. */
  parseBinary(minPrec: number, seed?: Term): Term {
    const start = seed ? seed.loc.offset : this.start;
    let left = seed ?? this.parseOperand();
    for (;;) {
      const op = this.type.binop;
      if (!op || op.prec < minPrec) return left;
      const opLoc = this.loc(this.start, this.end);
      this.next();
      const right = this.parseBinary(op.prec + 1);
      left = this.call(op.fn, [left, right], start, opLoc);
    }
  }

  // ------------------------------------------------------------------ operands

  /** One operand: a scalar, variable, composite or parenthesised term, with its refs and calls. */
  parseOperand(): Term {
    this.enter();
    const start = this.start;
    let term: Term;
    switch (this.type) {
      case tt._null:
        this.next();
        term = { type: 'null', loc: this.loc(start) };
        break;
      case tt._true:
      case tt._false:
        term = { type: 'boolean', value: this.type === tt._true, loc: this.loc(start, this.end) };
        this.next();
        break;
      case tt.minus:
      case tt.num:
      case tt.dot:
        term = this.parseNumber();
        break;
      case tt.string:
        term = { type: 'string', value: this.value as string, loc: this.loc(start, this.end) };
        this.next();
        break;
      case tt.template:
        term = this.parseTemplate();
        break;
      case tt.bracketL:
        term = this.parseArray();
        break;
      case tt.braceL:
        term = this.parseBrace();
        break;
      case tt.parenL: {
        this.next();
        const inner = this.parseInfix(true);
        if (this.type !== tt.parenR) this.unexpected('expected `)` to close the parenthesised expression');
        this.next();
        term = inner;
        break;
      }
      default:
        if (!this.atName()) this.unexpected('expected term');
        term = this.parseVar();
    }
    term = this.parsePostfix(term);
    this.leave();
    return term;
  }

  parseVar(): VarTerm {
    const word = this.word;
    const v: VarTerm = { type: 'var', name: word === '_' ? this.freshVarName() : word, loc: this.loc(this.start, this.end) };
    this.next();
    return v;
  }

  /**
   * A number, keeping its text: `-` directly before a number folds into it (OPA has no unary minus
   * on other terms), as does a leading `.` (`.5`). Leading zeros are rejected as OPA does.
   */
  private parseNumber(): Term {
    const start = this.start;
    let prefix = '';
    if (this.type === tt.minus) {
      prefix = '-';
      this.next();
      if (this.type !== tt.num && this.type !== tt.dot) this.unexpected('expected number');
    }
    if (this.type === tt.dot) {
      const c = this.charAfterToken();
      if (c < 48 || c > 57) this.unexpected('expected term');
      prefix += '.';
      this.next();
    }
    const text = this.value as string;
    if (!prefix.endsWith('.') && text.length > 1 && text[0] === '0' && text[1] !== '.' && text[1] !== 'e' && text[1] !== 'E') {
      this.raise(this.start, 'expected number without leading zero');
    }
    const exp = /[eE]([+-]?\d+)$/.exec(text);
    if (exp && Math.abs(Number(exp[1])) > 30000) this.raise(start, 'number too big');
    this.next();
    return { type: 'number', text: prefix + text, loc: this.loc(start) };
  }

  /**
   * `.name`, `[key]` and `(args)` right after a term (a space ends the reference). In rule heads OPA
   * lets a space precede the first one (`p [x] { … }`), hence `spaceBeforeFirst`.
   */
  parsePostfix(term: Term, spaceBeforeFirst = false): Term {
    const start = term.loc.offset;
    let first = true;
    for (;;) {
      if (!this.adjacent() && !(first && spaceBeforeFirst)) return term;
      const type = this.type;
      if (type !== tt.dot && type !== tt.bracketL && type !== tt.parenL) return term;
      if (type === tt.parenL && term.type === 'call') return term;
      first = false;
      if (type === tt.parenL) {
        term = this.parseCall(term, start);
        continue;
      }
      if (term.type !== 'ref') {
        const okHead = term.type === 'var' || term.type === 'call' || term.type === 'array' || term.type === 'object' || term.type === 'set' || term.type.endsWith('Comprehension');
        if (!okHead) this.raise(term.loc.offset, `illegal ref (head cannot be ${termKindName(term)})`);
      }
      let seg: Term;
      if (type === tt.dot) {
        this.next();
        if (!this.adjacent() || (this.type !== tt.name && this.type.kind !== 'keyword')) this.unexpected('expected a name after `.`');
        seg = { type: 'string', value: this.word, loc: this.loc(this.start, this.end) };
        this.next();
      } else {
        this.next();
        seg = this.parseInfix(true);
        if (this.type !== tt.bracketR) this.unexpected('expected `]`');
        this.next();
      }
      term = term.type === 'ref' ? { type: 'ref', head: term.head, path: [...term.path, seg], loc: this.loc(start) } : { type: 'ref', head: term, path: [seg], loc: this.loc(start) };
    }
  }

  /** `f(a, b)`; `set()` is the empty set. The operator must be a name or a reference from one. */
  private parseCall(term: Term, start: number): Term {
    if (term.type !== 'var' && !(term.type === 'ref' && term.head.type === 'var')) {
      this.raise(this.start, `unexpected \`(\` token: ${termKindName(term)} cannot be called`);
    }
    const operator = this.asRef(term);
    this.next();
    const args = this.parseList(tt.parenR);
    if (operator.head.type === 'var' && operator.head.name === 'set' && operator.path.length === 0 && args.length === 0) {
      return { type: 'set', items: [], loc: this.loc(start) };
    }
    return { type: 'call', operator, args, loc: this.loc(start) };
  }

  /** Comma-separated terms up to `close` (consumed); a trailing comma is allowed. */
  parseList(close: typeof tt.parenR | typeof tt.bracketR | typeof tt.braceR, items: Term[] = []): Term[] {
    while (this.type !== close) {
      items.push(this.parseInfix(false));
      if (this.type === tt.comma) {
        this.next();
        continue;
      }
      if (this.type !== close) this.unexpected(`expected \`,\` or \`${close.label}\``);
    }
    this.next();
    return items;
  }
}
