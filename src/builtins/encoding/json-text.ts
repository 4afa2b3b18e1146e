import { RegoObjectEntries, RegoSet, type RegoObject, type RegoValue } from '../value.js';
import { numberFromText } from '../numbers/conversions.js';
import { compareStrings, goQuote, numberText, sortedSetItems } from '../strings/rego-format.js';

// JSON text as Go's encoding/json writes and reads it: sorted keys, HTML-safe escapes, sets as
// arrays, exact numbers; and a reader with Go's error messages that keeps big integers exact.

/** Go's JSON string encoding (HTMLEscape on, \b and \f short forms as in Go 1.22+). */
export function jsonString(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x22) out += '\\"';
    else if (c === 0x5c) out += '\\\\';
    else if (c === 0x0a) out += '\\n';
    else if (c === 0x0d) out += '\\r';
    else if (c === 0x09) out += '\\t';
    else if (c === 0x08) out += '\\b';
    else if (c === 0x0c) out += '\\f';
    else if (c < 0x20 || c === 0x3c || c === 0x3e || c === 0x26 || c === 0x2028 || c === 0x2029) {
      out += '\\u' + c.toString(16).padStart(4, '0');
    } else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && s.charCodeAt(i + 1) >= 0xdc00 && s.charCodeAt(i + 1) <= 0xdfff) {
      out += s[i]! + s[i + 1]!;
      i++;
    } else if (c >= 0xd800 && c <= 0xdfff) out += '\\ufffd';
    else out += s[i];
  }
  return out + '"';
}

/** The key OPA's ast.JSON gives an object key: strings as they are, anything else as JSON. */
export function jsonKey(k: RegoValue): string {
  return typeof k === 'string' ? k : marshalJson(k);
}

function entriesOf(v: RegoObject | RegoObjectEntries): Array<[string, RegoValue]> {
  const raw: Array<[string, RegoValue]> =
    v instanceof RegoObjectEntries ? v.entries.map(([k, x]) => [jsonKey(k), x]) : Object.entries(v);
  return raw.sort((a, b) => compareStrings(a[0], b[0]));
}

/** json.Marshal, or json.MarshalIndent when `indent` is given. */
export function marshalJson(v: RegoValue, indent?: string, prefix = ''): string {
  const nl = (depth: number): string => (indent === undefined ? '' : '\n' + prefix + indent.repeat(depth));
  const colon = indent === undefined ? ':' : ': ';
  const walk = (x: RegoValue, depth: number): string => {
    if (x === null) return 'null';
    if (typeof x === 'boolean') return x ? 'true' : 'false';
    if (typeof x === 'number' || typeof x === 'bigint') return numberText(x);
    if (typeof x === 'string') return jsonString(x);
    const items = Array.isArray(x) ? x : x instanceof RegoSet ? sortedSetItems(x) : undefined;
    if (items !== undefined) {
      if (items.length === 0) return '[]';
      return '[' + items.map((e) => nl(depth + 1) + walk(e, depth + 1)).join(',') + nl(depth) + ']';
    }
    const entries = entriesOf(x as RegoObject | RegoObjectEntries);
    if (entries.length === 0) return '{}';
    const body = entries.map(([k, e]) => nl(depth + 1) + jsonString(k) + colon + walk(e, depth + 1));
    return '{' + body.join(',') + nl(depth) + '}';
  };
  return walk(v, 0);
}

export class JsonSyntaxError extends Error {}

/** Go's quoteChar for error messages. */
function quoteChar(ch: string): string {
  if (ch === "'") return "'\\''";
  if (ch === '"') return `'"'`;
  const code = ch.codePointAt(0)!;
  if (code >= 0x80) return `'\\x${Buffer.from(ch, 'utf8')[0]!.toString(16)}'`;
  const q = goQuote(ch);
  return "'" + q.slice(1, -1) + "'";
}

const WS = new Set([' ', '\t', '\n', '\r']);

export function setKey(obj: RegoObject, key: string, value: RegoValue): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

class Reader {
  i = 0;
  constructor(readonly s: string) {}

  fail(context: string): never {
    if (this.i >= this.s.length) throw new JsonSyntaxError('unexpected EOF');
    const ch = String.fromCodePoint(this.s.codePointAt(this.i)!);
    throw new JsonSyntaxError(`invalid character ${quoteChar(ch)} ${context}`);
  }

  skip(): void {
    while (this.i < this.s.length && WS.has(this.s[this.i]!)) this.i++;
  }

  value(depth: number): RegoValue {
    this.skip();
    const c = this.s[this.i];
    if (depth > 10000) throw new JsonSyntaxError('exceeded max depth');
    if (c === '{') return this.object(depth);
    if (c === '[') return this.array(depth);
    if (c === '"') return this.string();
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return this.number();
    if (c === 't') return this.literal('true', true);
    if (c === 'f') return this.literal('false', false);
    if (c === 'n') return this.literal('null', null);
    return this.fail('looking for beginning of value');
  }

  literal<T extends RegoValue>(word: string, v: T): T {
    for (let k = 0; k < word.length; k++, this.i++) {
      if (this.s[this.i] !== word[k]) this.fail(`in literal ${word} (expecting ${quoteChar(word[k]!)})`);
    }
    return v;
  }

  number(): number | bigint {
    const start = this.i;
    const digit = (): boolean => this.i < this.s.length && this.s[this.i]! >= '0' && this.s[this.i]! <= '9';
    if (this.s[this.i] === '-') {
      this.i++;
      if (!digit()) this.fail('in numeric literal');
    }
    if (this.s[this.i] === '0') this.i++;
    else while (digit()) this.i++;
    if (this.s[this.i] === '.') {
      this.i++;
      if (!digit()) this.fail('after decimal point in numeric literal');
      while (digit()) this.i++;
    }
    if (this.s[this.i] === 'e' || this.s[this.i] === 'E') {
      this.i++;
      if (this.s[this.i] === '+' || this.s[this.i] === '-') this.i++;
      if (!digit()) this.fail('in exponent of numeric literal');
      while (digit()) this.i++;
    }
    return numberFromText(this.s.slice(start, this.i));
  }

  string(): string {
    this.i++;
    let out = '';
    for (;;) {
      if (this.i >= this.s.length) this.fail('');
      const c = this.s[this.i]!;
      if (c === '"') {
        this.i++;
        return out;
      }
      if (c.charCodeAt(0) < 0x20) this.fail('in string literal');
      if (c !== '\\') {
        out += c;
        this.i++;
        continue;
      }
      this.i++;
      const e = this.s[this.i];
      const simple: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
      if (e !== undefined && simple[e] !== undefined) {
        out += simple[e];
        this.i++;
      } else if (e === 'u') {
        this.i++;
        out += String.fromCharCode(this.hex4());
      } else this.fail('in string escape code');
    }
  }

  hex4(): number {
    let v = 0;
    for (let k = 0; k < 4; k++, this.i++) {
      const d = parseInt(this.s[this.i] ?? 'x', 16);
      if (Number.isNaN(d)) this.fail('in \\u hexadecimal character escape');
      v = v * 16 + d;
    }
    return v;
  }

  array(depth: number): RegoValue[] {
    this.i++;
    const out: RegoValue[] = [];
    this.skip();
    if (this.s[this.i] === ']') {
      this.i++;
      return out;
    }
    for (;;) {
      out.push(this.value(depth + 1));
      this.skip();
      const c = this.s[this.i];
      this.i++;
      if (c === ']') return out;
      if (c !== ',') {
        this.i--;
        this.fail('after array element');
      }
    }
  }

  object(depth: number): RegoObject {
    this.i++;
    const out: RegoObject = {};
    this.skip();
    if (this.s[this.i] === '}') {
      this.i++;
      return out;
    }
    for (;;) {
      this.skip();
      if (this.s[this.i] !== '"') this.fail('looking for beginning of object key string');
      const key = this.string();
      this.skip();
      if (this.s[this.i] !== ':') this.fail('after object key');
      this.i++;
      setKey(out, key, this.value(depth + 1));
      this.skip();
      const c = this.s[this.i];
      this.i++;
      if (c === '}') return out;
      if (c !== ',') {
        this.i--;
        this.fail('after object key:value pair');
      }
    }
  }
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** A string with lone surrogates replaced by U+FFFD, as Go decodes them. */
export function wellFormed(s: string): string {
  return s.replace(LONE_SURROGATE, '\uFFFD');
}

/** Lone surrogates from \u escapes become U+FFFD, as Go decodes them. */
function fixSurrogates(v: RegoValue): RegoValue {
  if (typeof v === 'string') return wellFormed(v);
  if (Array.isArray(v)) return v.map(fixSurrogates);
  if (v !== null && typeof v === 'object') {
    const out: RegoObject = {};
    for (const [k, x] of Object.entries(v)) setKey(out, wellFormed(k), fixSurrogates(x));
    return out;
  }
  return v;
}

/** OPA's util.UnmarshalJSON: one value, then nothing but whitespace (Go decoder wording). */
export function unmarshalJson(s: string): RegoValue {
  const r = new Reader(s);
  r.skip();
  if (r.i >= s.length) throw new JsonSyntaxError('EOF');
  const v = r.value(0);
  r.skip();
  if (r.i < s.length) {
    const c = s[r.i]!;
    if (c === '{' || c === '[' || c === '"' || c === '-' || (c >= '0' && c <= '9') || c === 't' || c === 'f' || c === 'n') {
      const start = r.i;
      let token: string;
      if (c === '{' || c === '[') token = c;
      else {
        const next = r.value(0);
        token = typeof next === 'string' ? next : s.slice(start, r.i);
        if (next === null) return fixSurrogates(v);
      }
      throw new JsonSyntaxError(`error: invalid character '${token}' after top-level value`);
    }
    r.fail('looking for beginning of value');
  }
  return fixSurrogates(v);
}

/** Go's json.Valid. */
export function isValidJson(s: string): boolean {
  try {
    const r = new Reader(s);
    r.value(0);
    r.skip();
    return r.i >= s.length;
  } catch (e) {
    if (e instanceof JsonSyntaxError) return false;
    throw e;
  }
}
