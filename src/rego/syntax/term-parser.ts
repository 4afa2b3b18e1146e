import type { Body, CallTerm, Expr, Location, RefTerm, Term, VarTerm, WithModifier } from '../ast.js';
import { SourceText } from './source-text.js';
import { ParserState } from './parser-state.js';
import { tokenize } from './tokenizer.js';
import type { Token } from './tokens.js';

const RELATIONS: Record<string, string> = { '==': 'equal', '!=': 'neq', '<': 'lt', '<=': 'lte', '>': 'gt', '>=': 'gte' };
const LEVELS: Array<Record<string, string>> = [{ '|': 'or' }, { '&': 'and' }, { '+': 'plus', '-': 'minus' }, { '*': 'mul', '/': 'div', '%': 'rem' }];
const SCALAR_NAMES: Partial<Record<Term['type'], string>> = { null: 'null', boolean: 'boolean', number: 'number', string: 'string' };
const RESERVED = new Set(['not', 'with', 'as', 'some', 'else', 'default', 'import', 'package']);

/** Terms and operator expressions, with OPA's precedence: in < relations < | < & < + - < * / %. */
export abstract class TermParser extends ParserState {
  /** Bracket nesting: at depth 0 a line break ends an expression. */
  protected depth = 0;
  /** Depth at which `|` ends a comprehension head instead of meaning set union. */
  protected barStopsAt = -1;

  /** The first term inside `[` or `{`: a `|` after it starts a comprehension body. */
  private parseHead(): Term {
    const saved = this.barStopsAt;
    this.barStopsAt = this.depth;
    try {
      return this.parseTermExpr();
    } finally {
      this.barStopsAt = saved;
    }
  }

  abstract parseBodyUntil(close: string): Body;

  protected endsExpression(): boolean {
    return this.depth === 0 && this.tok.newlineBefore;
  }

  protected opRef(name: string, loc: Location): RefTerm {
    const parts = name.split('.');
    const head: VarTerm = { type: 'var', name: parts[0]!, loc };
    return { type: 'ref', head, path: parts.slice(1).map((value) => ({ type: 'string', value, loc })), loc };
  }

  protected call(name: string, args: Term[], start: number): CallTerm {
    const loc = this.loc(start);
    return { type: 'call', operator: this.opRef(name, loc), args, loc };
  }

  /** A term with every operator but assignment and unification. */
  parseTermExpr(allowPair = false): Term {
    const start = this.tok.start;
    let left = this.parseRelation();
    if (allowPair && this.isPunct(',')) {
      // `k, v in xs` (membership of a key/value pair), allowed at expression level and in parentheses.
      this.next();
      const value = this.parseRelation();
      if (!this.isKeyword('in')) this.unexpected('expected in after `key, value`');
      this.next();
      left = this.call('internal.member_3', [left, value, this.parseRelation()], start);
    }
    while (this.isKeyword('in') && !this.endsExpression()) {
      this.next();
      const right = this.parseRelation();
      left = this.call('internal.member_2', [left, right], start);
    }
    return left;
  }

  protected parseRelation(): Term {
    const start = this.tok.start;
    let left = this.parseLevel(0);
    while (this.tok.type === 'punct' && RELATIONS[this.tok.value] && !this.endsExpression()) {
      const op = RELATIONS[this.next().value]!;
      left = this.call(op, [left, this.parseLevel(0)], start);
    }
    return left;
  }

  private parseLevel(level: number): Term {
    if (level === LEVELS.length) return this.parseUnary();
    const start = this.tok.start;
    let left = this.parseLevel(level + 1);
    const ops = LEVELS[level]!;
    while (this.tok.type === 'punct' && ops[this.tok.value] && !this.endsExpression() && !(this.tok.value === '|' && this.depth === this.barStopsAt)) {
      const op = ops[this.next().value]!;
      left = this.call(op, [left, this.parseLevel(level + 1)], start);
    }
    return left;
  }

  private parseUnary(): Term {
    if (this.isPunct('-')) {
      const minus = this.next();
      if (this.tok.type === 'number' && this.tok.start === minus.end) {
        const n = this.next();
        return this.parsePostfix({ type: 'number', text: `-${n.value}`, loc: this.loc(minus.start) });
      }
      const operand = this.parseUnary();
      return this.call('minus', [{ type: 'number', text: '0', loc: this.loc(minus.start) }, operand], minus.start);
    }
    return this.parsePostfix(this.parsePrimary());
  }

  /** `.name`, `[term]` and `(args)` after a term. */
  protected parsePostfix(term: Term): Term {
    const start = term.loc.offset;
    for (;;) {
      if (this.isPunct('.') && this.tok.start === (this.tokens[this.pos - 1]?.end ?? -1)) {
        const after = this.peek();
        if (after.type !== 'ident' || after.start !== this.tok.end) this.unexpectedAfterDot(after);
        this.next();
        const name = this.next();
        term = this.extendRef(term, { type: 'string', value: name.value, loc: this.loc(name.start) }, start);
        continue;
      }
      if (this.isPunct('[') && !this.tok.newlineBefore && this.tok.start === (this.tokens[this.pos - 1]?.end ?? -1)) {
        this.next();
        this.depth++;
        const key = this.parseTermExpr();
        this.depth--;
        this.expect(']', 'expected ]');
        term = this.extendRef(term, key, start);
        continue;
      }
      if (this.isPunct('(') && this.tok.start === (this.tokens[this.pos - 1]?.end ?? -1) && (term.type === 'var' || (term.type === 'ref' && term.head.type === 'var' && term.path.every((p) => p.type === 'string')))) {
        this.next();
        this.depth++;
        const args: Term[] = [];
        while (!this.isPunct(')')) {
          args.push(this.parseTermExpr());
          if (!this.eat(',')) break;
        }
        this.depth--;
        this.expect(')', 'expected ) to close the call');
        const operator: RefTerm = term.type === 'var' ? { type: 'ref', head: term, path: [], loc: term.loc } : term;
        term = { type: 'call', operator, args, loc: this.loc(start) };
        continue;
      }
      return term;
    }
  }

  /** As OPA: a `.` right after a term must be followed, without a space, by a name. */
  private unexpectedAfterDot(t: Token): never {
    const what = t.type === 'eof' ? 'eof' : t.start !== this.tok.end ? 'whitespace' : t.type === 'punct' ? t.value : t.type;
    this.raise(t.start !== this.tok.end && t.type !== 'eof' ? this.tok.end : t.start, `unexpected ${what} token: expected ident`);
  }

  private extendRef(term: Term, seg: Term, start: number): Term {
    const scalar = SCALAR_NAMES[term.type];
    if (scalar !== undefined) this.raise(term.loc.offset, `illegal ref (head cannot be ${scalar})`);
    if (term.type === 'ref') return { ...term, path: [...term.path, seg], loc: this.loc(start) };
    return { type: 'ref', head: term, path: [seg], loc: this.loc(start) };
  }

  protected parsePrimary(): Term {
    const t = this.tok;
    const start = t.start;
    switch (t.type) {
      case 'number':
        this.next();
        return { type: 'number', text: t.value, loc: this.loc(start) };
      case 'string':
        this.next();
        return { type: 'string', value: t.value, loc: this.loc(start) };
      case 'template':
        this.next();
        return this.parseTemplate(t.parts ?? [], start);
      case 'ident': {
        if (this.isKeywordRefHead()) {
          this.next();
          return { type: 'var', name: t.value === '_' ? this.wildcard() : t.value, loc: this.loc(start) };
        }
        if (t.value === 'true' || t.value === 'false') {
          this.next();
          return { type: 'boolean', value: t.value === 'true', loc: this.loc(start) };
        }
        if (t.value === 'null') {
          this.next();
          return { type: 'null', loc: this.loc(start) };
        }
        if (t.value === 'set' && this.isPunct('(', this.peek()) && this.isPunct(')', this.peek(2))) {
          this.pos += 3;
          return { type: 'set', items: [], loc: this.loc(start) };
        }
        // Keywords name things too where nothing else fits: `contains(s, x)`, `data.x.default`, `with.foo`.
        const next = this.peek();
        const usedAsName = (next.type === 'punct' && (next.value === '(' || next.value === '.' || next.value === '[') && next.start === t.end) || this.isPunct('.', this.tokens[this.pos - 1]);
        if ((RESERVED.has(t.value) || this.keywords.has(t.value)) && !usedAsName) this.unexpected('expected term');
        this.next();
        return { type: 'var', name: t.value === '_' ? this.wildcard() : t.value, loc: this.loc(start) };
      }
      case 'punct':
        if (t.value === '[') return this.parseArray();
        if (t.value === '{') return this.parseBrace();
        if (t.value === '(') {
          this.next();
          this.depth++;
          const inner = this.parseTermExpr(true);
          this.depth--;
          this.expect(')', 'expected )');
          inner.parens = this.loc(start);
          return inner;
        }
        return this.unexpected('expected term');
      default:
        return this.unexpected('expected term');
    }
  }

  private parseArray(): Term {
    const start = this.next().start;
    this.depth++;
    const items: Term[] = [];
    if (!this.isPunct(']')) {
      const first = this.parseHead();
      if (this.eat('|')) {
        const body = this.parseBodyUntil(']');
        this.depth--;
        this.expect(']', 'expected ] to close the comprehension');
        return { type: 'arrayComprehension', head: first, body, loc: this.loc(start) };
      }
      items.push(first);
      while (this.eat(',')) {
        if (this.isPunct(']')) break;
        items.push(this.parseTermExpr());
      }
    }
    this.depth--;
    this.expect(']', 'expected ] or ,');
    return { type: 'array', items, loc: this.loc(start) };
  }

  private parseBrace(): Term {
    const start = this.next().start;
    this.depth++;
    if (this.eat('}')) {
      this.depth--;
      return { type: 'object', entries: [], loc: this.loc(start) };
    }
    const first = this.parseHead();
    if (this.eat(':')) {
      const value = this.parseHead();
      if (this.eat('|')) {
        const body = this.parseBodyUntil('}');
        this.depth--;
        this.expect('}', 'expected } to close the comprehension');
        return { type: 'objectComprehension', key: first, value, body, loc: this.loc(start) };
      }
      const entries: Array<[Term, Term]> = [[first, value]];
      while (this.eat(',')) {
        if (this.isPunct('}')) break;
        const k = this.parseTermExpr();
        this.expect(':', 'expected : in object');
        entries.push([k, this.parseTermExpr()]);
      }
      this.depth--;
      this.expect('}', 'expected } or ,');
      return { type: 'object', entries, loc: this.loc(start) };
    }
    if (this.eat('|')) {
      const body = this.parseBodyUntil('}');
      this.depth--;
      this.expect('}', 'expected } to close the comprehension');
      return { type: 'setComprehension', head: first, body, loc: this.loc(start) };
    }
    const items: Term[] = [first];
    while (this.eat(',')) {
      if (this.isPunct('}')) break;
      items.push(this.parseTermExpr());
    }
    this.depth--;
    this.expect('}', 'expected } or ,');
    return { type: 'set', items, loc: this.loc(start) };
  }

  private parseTemplate(parts: Array<{ text?: string; expr?: string; offset: number }>, start: number): Term {
    const out: Array<string | Term> = [];
    for (const p of parts) {
      if (p.text !== undefined) {
        out.push(p.text);
        continue;
      }
      const { tokens } = tokenize(p.expr!, p.offset);
      const sub = this.subParser(tokens);
      const term = sub.parseTermExpr();
      const withs = sub.parseWithModifiers();
      if (sub.tok.type !== 'eof') sub.unexpected('expected } to end the template expression');
      out.push(withs.length === 0 ? term : this.templateValueWith(term, withs));
    }
    return { type: 'templateString', parts: out, loc: this.loc(start) };
  }

  /** `with target as value` modifiers after an expression. */
  parseWithModifiers(): WithModifier[] {
    const withs: WithModifier[] = [];
    while (this.isWord('with') && !this.keywordAsName()) {
      const w = this.next();
      const target = this.parsePostfix(this.parsePrimary());
      const ref: RefTerm = target.type === 'ref' ? target : target.type === 'var' ? { type: 'ref', head: target, path: [], loc: target.loc } : this.raise(target.loc.offset, 'with target must be a reference');
      this.expect('as', 'expected as after the with target');
      const value = this.parseTermExpr();
      withs.push({ target: ref, value, loc: this.loc(w.start) });
    }
    return withs;
  }

  /**
   * `{a with input as x}` inside a template string: the value is taken in a set comprehension
   * whose one expression carries the modifiers (the template builtin takes each value as a set).
   */
  private templateValueWith(term: Term, withs: WithModifier[]): Term {
    const loc = term.loc;
    const v: VarTerm = { type: 'var', name: this.wildcard(), loc };
    const expr: Expr = { type: 'call', operator: this.opRef('eq', loc), args: [v, term], negated: false, with: withs, loc };
    return { type: 'setComprehension', head: v, body: [expr], templateValue: true, loc };
  }

  /** An identifier used as a name although it is a keyword (`default.foo`, `contains(…)`). */
  protected keywordAsName(): boolean {
    const t = this.tok;
    const next = this.tokens[this.pos + 1];
    return next !== undefined && next.type === 'punct' && (next.value === '.' || next.value === '(' || next.value === '[') && next.start === t.end;
  }

  /** A parser of the same kind over other tokens of this source (template expressions). */
  protected abstract subParser(tokens: ReturnType<typeof tokenize>['tokens']): TermParser;
}

export { SourceText };
