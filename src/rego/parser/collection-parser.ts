import type { Term } from '../ast.js';
import { TermParser } from './term-parser.js';
import { tt } from './token-types.js';

/**
 * Arrays, sets, objects and their comprehensions. As in OPA, a comprehension wins over `|` as set
 * union: the first element is read as a single operand, and only when no `|` follows does it become
 * the left operand of a full infix term. A leading comma (`[, a]`) is accepted for compatibility and
 * rules out a comprehension; trailing commas are fine.
 */
export abstract class CollectionParser extends TermParser {
  protected parseArray(): Term {
    const start = this.start;
    this.next();
    if (this.type === tt.bracketR) {
      this.next();
      return { type: 'array', items: [], loc: this.loc(start) };
    }
    const comprehension = !this.eat(tt.comma);
    const head = this.parseOperand();
    if (comprehension && this.type === tt.bitOr) {
      this.next();
      const body = this.parseBody(tt.bracketR);
      this.expect(tt.bracketR, 'expected `]` to close the array comprehension');
      return { type: 'arrayComprehension', head, body, loc: this.loc(start) };
    }
    const first = this.parseInfix(false, head);
    if (this.type !== tt.comma && this.type !== tt.bracketR) this.unexpected('expected `,` or `]`');
    this.eat(tt.comma);
    const items = this.parseList(tt.bracketR, [first]);
    return { type: 'array', items, loc: this.loc(start) };
  }

  /** `{}` is an empty object; `{a}` a set; `{k: v}` an object; with `|`, comprehensions. */
  protected parseBrace(): Term {
    const start = this.start;
    this.next();
    if (this.type === tt.braceR) {
      this.next();
      return { type: 'object', entries: [], loc: this.loc(start) };
    }
    const comprehension = !this.eat(tt.comma);
    const head = this.parseOperand();
    if (comprehension && this.type === tt.bitOr) {
      this.next();
      const body = this.parseBody(tt.braceR);
      this.expect(tt.braceR, 'expected `}` to close the set comprehension');
      return { type: 'setComprehension', head, body, loc: this.loc(start) };
    }
    const first = this.type === tt.colon ? head : this.parseInfix(false, head);
    if (this.type === tt.colon) return this.parseObjectRest(start, first, comprehension);
    if (this.type !== tt.comma && this.type !== tt.braceR) this.unexpected('expected `,` or `}` in set (or `:` in object)');
    this.eat(tt.comma);
    const items = this.parseList(tt.braceR, [first]);
    return { type: 'set', items, loc: this.loc(start) };
  }

  /** After the first key: its value, then either `| body` or more `key: value` pairs. */
  private parseObjectRest(start: number, key: Term, comprehension: boolean): Term {
    this.next();
    const head = this.parseOperand();
    if (comprehension && this.type === tt.bitOr) {
      this.next();
      const body = this.parseBody(tt.braceR);
      this.expect(tt.braceR, 'expected `}` to close the object comprehension');
      return { type: 'objectComprehension', key, value: head, body, loc: this.loc(start) };
    }
    const entries: Array<[Term, Term]> = [[key, this.parseInfix(false, head)]];
    for (;;) {
      if (this.type === tt.braceR) break;
      if (this.type !== tt.comma) this.unexpected('expected `,` or `}` in object');
      this.next();
      if (this.type === tt.braceR) break;
      const k = this.parseInfix(false);
      if (this.type !== tt.colon) this.unexpected('expected `:` after object key');
      this.next();
      entries.push([k, this.parseInfix(false)]);
    }
    this.next();
    return { type: 'object', entries, loc: this.loc(start) };
  }
}
