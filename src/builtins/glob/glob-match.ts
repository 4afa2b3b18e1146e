// Provenance: follows github.com/gobwas/glob's lexer and parser (MIT License, Copyright (c) 2016 Sergey Kamardin; see NOTICE).
import { compileGoRegexp, type GoRegexp } from '../regex/go-regexp.js';
import { BoundedCache } from '../bounded-cache.js';

// `glob.match` with github.com/gobwas/glob's syntax (the library OPA uses): `*` (no separator),
// `**` (anything), `?` (one non-separator), `[abc]`, `[!abc]`, `[a-z]`, `[!a-z]`, `{a,b}` and `\`
// escapes. The lexer and parser below reproduce that library's grammar and error messages; the
// parsed pattern is then matched through an anchored RE2 expression, which keeps matching linear.

type TokenType =
  | 'eof'
  | 'error'
  | 'text'
  | 'any'
  | 'super'
  | 'single'
  | 'not'
  | 'separator'
  | 'rangeOpen'
  | 'rangeClose'
  | 'rangeLo'
  | 'rangeHi'
  | 'rangeBetween'
  | 'termsOpen'
  | 'termsClose';

interface Token {
  type: TokenType;
  raw: string;
}

const EOF = 0;
const TEXT_BREAKERS = ['?', '*', '[', '{'].map((c) => c.codePointAt(0)!);
const TERMS_BREAKERS = [...TEXT_BREAKERS, '}'.codePointAt(0)!, ','.codePointAt(0)!];
const CLOSE_BREAKERS = [']'.codePointAt(0)!];
const cp = (c: string): number => c.codePointAt(0)!;

class Lexer {
  private readonly data: number[];
  private pos = 0;
  private err: string | undefined;
  private readonly tokens: Token[] = [];
  private termsLevel = 0;
  private lastRune = EOF;
  private lastRuneSize = 0;
  private hasRune = false;

  constructor(source: string) {
    this.data = Array.from(source, (c) => c.codePointAt(0)!);
  }

  next(): Token {
    for (;;) {
      if (this.err !== undefined) return { type: 'error', raw: this.err };
      const t = this.tokens.shift();
      if (t !== undefined) return t;
      this.fetchItem();
    }
  }

  private peek(): [number, number] {
    if (this.pos >= this.data.length) return [EOF, 0];
    return [this.data[this.pos]!, 1];
  }

  private read(): number {
    if (this.hasRune) {
      this.hasRune = false;
      this.pos += this.lastRuneSize;
      return this.lastRune;
    }
    const [r, size] = this.peek();
    this.pos += size;
    this.lastRune = r;
    this.lastRuneSize = size;
    return r;
  }

  private unread(): void {
    if (this.hasRune) {
      this.err = 'could not unread rune';
      return;
    }
    this.pos -= this.lastRuneSize;
    this.hasRune = true;
  }

  private push(type: TokenType, raw: string): void {
    this.tokens.push({ type, raw });
  }

  private fetchItem(): void {
    const r = this.read();
    const inTerms = this.termsLevel > 0;
    if (r === EOF) this.push('eof', '');
    else if (r === cp('{')) {
      this.termsLevel++;
      this.push('termsOpen', '{');
    } else if (r === cp(',') && inTerms) this.push('separator', ',');
    else if (r === cp('}') && inTerms) {
      this.push('termsClose', '}');
      this.termsLevel--;
    } else if (r === cp('[')) {
      this.push('rangeOpen', '[');
      this.fetchRange();
    } else if (r === cp('?')) this.push('single', '?');
    else if (r === cp('*')) {
      if (this.read() === cp('*')) this.push('super', '**');
      else {
        this.unread();
        this.push('any', '*');
      }
    } else {
      this.unread();
      this.fetchText(inTerms ? TERMS_BREAKERS : TEXT_BREAKERS);
    }
  }

  private fetchRange(): void {
    let wantHi = false;
    let wantClose = false;
    let seenNot = false;
    for (;;) {
      const r = this.read();
      if (r === EOF) {
        this.err = 'unexpected end of input';
        return;
      }
      if (wantClose) {
        if (r !== cp(']')) this.err = 'expected close range character';
        else this.push('rangeClose', ']');
        return;
      }
      if (wantHi) {
        this.push('rangeHi', String.fromCodePoint(r));
        wantClose = true;
        continue;
      }
      if (!seenNot && r === cp('!')) {
        this.push('not', '!');
        seenNot = true;
        continue;
      }
      const [n, w] = this.peek();
      if (n === cp('-')) {
        this.pos += w;
        this.push('rangeLo', String.fromCodePoint(r));
        this.push('rangeBetween', '-');
        wantHi = true;
        continue;
      }
      this.unread();
      this.fetchText(CLOSE_BREAKERS);
      wantClose = true;
    }
  }

  private fetchText(breakers: number[]): void {
    const data: number[] = [];
    let escaped = false;
    for (;;) {
      const r = this.read();
      if (r === EOF) break;
      if (!escaped) {
        if (r === cp('\\')) {
          escaped = true;
          continue;
        }
        if (breakers.includes(r)) {
          this.unread();
          break;
        }
      }
      escaped = false;
      data.push(r);
    }
    if (data.length > 0) this.push('text', String.fromCodePoint(...data));
  }
}

/** The parsed pattern. */
type GlobNode =
  | { kind: 'pattern'; children: GlobNode[]; parent: GlobNode | undefined }
  | { kind: 'anyOf'; children: GlobNode[]; parent: GlobNode | undefined }
  | { kind: 'text'; text: string }
  | { kind: 'any' }
  | { kind: 'super' }
  | { kind: 'single' }
  | { kind: 'list'; chars: string; not: boolean }
  | { kind: 'range'; lo: number; hi: number; not: boolean };

type Container = Extract<GlobNode, { children: GlobNode[] }>;

/** A malformed glob pattern, with gobwas/glob's message. */
export class GlobSyntaxError extends Error {}

function parse(source: string): Container {
  const lexer = new Lexer(source);
  const root: Container = { kind: 'pattern', children: [], parent: undefined };
  let tree: Container = root;
  for (;;) {
    const token = lexer.next();
    switch (token.type) {
      case 'eof':
        return root;
      case 'error':
        throw new GlobSyntaxError(token.raw);
      case 'text':
        tree.children.push({ kind: 'text', text: token.raw });
        break;
      case 'any':
      case 'super':
      case 'single':
        tree.children.push({ kind: token.type });
        break;
      case 'rangeOpen':
        tree.children.push(parseRange(lexer));
        break;
      case 'termsOpen': {
        const anyOf: Container = { kind: 'anyOf', children: [], parent: tree };
        tree.children.push(anyOf);
        const alternative: Container = { kind: 'pattern', children: [], parent: anyOf };
        anyOf.children.push(alternative);
        tree = alternative;
        break;
      }
      case 'separator': {
        const anyOf = tree.parent as Container;
        const alternative: Container = { kind: 'pattern', children: [], parent: anyOf };
        anyOf.children.push(alternative);
        tree = alternative;
        break;
      }
      case 'termsClose':
        tree = (tree.parent as Container).parent as Container;
        break;
      default:
        throw new GlobSyntaxError(`unexpected token: ${token.type}<"${token.raw}">`);
    }
  }
}

function parseRange(lexer: Lexer): GlobNode {
  let not = false;
  let lo = 0;
  let hi = 0;
  let chars = '';
  for (;;) {
    const token = lexer.next();
    switch (token.type) {
      case 'eof':
        throw new GlobSyntaxError('unexpected end');
      case 'error':
        throw new GlobSyntaxError(token.raw);
      case 'not':
        not = true;
        break;
      case 'rangeLo':
        lo = token.raw.codePointAt(0)!;
        break;
      case 'rangeHi':
        hi = token.raw.codePointAt(0)!;
        if (hi < lo) {
          throw new GlobSyntaxError(
            `hi character '${String.fromCodePoint(hi)}' should be greater than lo '${String.fromCodePoint(lo)}'`,
          );
        }
        break;
      case 'text':
        chars = token.raw;
        break;
      case 'rangeClose': {
        const isRange = lo !== 0 && hi !== 0;
        if ((chars !== '') === isRange) throw new GlobSyntaxError('could not parse range');
        return isRange ? { kind: 'range', lo, hi, not } : { kind: 'list', chars, not };
      }
      default:
        break;
    }
  }
}

const hex = (c: number): string => `\\x{${c.toString(16)}}`;

function toRegexp(node: GlobNode, separators: number[]): string {
  const notSeparator = separators.length === 0 ? '.' : `[^${separators.map(hex).join('')}]`;
  switch (node.kind) {
    case 'pattern':
      return node.children.map((c) => toRegexp(c, separators)).join('');
    case 'anyOf':
      return `(?:${node.children.map((c) => toRegexp(c, separators)).join('|')})`;
    case 'text':
      return Array.from(node.text, (c) => hex(c.codePointAt(0)!)).join('');
    case 'any':
      return `${notSeparator}*`;
    case 'super':
      return '.*';
    case 'single':
      return notSeparator;
    case 'list':
      return `[${node.not ? '^' : ''}${Array.from(node.chars, (c) => hex(c.codePointAt(0)!)).join('')}]`;
    case 'range':
      return `[${node.not ? '^' : ''}${hex(node.lo)}-${hex(node.hi)}]`;
  }
}

// Translated patterns: short strings, cheap to keep, so more of them than the compiled expressions they lead to.
const cache = new BoundedCache<string>(4096);

/** Compiles a glob (with the given separator characters) to an anchored Go regexp source. */
export function globToRegexpSource(pattern: string, separators: number[]): string {
  const key = JSON.stringify([pattern, separators]);
  let source = cache.get(key);
  if (source === undefined) {
    source = `(?s)^${toRegexp(parse(pattern), separators)}$`;
    cache.set(key, source);
  }
  return source;
}

/** Whether `text` matches the glob; throws `GlobSyntaxError` for a malformed pattern. */
export function globMatch(pattern: string, separators: number[], text: string): boolean {
  const re: GoRegexp = compileGoRegexp(globToRegexpSource(pattern, separators));
  return re.test(text);
}

const GLOB_SPECIALS = new Set(['*', '?', '\\', '[', ']', '{', '}']);

/** gobwas/glob's `QuoteMeta`: a backslash before every glob meta character. */
export function globQuoteMeta(s: string): string {
  let out = '';
  for (const c of s) out += GLOB_SPECIALS.has(c) ? `\\${c}` : c;
  return out;
}
