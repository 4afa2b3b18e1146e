import { SyntaxFailure } from './source-text.js';
import { PUNCTUATION, type Comment, type TemplatePart, type Token } from './tokens.js';

const ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

const isIdentStart = (c: string) => /[A-Za-z_]/.test(c);
const isIdentPart = (c: string) => /[A-Za-z0-9_]/.test(c);
const isDigit = (c: string) => c >= '0' && c <= '9';

/** Splits Rego source into tokens, remembering line breaks between them and every comment. */
export function tokenize(src: string, base = 0): { tokens: Token[]; comments: Comment[] } {
  const tokens: Token[] = [];
  const comments: Comment[] = [];
  let i = 0;
  let newline = false;
  const push = (type: Token['type'], value: string, start: number, parts?: TemplatePart[]) => {
    tokens.push({ type, value, start: base + start, end: base + i, newlineBefore: newline, parts });
    newline = false;
  };
  while (i < src.length) {
    const c = src[i]!;
    if (c === '\n') {
      newline = true;
      i++;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r') {
      i++;
      continue;
    }
    if (c === '#') {
      const start = i;
      while (i < src.length && src[i] !== '\n') i++;
      comments.push({ text: src.slice(start + 1, i), start: base + start });
      continue;
    }
    const start = i;
    if (isIdentStart(c)) {
      while (i < src.length && isIdentPart(src[i]!)) i++;
      push('ident', src.slice(start, i), start);
      continue;
    }
    if (isDigit(c) || (c === '.' && isDigit(src[i + 1] ?? ''))) {
      while (i < src.length && isDigit(src[i]!)) i++;
      if (src[i] === '.' && isDigit(src[i + 1] ?? '')) {
        i++;
        while (i < src.length && isDigit(src[i]!)) i++;
      }
      if ((src[i] === 'e' || src[i] === 'E') && (isDigit(src[i + 1] ?? '') || ((src[i + 1] === '+' || src[i + 1] === '-') && isDigit(src[i + 2] ?? '')))) {
        i += 2;
        while (i < src.length && isDigit(src[i]!)) i++;
      }
      if (i < src.length && (isIdentStart(src[i]!) || src[i] === '.')) {
        if (src[i] !== '.' || !isIdentStart(src[i + 1] ?? '')) throw new SyntaxFailure(base + i, `invalid number: unexpected ${JSON.stringify(src[i])}`);
      }
      push('number', src.slice(start, i), start);
      continue;
    }
    if (c === '"') {
      i = readString(src, i + 1, base);
      push('string', JSON.parse(src.slice(start, i)) as string, start);
      continue;
    }
    if (c === '`') {
      const close = src.indexOf('`', i + 1);
      if (close < 0) throw new SyntaxFailure(base + start, 'non-terminated raw string');
      i = close + 1;
      push('string', src.slice(start + 1, close), start);
      continue;
    }
    if (c === '$' && (src[i + 1] === '"' || src[i + 1] === '`')) {
      const { parts, end } = readTemplate(src, i + 1, base);
      i = end;
      push('template', '', start, parts);
      continue;
    }
    const p = PUNCTUATION.find((x) => src.startsWith(x, i));
    if (p) {
      i += p.length;
      push('punct', p, start);
      continue;
    }
    throw new SyntaxFailure(base + i, `unexpected character ${JSON.stringify(c)}`);
  }
  push('eof', '', i);
  return { tokens, comments };
}

function readString(src: string, i: number, base: number): number {
  while (i < src.length) {
    const c = src[i]!;
    if (c === '"') return i + 1;
    if (c === '\n') break;
    if (c === '\\') {
      const e = src[i + 1];
      if (e === 'u') {
        if (!/^[0-9a-fA-F]{4}$/.test(src.slice(i + 2, i + 6))) throw new SyntaxFailure(base + i, 'invalid unicode escape in string');
        i += 6;
        continue;
      }
      if (e === undefined || !'"\\/bfnrt'.includes(e)) throw new SyntaxFailure(base + i, `invalid escape sequence \\${e ?? ''} in string`);
      i += 2;
      continue;
    }
    i++;
  }
  throw new SyntaxFailure(base + i, 'non-terminated string');
}

/**
 * `$"…{expr}…"` or `$\`…{expr}…\``: literal parts and embedded expressions. `\{` escapes a brace in
 * both; `$"…"` also takes `\}` and a string's escapes, while `$\`…\`` keeps other backslashes as text.
 */
function readTemplate(src: string, i: number, base: number): { parts: TemplatePart[]; end: number } {
  const quote = src[i]!;
  const raw = quote === '`';
  const parts: TemplatePart[] = [];
  let text = '';
  let textStart = i + 1;
  i++;
  const flush = () => {
    if (text !== '') parts.push({ text, offset: base + textStart });
    text = '';
  };
  while (i < src.length) {
    const c = src[i]!;
    if (c === quote) {
      flush();
      return { parts, end: i + 1 };
    }
    const brace = src[i + 1];
    if (c === '\\' && (brace === '{' || (brace === '}' && !raw))) {
      text += brace;
      i += 2;
      continue;
    }
    if (!raw && c === '\\') {
      const e = src[i + 1] ?? '';
      if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(src.slice(i + 2, i + 6))) {
        text += String.fromCharCode(parseInt(src.slice(i + 2, i + 6), 16));
        i += 6;
        continue;
      }
      const simple = ESCAPES[e];
      if (simple === undefined) throw new SyntaxFailure(base + i, `invalid escape sequence \\${e} in template string`);
      text += simple;
      i += 2;
      continue;
    }
    if (!raw && c === '\n') break;
    if (c === '{') {
      flush();
      const exprStart = i + 1;
      let depth = 1;
      i++;
      while (i < src.length && depth > 0) {
        const d = src[i]!;
        if (d === '"') i = readString(src, i + 1, base) - 1;
        else if (d === '`') i = src.indexOf('`', i + 1);
        else if (d === '{') depth++;
        else if (d === '}') depth--;
        if (i < 0) break;
        i++;
      }
      if (depth > 0) throw new SyntaxFailure(base + exprStart - 1, 'unterminated template expression');
      parts.push({ expr: src.slice(exprStart, i - 1), offset: base + exprStart });
      textStart = i;
      continue;
    }
    text += c;
    i++;
  }
  throw new SyntaxFailure(base + i, 'non-terminated template string');
}
