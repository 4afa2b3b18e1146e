import type { Location } from '../ast.js';
import { BASE_KEYWORDS, FUTURE_KEYWORDS, tt, type TemplatePart, type TokenType } from './token-types.js';

/** A syntax error at an offset; it becomes a line:col diagnostic only when reported. */
export class ParseError extends Error {
  constructor(
    readonly offset: number,
    message: string,
  ) {
    super(message);
    this.name = 'ParseError';
  }
}

export interface ParserOptions {
  file: string;
  regoVersion?: 0 | 1;
}

/** Offsets of line starts, so that line and column are computed only for what is reported or kept. */
export class LineIndex {
  private readonly starts: number[] = [0];
  /** Lines holding characters outside the BMP, where columns must be counted rather than subtracted. */
  private readonly astral = new Set<number>();

  constructor(private readonly text: string) {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10) this.starts.push(i + 1);
      else if (c >= 0xd800 && c <= 0xdfff) this.astral.add(this.starts.length - 1);
    }
  }

  position(offset: number): { line: number; col: number } {
    const at = Math.max(0, Math.min(offset, this.text.length));
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= at) lo = mid;
      else hi = mid - 1;
    }
    const lineStart = this.starts[lo]!;
    if (!this.astral.has(lo)) return { line: lo + 1, col: at - lineStart + 1 };
    let col = 1;
    for (let i = lineStart; i < at; i++) {
      const c = this.text.charCodeAt(i);
      // The second half of a surrogate pair belongs to the code point the first half started.
      if (c >= 0xdc00 && c <= 0xdfff && i > lineStart) {
        const prev = this.text.charCodeAt(i - 1);
        if (prev >= 0xd800 && prev <= 0xdbff) continue;
      }
      col++;
    }
    return { line: lo + 1, col };
  }
}

export interface Snapshot {
  pos: number;
  type: TokenType;
  value: unknown;
  start: number;
  end: number;
  lastTokEnd: number;
  nlBefore: boolean;
  comments: number;
  wildcards: number;
}

export interface SourceComment {
  text: string;
  start: number;
  end: number;
}

/**
 * The one parser state: the source, the tokenizer's cursor and current token, the keywords in force,
 * comments seen so far and the wildcard counter. Everything the parser backtracks over is in
 * `snapshot()`, so a failed attempt leaves no trace.
 */
export class ParserState {
  readonly input: string;
  readonly file: string;
  readonly lines: LineIndex;
  /** The version the caller asked for. */
  readonly regoVersion: 0 | 1;
  /** Whether v1's rules apply: v1, or v0 with `import rego.v1`. */
  v1Rules: boolean;
  keywords: Map<string, TokenType>;

  pos = 0;
  type: TokenType = tt.eof;
  value: unknown = undefined;
  start = 0;
  end = 0;
  lastTokEnd = 0;
  /** A line break between the previous token and this one: it separates expressions of a body. */
  nlBefore = false;
  comments: SourceComment[] = [];
  wildcards = 0;
  /** Nesting depth of terms and bodies, bounded so that hostile input fails cleanly. */
  depth = 0;

  constructor(input: string, options: ParserOptions) {
    this.input = input;
    this.file = options.file;
    this.lines = new LineIndex(input);
    this.regoVersion = options.regoVersion ?? 1;
    this.v1Rules = this.regoVersion === 1;
    this.keywords = new Map(BASE_KEYWORDS);
    if (this.regoVersion === 1) for (const [k, v] of FUTURE_KEYWORDS) this.keywords.set(k, v);
    if (input.charCodeAt(0) === 0xfeff) this.pos = 1;
  }

  snapshot(): Snapshot {
    const { pos, type, value, start, end, lastTokEnd, nlBefore, wildcards } = this;
    return { pos, type, value, start, end, lastTokEnd, nlBefore, comments: this.comments.length, wildcards };
  }

  restore(s: Snapshot): void {
    this.pos = s.pos;
    this.type = s.type;
    this.value = s.value;
    this.start = s.start;
    this.end = s.end;
    this.lastTokEnd = s.lastTokEnd;
    this.nlBefore = s.nlBefore;
    this.comments.length = s.comments;
    this.wildcards = s.wildcards;
  }

  raise(offset: number, message: string): never {
    throw new ParseError(offset, message);
  }

  /** `unexpected \`}\` token: expected term`, naming the current token as the reader sees it. */
  unexpected(expected?: string): never {
    const what = this.describeToken();
    let message = expected ? `unexpected ${what}: ${expected}` : `unexpected ${what}`;
    const word = String(this.value);
    if (this.type === tt.name && FUTURE_KEYWORDS.has(word)) message += ` (hint: \`import rego.v1\` or \`import future.keywords.${word}\` makes \`${word}\` a keyword)`;
    this.raise(this.start, message);
  }

  describeToken(): string {
    const type = this.type;
    switch (type.kind) {
      case 'eof':
        return 'end of input';
      case 'keyword':
        return `\`${type.label}\` keyword`;
      case 'punct':
        return `\`${type.label}\` token`;
      case 'name':
        return `identifier \`${String(this.value)}\``;
      default: {
        if (type === tt.template) return 'template string';
        const text = this.input.slice(this.start, this.end);
        return `${type.label} \`${text.length > 24 ? `${text.slice(0, 21)}...` : text}\``;
      }
    }
  }

  loc(start: number, end = this.lastTokEnd): Location {
    const { line, col } = this.lines.position(start);
    return { file: this.file, line, col, offset: start, end: Math.max(start, end) };
  }

  /** A fresh variable for `_` and for variables the parser introduces; no source name starts with `$`. */
  freshVarName(): string {
    return `$_${this.wildcards++}`;
  }

  enter(): void {
    if (++this.depth > 400) this.raise(this.start, 'max parsing recursion depth exceeded');
  }

  leave(): void {
    this.depth--;
  }

  get templateValue(): TemplatePart {
    return this.value as TemplatePart;
  }
}
