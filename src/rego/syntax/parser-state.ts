import type { Location } from '../ast.js';
import { SourceText, SyntaxFailure } from './source-text.js';
import type { Token } from './tokens.js';

/** Cursor over the tokens, keyword rules for the module's Rego version, and error raising. */
export class ParserState {
  pos = 0;
  private wildcards = 0;
  /** Token index where a keyword (even `null`, `true`, `false`) may head a ref: a rule head or an expression's start. */
  private refHeadAt = -1;
  /** `in`, `every`, `contains`, `if` are keywords (Rego v1, or v0 with future.keywords / rego.v1). */
  keywords = new Set<string>();

  constructor(
    readonly source: SourceText,
    readonly tokens: Token[],
    public regoVersion: 0 | 1,
  ) {
    if (regoVersion === 1) this.keywords = new Set(['in', 'every', 'contains', 'if']);
  }

  get tok(): Token {
    return this.tokens[this.pos]!;
  }

  atEof(): boolean {
    return this.tok.type === 'eof';
  }

  peek(n = 1): Token {
    return this.tokens[Math.min(this.pos + n, this.tokens.length - 1)]!;
  }

  next(): Token {
    const t = this.tok;
    if (t.type !== 'eof') this.pos++;
    return t;
  }

  isPunct(value: string, t = this.tok): boolean {
    return t.type === 'punct' && t.value === value;
  }

  isWord(value: string, t = this.tok): boolean {
    return t.type === 'ident' && t.value === value;
  }

  /** A keyword that may be an ordinary name in v0 modules without the future import. */
  isKeyword(value: string, t = this.tok): boolean {
    return this.isWord(value, t) && this.keywords.has(value);
  }

  /** A word directly followed by `.` or `[`: the head of a ref, even when it is a keyword (OPA's keywords_in_refs). */
  leadsRef(at = this.pos): boolean {
    const t = this.tokens[at];
    const next = this.tokens[at + 1];
    return t !== undefined && t.type === 'ident' && next !== undefined && next.type === 'punct' && (next.value === '.' || next.value === '[') && next.start === t.end;
  }

  /** Where a statement starts (rule head, expression, package or import path), a keyword leading a ref is a name. */
  allowKeywordRefHead(): void {
    if (this.leadsRef()) this.refHeadAt = this.pos;
  }

  /** The current token is a keyword that heads a ref at a statement's start. */
  isKeywordRefHead(): boolean {
    return this.pos === this.refHeadAt && this.leadsRef();
  }

  eat(value: string): boolean {
    if (this.isPunct(value) || this.isWord(value)) {
      this.next();
      return true;
    }
    return false;
  }

  expect(value: string, what?: string): Token {
    if (this.isPunct(value) || this.isWord(value)) return this.next();
    this.unexpected(what ?? `expected ${value}`);
  }

  describe(t: Token): string {
    if (t.type === 'eof') return 'end of file';
    if (t.type === 'string') return 'string';
    if (t.type === 'template') return 'template string';
    return `\`${t.value}\` token`;
  }

  unexpected(expected: string, t = this.tok): never {
    this.raise(t.start, `unexpected ${this.describe(t)}: ${expected}`);
  }

  raise(offset: number, message: string): never {
    throw new SyntaxFailure(offset, message);
  }

  loc(start: number, end = this.tokens[Math.max(0, this.pos - 1)]!.end): Location {
    return this.source.loc(start, Math.max(start, end));
  }

  wildcard(): string {
    return `$_${this.wildcards++}`;
  }
}
