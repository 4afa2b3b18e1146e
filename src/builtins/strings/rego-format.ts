import { RegoObjectEntries, RegoSet, type RegoValue } from '../value.js';

// Rego's total order and Rego's text form of values (OPA's ast.Compare and Term.String), which
// sprintf, concat over sets, template strings and json.marshal all depend on.

const TYPE_RANK: Record<string, number> = { null: 0, boolean: 1, number: 2, string: 3, array: 4, object: 5, set: 6 };

function rank(v: RegoValue): number {
  if (v === null) return TYPE_RANK.null!;
  if (typeof v === 'boolean') return TYPE_RANK.boolean!;
  if (typeof v === 'number' || typeof v === 'bigint') return TYPE_RANK.number!;
  if (typeof v === 'string') return TYPE_RANK.string!;
  if (Array.isArray(v)) return TYPE_RANK.array!;
  if (v instanceof RegoSet) return TYPE_RANK.set!;
  return TYPE_RANK.object!;
}

const SURROGATE = /[\uD800-\uDFFF]/;

/** Byte-wise (UTF-8) string order, as Go compares strings. */
export function compareStrings(a: string, b: string): number {
  if (SURROGATE.test(a) || SURROGATE.test(b)) return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareNumbers(a: number | bigint, b: number | bigint): number {
  if (typeof a === 'bigint' && typeof b === 'bigint') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'number' && typeof b === 'number') return a < b ? -1 : a > b ? 1 : 0;
  // Mixed: compare exactly where the double is an integer, otherwise as doubles.
  const x = typeof a === 'number' ? a : b;
  const big = typeof a === 'bigint' ? a : (b as bigint);
  let c: number;
  if (Number.isInteger(x)) {
    const bx = BigInt(x);
    c = bx < big ? -1 : bx > big ? 1 : 0;
  } else {
    const fx = Number(big);
    c = x < fx ? -1 : x > fx ? 1 : 0;
  }
  return typeof a === 'number' ? c : -c;
}

/** Object entries in key order (keys sorted by Rego order). */
export function sortedEntries(v: RegoValue): Array<[RegoValue, RegoValue]> {
  const entries: Array<[RegoValue, RegoValue]> =
    v instanceof RegoObjectEntries ? [...v.entries] : Object.entries(v as Record<string, RegoValue>);
  return entries.sort((x, y) => compareRego(x[0], y[0]));
}

/** Set items in Rego order, without duplicates. */
export function sortedSetItems(s: RegoSet): RegoValue[] {
  const sorted = [...s.items].sort(compareRego);
  return sorted.filter((item, i) => i === 0 || compareRego(sorted[i - 1]!, item) !== 0);
}

export function compareRego(a: RegoValue, b: RegoValue): number {
  const ra = rank(a);
  const rb = rank(b);
  if (ra !== rb) return ra < rb ? -1 : 1;
  if (a === null) return 0;
  if (typeof a === 'boolean') return a === b ? 0 : a ? 1 : -1;
  if (typeof a === 'number' || typeof a === 'bigint') return compareNumbers(a, b as number | bigint);
  if (typeof a === 'string') return compareStrings(a, b as string);
  if (Array.isArray(a)) return compareSequences(a, b as RegoValue[]);
  if (a instanceof RegoSet) return compareSequences(sortedSetItems(a), sortedSetItems(b as RegoSet));
  const ea = sortedEntries(a);
  const eb = sortedEntries(b);
  const n = Math.min(ea.length, eb.length);
  for (let i = 0; i < n; i++) {
    const k = compareRego(ea[i]![0], eb[i]![0]);
    if (k !== 0) return k;
    const c = compareRego(ea[i]![1], eb[i]![1]);
    if (c !== 0) return c;
  }
  return ea.length - eb.length < 0 ? -1 : ea.length > eb.length ? 1 : 0;
}

function compareSequences(a: RegoValue[], b: RegoValue[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const c = compareRego(a[i]!, b[i]!);
    if (c !== 0) return c;
  }
  return a.length < b.length ? -1 : a.length > b.length ? 1 : 0;
}

/** The text of a number as OPA prints it (integers in full, never in exponent form). */
export function numberText(n: number | bigint): string {
  if (typeof n === 'bigint') return n.toString();
  if (Number.isInteger(n) && !Number.isSafeInteger(n) && Number.isFinite(n)) return BigInt(n).toString();
  return Object.is(n, -0) ? '0' : String(n);
}

const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;

/** Go's unicode.IsPrint. */
export function isGoPrint(cp: number): boolean {
  return PRINTABLE.test(String.fromCodePoint(cp));
}

const SHORT_ESCAPES: Record<number, string> = {
  0x07: '\\a',
  0x08: '\\b',
  0x0c: '\\f',
  0x0a: '\\n',
  0x0d: '\\r',
  0x09: '\\t',
  0x0b: '\\v',
};

function hex(n: number, width: number): string {
  return n.toString(16).padStart(width, '0');
}

/** Go's strconv.Quote (or QuoteToASCII) for a string; `quote` is the delimiter (`"` or `'`). */
export function goQuote(s: string, asciiOnly = false, quote = '"'): string {
  let out = quote;
  for (const ch of s) {
    let cp = ch.codePointAt(0)!;
    if (cp >= 0xd800 && cp <= 0xdfff) cp = 0xfffd;
    out += quoteRune(cp, asciiOnly, quote);
  }
  return out + quote;
}

function quoteRune(cp: number, asciiOnly: boolean, quote: string): string {
  const c = String.fromCodePoint(cp);
  if (c === quote || c === '\\') return '\\' + c;
  if (asciiOnly ? cp < 0x80 && isGoPrint(cp) : isGoPrint(cp)) return c;
  const short = SHORT_ESCAPES[cp];
  if (short !== undefined) return short;
  if (cp < 0x20 || cp === 0x7f) return '\\x' + hex(cp, 2);
  if (cp < 0x10000) return '\\u' + hex(cp, 4);
  return '\\U' + hex(cp, 8);
}

/** Go's strconv.QuoteRune (or QuoteRuneToASCII). */
export function goQuoteRune(cp: number, asciiOnly = false): string {
  if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff) || cp < 0) cp = 0xfffd;
  return "'" + quoteRune(cp, asciiOnly, "'") + "'";
}

/** Rego's text form of a value (OPA's Term.String), e.g. `{"a": [1, true]}`, `set()`. */
export function regoToString(v: RegoValue): string {
  if (v === null) return 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number' || typeof v === 'bigint') return numberText(v);
  if (typeof v === 'string') return goQuote(v);
  if (Array.isArray(v)) return '[' + v.map(regoToString).join(', ') + ']';
  if (v instanceof RegoSet) {
    const items = sortedSetItems(v);
    return items.length === 0 ? 'set()' : '{' + items.map(regoToString).join(', ') + '}';
  }
  return '{' + sortedEntries(v).map(([k, x]) => `${regoToString(k)}: ${regoToString(x)}`).join(', ') + '}';
}

/** How print and template strings show a value: strings bare, everything else in Rego form. */
export function displayString(v: RegoValue): string {
  return typeof v === 'string' ? v : regoToString(v);
}
