import re2Module from 're2-wasm/build/wasm/re2.js';
import type { WrappedRE2Interface } from 're2-wasm/build/wasm/re2.js';
import { BoundedCache } from '../bounded-cache.js';

// RE2 proper (the C++ engine, via the package's low-level binding) matches Go's regexp: same
// syntax, leftmost-first semantics, `$` only at the end of text. The package's `RE2` class is
// avoided because it rewrites JavaScript-only syntax (`\u`, `\c`, `/`) and rejects repeated
// group names, both of which Go treats differently. Match positions it reports are code points.

const { WrappedRE2 } = re2Module;

/** Go's `regexp/syntax` error, worded as `regexp.Compile` prints it. */
export class GoRegexpSyntaxError extends Error {}

/** RE2 (C++) error codes → Go's wording of the same condition. */
const GO_ERROR_TEXT: Record<string, string> = {
  'missing ]': 'missing closing ]',
  'missing )': 'missing closing )',
  'unexpected )': 'unexpected )',
  'trailing \\': 'trailing backslash at end of expression',
  'no argument for repetition operator': 'missing argument to repetition operator',
  'invalid repetition size': 'invalid repeat count',
  'bad repetition operator': 'invalid nested repetition operator',
  'invalid perl operator': 'invalid or unsupported Perl syntax',
  'invalid named capture group': 'invalid named capture',
  'pattern too large - compile failed': 'expression too large',
  'pattern too large - reverse compile failed': 'expression too large',
};

function goSyntaxError(code: string, expr: string): GoRegexpSyntaxError {
  return new GoRegexpSyntaxError(`error parsing regexp: ${code}: \`${expr}\``);
}

function translateError(message: string): GoRegexpSyntaxError {
  const sep = message.indexOf(': ');
  const code = sep < 0 ? message : message.slice(0, sep);
  const arg = sep < 0 ? '' : message.slice(sep + 2);
  const goCode = GO_ERROR_TEXT[code] ?? code;
  return goSyntaxError(goCode, code === 'trailing \\' ? '' : arg);
}

/**
 * Go accepts `(?<name>` as a synonym of `(?P<name>` (this RE2 build does not) and rejects `\C`
 * (which RE2 accepts). Both are fixed up here, outside escapes, `\Q…\E` and character classes.
 */
function adaptToRe2(pattern: string): string {
  let out = '';
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\') {
      const next = pattern[i + 1];
      if (next === undefined) return out + c;
      if (next === 'Q' && !inClass) {
        const end = pattern.indexOf('\\E', i + 2);
        const stop = end < 0 ? pattern.length : end + 2;
        out += pattern.slice(i, stop);
        i = stop - 1;
        continue;
      }
      if (next === 'C') throw goSyntaxError('invalid escape sequence', '\\C');
      out += c + next;
      i++;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      else if (c === '[' && pattern[i + 1] === ':') {
        const end = pattern.indexOf(':]', i + 2);
        if (end >= 0) {
          out += pattern.slice(i, end + 2);
          i = end + 1;
          continue;
        }
      }
      out += c;
      continue;
    }
    if (c === '[') {
      inClass = true;
      out += c;
      if (pattern[i + 1] === '^') out += pattern[++i];
      if (pattern[i + 1] === ']') out += pattern[++i];
      continue;
    }
    if (c === '(' && pattern.startsWith('(?<', i) && pattern[i + 3] !== '=' && pattern[i + 3] !== '!') {
      out += '(?P<';
      i += 2;
      continue;
    }
    out += c;
  }
  return out;
}

/** One match: code-point offsets and the submatches (undefined where a group did not take part). */
export interface GoMatch {
  start: number;
  end: number;
  groups: Array<string | undefined>;
}

/**
 * A subject string with code-point addressing, as the matcher reports positions. It is handed to
 * the engine as UTF-8 bytes, which the binding copies much faster than a JavaScript string.
 */
export class Subject {
  readonly length: number;
  readonly bytes: Buffer;
  /** UTF-16 and UTF-8 offsets of each code point (and of the end); undefined for ASCII text. */
  private readonly utf16: number[] | undefined;
  private readonly utf8: number[] | undefined;

  constructor(readonly text: string) {
    this.bytes = Buffer.from(text, 'utf8');
    if (this.bytes.length === text.length) {
      this.utf16 = undefined;
      this.utf8 = undefined;
      this.length = text.length;
      return;
    }
    const utf16: number[] = [];
    const utf8: number[] = [];
    let i = 0;
    let b = 0;
    for (const ch of text) {
      utf16.push(i);
      utf8.push(b);
      i += ch.length;
      const c = ch.codePointAt(0)!;
      b += c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
    }
    utf16.push(text.length);
    utf8.push(this.bytes.length);
    this.utf16 = utf16;
    this.utf8 = utf8;
    this.length = utf16.length - 1;
  }

  slice(from: number, to?: number): string {
    if (this.utf16 === undefined) return this.text.slice(from, to);
    return this.text.slice(this.utf16[from], to === undefined ? undefined : this.utf16[to]);
  }

  /** Byte offset of code point `index`. */
  byteOffset(index: number): number {
    return this.utf8 === undefined ? index : this.utf8[index]!;
  }

  codePointLength(s: string): number {
    if (this.utf16 === undefined) return s.length;
    let n = 0;
    for (const _ of s) n++;
    return n;
  }
}

/** A compiled Go regular expression. */
export class GoRegexp {
  /** Name of each capture group, index 0 being the whole match (always ''). */
  readonly groupNames: string[];

  constructor(
    readonly source: string,
    private readonly re: WrappedRE2Interface,
  ) {
    const names = re.capturingGroupNames();
    const keys = names.keys();
    const list: string[] = [''];
    for (let i = 0; i < keys.size(); i++) {
      const index = keys.get(i);
      while (list.length <= index) list.push('');
      list[index] = names.get(index);
    }
    this.groupNames = list;
  }

  /** The leftmost-first match starting at or after code point `pos`. */
  matchAt(subject: Subject, pos: number, withGroups: boolean): GoMatch | undefined {
    // Only the code point before `pos` can affect a match from `pos` on (`^` and `\b` look one
    // back), so the engine gets the text from there: searches late in a long text stay cheap.
    const from = pos === 0 ? 0 : pos - 1;
    const input = from === 0 ? subject.bytes : subject.bytes.subarray(subject.byteOffset(from));
    const m = this.re.match(input as unknown as string, pos - from, withGroups);
    if (m.index < 0) return undefined;
    const groups: Array<string | undefined> = [m.match];
    if (withGroups) for (let i = 0; i < m.groups.length; i++) groups.push(m.groups[i]);
    const start = from + m.index;
    return { start, end: start + subject.codePointLength(m.match), groups };
  }

  /** Frees the engine's memory; only the cache calls this, when it drops the expression. */
  release(): void {
    release(this.re);
  }

  test(text: string): boolean {
    return this.re.match(Buffer.from(text, 'utf8') as unknown as string, 0, false).index >= 0;
  }

  /** Go's `allMatches`: at most `n` matches (all if n < 0), no empty match right after a match. */
  findAll(text: string, n: number, withGroups: boolean): GoMatch[] {
    const subject = new Subject(text);
    const limit = n < 0 ? subject.length + 1 : n;
    const out: GoMatch[] = [];
    let pos = 0;
    let prevEnd = -1;
    while (out.length < limit && pos <= subject.length) {
      const m = this.matchAt(subject, pos, withGroups);
      if (m === undefined) break;
      let accept = true;
      if (m.end === pos) {
        if (m.start === prevEnd) accept = false;
        pos++;
      } else {
        pos = m.end;
      }
      prevEnd = m.end;
      if (accept) out.push(m);
    }
    return out;
  }

  /** Go's `Split(s, -1)`. */
  split(text: string): string[] {
    if (this.source.length > 0 && text.length === 0) return [''];
    const subject = new Subject(text);
    const out: string[] = [];
    let begin = 0;
    let end = 0;
    for (const m of this.findAll(text, -1, false)) {
      end = m.start;
      if (m.end !== 0) out.push(subject.slice(begin, end));
      begin = m.end;
    }
    if (end !== subject.length) out.push(subject.slice(begin));
    return out;
  }

  /** Go's `ReplaceAllString`: `$1`, `${name}` and `$$` in the template are expanded. */
  replaceAll(text: string, template: string): string {
    const subject = new Subject(text);
    const hasDollar = template.includes('$');
    let out = '';
    let lastEnd = 0;
    let pos = 0;
    while (pos <= subject.length) {
      const m = this.matchAt(subject, pos, hasDollar);
      if (m === undefined) break;
      out += subject.slice(lastEnd, m.start);
      if (m.end > lastEnd || m.start === 0) out += hasDollar ? this.expand(template, m.groups) : template;
      lastEnd = m.end;
      pos = pos + 1 > m.end ? pos + 1 : m.end;
    }
    return out + subject.slice(lastEnd);
  }

  /** Go's `Regexp.Expand` for a string template. */
  expand(template: string, groups: Array<string | undefined>): string {
    let out = '';
    let rest = template;
    for (;;) {
      const dollar = rest.indexOf('$');
      if (dollar < 0) break;
      out += rest.slice(0, dollar);
      rest = rest.slice(dollar + 1);
      if (rest.startsWith('$')) {
        out += '$';
        rest = rest.slice(1);
        continue;
      }
      const ref = extractReference(rest);
      if (ref === undefined) {
        out += '$';
        continue;
      }
      rest = ref.rest;
      if (ref.num >= 0) {
        out += groups[ref.num] ?? '';
      } else {
        const index = this.groupNames.indexOf(ref.name);
        if (index > 0) out += groups[index] ?? '';
      }
    }
    return out + rest;
  }
}

const NAME_CHAR = /[\p{L}\p{Nd}_]/u;

/** Go's `extract`: `name` or `{name}` after a `$`; `num` is -1 for a non-numeric name. */
function extractReference(s: string): { name: string; num: number; rest: string } | undefined {
  let str = s;
  let brace = false;
  if (str.startsWith('{')) {
    brace = true;
    str = str.slice(1);
  }
  let i = 0;
  for (const ch of str) {
    if (!NAME_CHAR.test(ch)) break;
    i += ch.length;
  }
  if (i === 0) return undefined;
  const name = str.slice(0, i);
  if (brace) {
    if (str[i] !== '}') return undefined;
    i++;
  }
  let num = 0;
  for (let k = 0; k < name.length; k++) {
    const c = name.charCodeAt(k);
    if (c < 48 || c > 57 || num >= 1e8) {
      num = -1;
      break;
    }
    num = num * 10 + (c - 48);
  }
  if (name[0] === '0' && name.length > 1) num = -1;
  return { name, num, rest: str.slice(i) };
}

function release(re: WrappedRE2Interface): void {
  (re as unknown as { delete?: () => void }).delete?.();
}

/**
 * Compiled expressions kept. re2-wasm's engine has a fixed heap of 16 MiB (it cannot grow, and a
 * compilation or match that finds it full aborts), so the cache keeps to 6 MiB of it by a generous
 * estimate of each expression's size, leaving the rest for matching. Measured by filling the heap:
 * a short pattern takes 3–6 KiB, a repetition copies what it repeats (`[a-z]{1,1000}` ~120 KiB,
 * `.{1,100}` ~70), a Unicode class is large (`\p{L}` ~85 KiB). A policy of a thousand short
 * patterns keeps them all (the cache held 100: an evaluation that went through more recompiled
 * every one, ~0.5 ms each).
 */
const REGEXP_CACHE = { entries: 2048, bytes: 6 * 1024 * 1024 };
const cache = new BoundedCache<GoRegexp>(REGEXP_CACHE.entries, (re) => re.release(), { weigh: engineBytes, max: REGEXP_CACHE.bytes });

/** What the engine may hold for `pattern`, in bytes, erring high. */
function engineBytes(pattern: string): number {
  const classes = pattern.match(/\\[pP]/g)?.length ?? 0;
  // An escape such as \x{2f} or \p{Greek} is one character to match, not a repetition.
  const text = pattern.replace(/\\[xpP]\{[^}]*\}/g, 'x');
  const anyChar = text.match(/\./g)?.length ?? 0;
  let repeated = 0;
  for (const m of text.matchAll(/\{(\d+)(?:,(\d*))?\}/g)) repeated += Number(m[2] || m[1]);
  return 4096 + 64 * text.length + 2048 * anyChar + 1024 * repeated + 96 * 1024 * classes;
}

/** Compiles (or reuses) a Go regular expression; throws `GoRegexpSyntaxError`. */
export function compileGoRegexp(pattern: string): GoRegexp {
  const cached = cache.get(pattern);
  if (cached !== undefined) return cached;
  const wrapped = new WrappedRE2(adaptToRe2(pattern), false, false, false);
  if (!wrapped.ok()) {
    const error = translateError(wrapped.error());
    release(wrapped);
    throw error;
  }
  const re = new GoRegexp(pattern, wrapped);
  cache.set(pattern, re);
  return re;
}

/** Go's `regexp.QuoteMeta`. */
export function quoteMeta(s: string): string {
  return s.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&');
}
