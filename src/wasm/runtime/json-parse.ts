import { malloc, heapMark, isHeapTop, startReuse, reuseUpTo, stopReuse } from './alloc';
import {
  nullValue, boolValue, makeString, makeSet, makeSizedCollection, markUnsorted, arrayPush, tag, T_ARRAY, T_OBJECT, T_SET, T_REF,
} from './value';
import { objectAppendUnchecked, setAppend, finishCollection } from './collections';
import { numberFromText } from './number';
import { entriesAt, resetCounts } from './json-scan';
import { findInterned, rememberInterned, startInterning, stopInterning } from './string-intern';

// Recursive-descent parser for JSON text (and, with `rego` set, Rego's set literals `{1, 2}` and
// `set()` and non-string object keys, for opa_value_parse). Returns 0 on malformed input.
// Objects and sets are appended to and sorted once at their closing brace; a repeated key keeps
// its first spelling and takes the last value (1 and 1.0 are one key), as with JSON.parse.
// Collections are allocated at their final size (json-scan.ts) and short strings other than keys
// are shared (string-intern.ts), which keeps a loaded data set near the size of its text.
// Text a host has just written to the top of the heap (opa_json_parse, opa_value_parse) is handed
// over: the bytes a value keeps are moved out of it as they are read (`kept`), so that what has been
// read is free and the values that follow are allocated there (alloc.ts's reused region) — a data
// set then takes its text's place rather than sitting beside it. Other text (the module's constants,
// opa_eval's input) is only read, and strings point into it.

// Collections nested deeper than this are grown instead: counting scans the collection's text
// once per enclosing collection, so the cost of counting grows with depth.
const COUNT_DEPTH: u32 = 16;
// Texts shorter than this are not counted at all: their collections start with room for a few
// entries and grow, which leaves at most a few KiB of slots behind (and an evaluation's input gives
// its heap back when the next one starts), while counting them first was over a third of the time
// opa_eval spent on a typical check's input.
const COUNT_MIN_TEXT: u32 = 16384;
const GROW_FROM: u32 = 8;

let src: u32 = 0;
let end: u32 = 0;
let pos: u32 = 0;
let regoSyntax = false;
let counting = true;
let failed = false;
let reusing = false;

@inline function peek(): u32 {
  return pos < end ? load<u8>(pos) : 0;
}

/**
 * Skips white space. Called only between tokens, when every byte before `pos` that a value keeps
 * has been moved out of the text: all of it may be reused.
 */
function skipWs(): void {
  while (pos < end) {
    const c = load<u8>(pos);
    if (c == 32 || c == 9 || c == 10 || c == 13) pos++;
    else break;
  }
  reuseUpTo(pos);
}

/** Where the `len` bytes of text at `p` that a value keeps live: moved out when the text is reused. */
function kept(p: u32, len: u32): u32 {
  if (!reusing || len == 0) return p;
  const to = malloc(len);
  memory.copy(to, p, len);
  return to;
}

/** A string value for `len` bytes at `p`, shared with its repeats when `intern` is set. */
function stringValue(p: u32, len: u32, intern: bool, inText: bool): u32 {
  const seen = intern ? findInterned(p, len) : 0;
  if (seen != 0) return seen;
  const s = makeString(inText ? kept(p, len) : p, len);
  if (intern) rememberInterned(s);
  return s;
}

function fail(): u32 {
  failed = true;
  return 0;
}

function expectWord(word: string): bool {
  const n = <u32>word.length;
  if (end - pos < n) return false;
  for (let i: u32 = 0; i < n; i++) if (load<u8>(pos + i) != <u8>word.charCodeAt(i)) return false;
  pos += n;
  return true;
}

function hexDigit(c: u32): i32 {
  if (c >= 48 && c <= 57) return <i32>c - 48;
  if (c >= 97 && c <= 102) return <i32>c - 87;
  if (c >= 65 && c <= 70) return <i32>c - 55;
  return -1;
}

function readHex4(): i32 {
  if (end - pos < 4) return -1;
  let r: i32 = 0;
  for (let i: u32 = 0; i < 4; i++) {
    const d = hexDigit(load<u8>(pos + i));
    if (d < 0) return -1;
    r = (r << 4) | d;
  }
  pos += 4;
  return r;
}

function writeUtf8(out: u32, cp: u32): u32 {
  if (cp < 0x80) {
    store<u8>(out, <u8>cp);
    return 1;
  }
  if (cp < 0x800) {
    store<u8>(out, <u8>(0xc0 | (cp >> 6)));
    store<u8>(out + 1, <u8>(0x80 | (cp & 63)));
    return 2;
  }
  if (cp < 0x10000) {
    store<u8>(out, <u8>(0xe0 | (cp >> 12)));
    store<u8>(out + 1, <u8>(0x80 | ((cp >> 6) & 63)));
    store<u8>(out + 2, <u8>(0x80 | (cp & 63)));
    return 3;
  }
  store<u8>(out, <u8>(0xf0 | (cp >> 18)));
  store<u8>(out + 1, <u8>(0x80 | ((cp >> 12) & 63)));
  store<u8>(out + 2, <u8>(0x80 | ((cp >> 6) & 63)));
  store<u8>(out + 3, <u8>(0x80 | (cp & 63)));
  return 4;
}

/** Room for the entries of the collection opening at `pos`: counted, or a small start to grow. */
function capacityAt(depth: u32): u32 {
  if (!counting) return GROW_FROM;
  return depth < COUNT_DEPTH ? entriesAt(pos, end) : 4;
}

function sizedCollection(t: u32, width: u32, depth: u32): u32 {
  return makeSizedCollection(t, capacityAt(depth), width);
}

function parseString(intern: bool): u32 {
  pos++; // opening quote
  const start = pos;
  let escaped = false;
  while (pos < end) {
    const c = load<u8>(pos);
    if (c == 34) break;
    if (c == 92) {
      escaped = true;
      pos += 2;
      continue;
    }
    if (c < 32) return fail();
    pos++;
  }
  if (pos >= end) return fail();
  const rawEnd = pos;
  pos++; // closing quote
  if (!escaped) return stringValue(start, rawEnd - start, intern, true);
  // Below the string or at the top of the heap, never over it (skipWs released up to its quote).
  const out = malloc(rawEnd - start);
  let n: u32 = 0;
  let p = start;
  while (p < rawEnd) {
    const c = load<u8>(p);
    if (c != 92) {
      store<u8>(out + n, c);
      n++;
      p++;
      continue;
    }
    const e = load<u8>(p + 1);
    p += 2;
    let ch: i32 = -1;
    if (e == 34) ch = 34;
    else if (e == 92) ch = 92;
    else if (e == 47) ch = 47;
    else if (e == 98) ch = 8;
    else if (e == 102) ch = 12;
    else if (e == 110) ch = 10;
    else if (e == 114) ch = 13;
    else if (e == 116) ch = 9;
    else if (e == 117) {
      const saved = pos;
      pos = p;
      let cp = readHex4();
      if (cp < 0) return fail();
      if (cp >= 0xd800 && cp < 0xdc00 && end - pos >= 6 && load<u8>(pos) == 92 && load<u8>(pos + 1) == 117) {
        pos += 2;
        const lo = readHex4();
        if (lo >= 0xdc00 && lo < 0xe000) cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
        else pos -= 2;
      }
      if (cp >= 0xd800 && cp < 0xe000) cp = 0xfffd;
      p = pos;
      pos = saved;
      n += writeUtf8(out + n, <u32>cp);
      continue;
    } else return fail();
    store<u8>(out + n, <u8>ch);
    n++;
  }
  return stringValue(out, n, intern, false);
}

function parseNumber(): u32 {
  const start = pos;
  if (peek() == 45) pos++;
  const intStart = pos;
  while (pos < end && load<u8>(pos) >= 48 && load<u8>(pos) <= 57) pos++;
  if (pos == intStart) return fail();
  if (pos - intStart > 1 && load<u8>(intStart) == 48) return fail();
  if (peek() == 46) {
    pos++;
    const f = pos;
    while (pos < end && load<u8>(pos) >= 48 && load<u8>(pos) <= 57) pos++;
    if (pos == f) return fail();
  }
  if (peek() == 101 || peek() == 69) {
    pos++;
    if (peek() == 43 || peek() == 45) pos++;
    const f = pos;
    while (pos < end && load<u8>(pos) >= 48 && load<u8>(pos) <= 57) pos++;
    if (pos == f) return fail();
  }
  const n = numberFromText(start, pos - start);
  // An exact decimal keeps its text.
  if (tag(n) == T_REF) store<u32>(n, kept(start, pos - start), 8);
  return n;
}

function parseValue(depth: u32): u32 {
  if (depth > 10000) return fail();
  skipWs();
  const c = peek();
  if (c == 123) return parseObjectOrSet(depth);
  if (c == 91) {
    const arr = sizedCollection(T_ARRAY, 4, depth);
    pos++;
    skipWs();
    if (peek() == 93) {
      pos++;
      return arr;
    }
    while (true) {
      const v = parseValue(depth + 1);
      if (v == 0) return 0;
      arrayPush(arr, v);
      skipWs();
      const d = peek();
      pos++;
      if (d == 44) {
        skipWs();
        if (regoSyntax && peek() == 93) {
          pos++;
          return arr;
        }
        continue;
      }
      if (d == 93) return arr;
      return fail();
    }
  }
  if (c == 34) return parseString(true);
  if (c == 45 || (c >= 48 && c <= 57)) return parseNumber();
  if (expectWord('true')) return boolValue(true);
  if (expectWord('false')) return boolValue(false);
  if (expectWord('null')) return nullValue();
  if (regoSyntax && expectWord('set()')) return makeSet();
  return fail();
}

function parseObjectOrSet(depth: u32): u32 {
  const cap = capacityAt(depth);
  pos++;
  skipWs();
  if (peek() == 125) {
    pos++;
    return makeSizedCollection(T_OBJECT, 0, 8);
  }
  if (!regoSyntax && peek() != 34) return fail();
  const first = regoSyntax ? parseValue(depth + 1) : parseString(false);
  if (first == 0) return 0;
  skipWs();
  if (regoSyntax && (peek() == 44 || peek() == 125)) {
    const set = makeSizedCollection(T_SET, cap, 4);
    setAppend(set, first);
    while (true) {
      skipWs();
      const d = peek();
      pos++;
      if (d == 125) return finishCollection(set);
      if (d != 44) return fail();
      skipWs();
      if (peek() == 125) {
        pos++;
        return finishCollection(set);
      }
      const v = parseValue(depth + 1);
      if (v == 0) return 0;
      setAppend(set, v);
    }
  }
  const obj = makeSizedCollection(T_OBJECT, cap, 8);
  markUnsorted(obj, false);
  let key = first;
  while (true) {
    skipWs();
    if (peek() != 58) return fail();
    pos++;
    const v = parseValue(depth + 1);
    if (v == 0) return 0;
    objectAppendUnchecked(obj, key, v);
    skipWs();
    const d = peek();
    pos++;
    if (d == 125) return finishCollection(obj);
    if (d != 44) return fail();
    skipWs();
    if (regoSyntax && peek() == 125) {
      pos++;
      return finishCollection(obj);
    }
    if (regoSyntax) key = parseValue(depth + 1);
    else if (peek() == 34) key = parseString(false);
    else return fail();
    if (key == 0) return 0;
  }
}

/**
 * The value of the text at `p`, or 0 when it is malformed. With `handedOver` the text is the
 * parser's to reuse (see above); the caller must not read it afterwards.
 */
export function parseText(p: u32, len: u32, rego: bool, handedOver: bool): u32 {
  src = p;
  pos = p;
  end = p + len;
  regoSyntax = rego;
  counting = len >= COUNT_MIN_TEXT;
  failed = false;
  startInterning(len);
  resetCounts();
  reusing = handedOver;
  const top = <u32>heapMark();
  if (reusing) startReuse(p);
  let v = parseValue(0);
  if (v != 0 && !failed) {
    skipWs();
    if (pos != end) v = 0;
  }
  stopInterning();
  if (reusing) stopReuse(top);
  reusing = false;
  return failed ? 0 : v;
}

export function opa_json_parse(p: u32, len: u32): u32 {
  return parseText(p, len, false, isHeapTop(p, len));
}

export function opa_value_parse(p: u32, len: u32): u32 {
  return parseText(p, len, true, isHeapTop(p, len));
}
