import { ParserState } from './parser-state.js';
import { PUNCTUATORS, tt, type TemplatePart, type TokenType } from './token-types.js';

const SIMPLE_ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

const isLetter = (c: number) => (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95;
const isDigit = (c: number) => c >= 48 && c <= 57;
const isHex = (c: number) => isDigit(c) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);

/**
 * Reads tokens on demand, one ahead of the parser, as acorn does. Whitespace and comments between
 * tokens are skipped here (comments are kept); whether a line break was skipped is recorded, because
 * line breaks separate the expressions of a body. Template strings are read a part at a time: the
 * parser parses each embedded expression with ordinary tokens and then asks for the next part.
 */
export class Tokenizer extends ParserState {
  next(): void {
    this.lastTokEnd = this.end;
    this.nlBefore = false;
    this.skipSpace();
    this.start = this.pos;
    this.readToken();
  }

  /** Reads the current token again, after an import changed which words are keywords. */
  rescan(): void {
    this.pos = this.start;
    this.readToken();
  }

  /** After the `}` that closes a template expression: the template's next literal part. */
  readTemplateContinuation(raw: boolean, templateStart: number): void {
    this.lastTokEnd = this.end;
    this.nlBefore = false;
    this.start = this.pos;
    this.readTemplatePart(raw, templateStart);
  }

  /** The character right after the current token, for adjacency tests like `not.x` or `f(`. */
  charAfterToken(): number {
    return this.input.charCodeAt(this.end);
  }

  private finish(type: TokenType, value?: unknown): void {
    this.type = type;
    this.value = value;
    this.end = this.pos;
  }

  private skipSpace(): void {
    const input = this.input;
    while (this.pos < input.length) {
      const c = input.charCodeAt(this.pos);
      if (c === 32 || c === 9 || c === 13) {
        this.pos++;
      } else if (c === 10) {
        this.nlBefore = true;
        this.pos++;
      } else if (c === 35) {
        const start = this.pos;
        let end = input.indexOf('\n', start);
        if (end < 0) end = input.length;
        this.pos = end;
        const textEnd = input.charCodeAt(end - 1) === 13 ? end - 1 : end;
        this.comments.push({ text: input.slice(start + 1, textEnd), start, end: textEnd });
      } else {
        return;
      }
    }
  }

  private readToken(): void {
    const input = this.input;
    if (this.pos >= input.length) return this.finish(tt.eof);
    const c = input.charCodeAt(this.pos);
    if (isLetter(c)) return this.readWord();
    if (isDigit(c)) return this.readNumber();
    if (c === 34) return this.readString();
    if (c === 96) return this.readRawString();
    if (c === 36) {
      const q = input.charCodeAt(this.pos + 1);
      if (q === 34 || q === 96) {
        this.pos += 2;
        return this.readTemplatePart(q === 96, this.start);
      }
      this.raise(this.pos, 'illegal $ character: template strings start with $" or $`');
    }
    for (const [text, type] of PUNCTUATORS) {
      if (input.startsWith(text, this.pos)) {
        this.pos += text.length;
        return this.finish(type);
      }
    }
    if (c === 33) this.raise(this.pos, 'illegal ! character: did you mean `not` or `!=`?');
    const ch = String.fromCodePoint(input.codePointAt(this.pos)!);
    this.raise(this.pos, `illegal character ${JSON.stringify(ch)}`);
  }

  private readWord(): void {
    const input = this.input;
    const start = this.pos;
    while (this.pos < input.length) {
      const c = input.charCodeAt(this.pos);
      if (!isLetter(c) && !isDigit(c)) break;
      this.pos++;
    }
    const word = input.slice(start, this.pos);
    const kw = this.keywords.get(word);
    this.finish(kw ?? tt.name, word);
  }

  /** Digits, an optional fraction and exponent; the text is kept exactly as written. */
  private readNumber(): void {
    const input = this.input;
    const start = this.pos;
    const digits = () => {
      const from = this.pos;
      while (isDigit(input.charCodeAt(this.pos))) this.pos++;
      return this.pos > from;
    };
    digits();
    if (input.charCodeAt(this.pos) === 46) {
      this.pos++;
      if (!digits()) this.raise(start, 'invalid number: expected fraction digits after `.`');
    }
    const e = input.charCodeAt(this.pos);
    if (e === 101 || e === 69) {
      this.pos++;
      const sign = input.charCodeAt(this.pos);
      if (sign === 43 || sign === 45) this.pos++;
      if (!digits()) this.raise(start, 'invalid number: expected exponent digits');
    }
    if (isLetter(input.charCodeAt(this.pos))) this.raise(start, 'illegal number format');
    this.finish(tt.num, input.slice(start, this.pos));
  }

  /** One escape after a backslash at `i`; returns the decoded text and the index after it. */
  private readEscape(i: number, allowBrace: boolean): [string, number] {
    const input = this.input;
    const e = input[i + 1];
    if (e === undefined) this.raise(i, 'illegal escape sequence at end of input');
    const simple = SIMPLE_ESCAPES[e];
    if (simple !== undefined) return [simple, i + 2];
    if (e === '{' && allowBrace) return ['{', i + 2];
    if (e === 'u') {
      for (let k = 2; k < 6; k++) if (!isHex(input.charCodeAt(i + k))) this.raise(i, 'illegal escape sequence: \\u needs four hex digits');
      return [String.fromCharCode(parseInt(input.slice(i + 2, i + 6), 16)), i + 6];
    }
    this.raise(i, `illegal escape sequence \\${e}`);
  }

  private readString(): void {
    const input = this.input;
    const start = this.pos;
    let i = start + 1;
    let out = '';
    let chunk = i;
    for (;;) {
      const c = input.charCodeAt(i);
      if (i >= input.length || c === 10) this.raise(start, 'non-terminated string');
      if (c === 34) break;
      if (c === 92) {
        out += input.slice(chunk, i);
        const [text, after] = this.readEscape(i, false);
        out += text;
        i = chunk = after;
        continue;
      }
      i++;
    }
    out += input.slice(chunk, i);
    this.pos = i + 1;
    this.finish(tt.string, out);
  }

  private readRawString(): void {
    const close = this.input.indexOf('`', this.pos + 1);
    if (close < 0) this.raise(this.pos, 'non-terminated raw string');
    const text = this.input.slice(this.pos + 1, close);
    this.pos = close + 1;
    this.finish(tt.string, text);
  }

  /**
   * Literal text of a template string up to `{` (an embedded expression follows) or the closing
   * quote. `\{` is a literal brace in both kinds; `$"…"` also has the escapes of strings and ends at
   * a line break, while `` $`…` `` is raw and may span lines.
   */
  private readTemplatePart(raw: boolean, templateStart: number): void {
    const input = this.input;
    const quote = raw ? 96 : 34;
    let i = this.pos;
    let out = '';
    let chunk = i;
    let closed = false;
    for (;;) {
      if (i >= input.length) this.raise(templateStart, 'non-terminated template string');
      const c = input.charCodeAt(i);
      if (c === quote) {
        closed = true;
        break;
      }
      if (c === 123) break;
      if (c === 10 && !raw) this.raise(templateStart, 'non-terminated template string');
      if (c === 92) {
        if (raw) {
          if (input.charCodeAt(i + 1) === 123) {
            out += input.slice(chunk, i) + '{';
            i = chunk = i + 2;
            continue;
          }
        } else {
          out += input.slice(chunk, i);
          const [text, after] = this.readEscape(i, true);
          out += text;
          i = chunk = after;
          continue;
        }
      }
      i++;
    }
    out += input.slice(chunk, i);
    this.pos = i + 1;
    const part: TemplatePart = { text: out, closed, raw };
    this.finish(tt.template, part);
  }
}
