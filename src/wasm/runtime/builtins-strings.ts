import { T_STRING, T_ARRAY, T_SET, DEFER, tag, boolValue, collLen, arrayGet, setGet, strLen, strPtr, makeString, makeSizedCollection, collData, arrayPush, makeArray, makeInt, intOf, T_INT } from './value';
import { newBuf, bufBytes } from './buffer';
import { countCodePoints } from './ops';

// String and array builtins that policies call on their hot paths (reasons, names, paths), done
// natively: a host call costs a JSON round trip of its operands and result. Strings are UTF-8 and
// immutable, so results may share the operands' bytes. Anything off the plain path (a non-string
// element, non-ASCII text whose case Go's tables decide, an empty separator) is DEFERred to the
// host implementation, which also owns the type errors.

/** Where `n` bytes at `needle` first occur in the `len` bytes at `hay`, or -1. */
function indexOfBytes(hay: u32, len: u32, needle: u32, n: u32): i32 {
  if (n == 0) return 0;
  if (n > len) return -1;
  const first = load<u8>(needle);
  const last = len - n;
  for (let i: u32 = 0; i <= last; i++) {
    if (load<u8>(hay + i) == first && memory.compare(hay + i, needle, n) == 0) return <i32>i;
  }
  return -1;
}

/** Whether any of the `n` bytes at `p` is outside ASCII. */
function hasNonAscii(p: u32, n: u32): bool {
  for (let i: u32 = 0; i < n; i++) if (load<u8>(p + i) >= 0x80) return true;
  return false;
}

export function b_concat(sep: u32, coll: u32): u32 {
  const t = tag(coll);
  if (tag(sep) != T_STRING || (t != T_ARRAY && t != T_SET)) return DEFER;
  const n = collLen(coll);
  let total: u32 = 0;
  for (let i: u32 = 0; i < n; i++) {
    const s = t == T_ARRAY ? arrayGet(coll, i) : setGet(coll, i);
    if (tag(s) != T_STRING) return DEFER;
    total += strLen(s);
  }
  if (n > 1) total += strLen(sep) * (n - 1);
  const b = newBuf(total > 0 ? total : 1);
  for (let i: u32 = 0; i < n; i++) {
    if (i > 0) bufBytes(b, strPtr(sep), strLen(sep));
    const s = t == T_ARRAY ? arrayGet(coll, i) : setGet(coll, i);
    bufBytes(b, strPtr(s), strLen(s));
  }
  return makeString(b.ptr, b.len);
}

export function b_contains(s: u32, sub: u32): u32 {
  if (tag(s) != T_STRING || tag(sub) != T_STRING) return DEFER;
  // UTF-8 is self-synchronising: a byte match of valid text is a match of whole characters.
  return boolValue(indexOfBytes(strPtr(s), strLen(s), strPtr(sub), strLen(sub)) >= 0);
}

/** ASCII letters from `from` to `from + 25` moved by `shift`; DEFER for non-ASCII text. */
function asciiCase(s: u32, from: u32, shift: i32): u32 {
  if (tag(s) != T_STRING) return DEFER;
  const p = strPtr(s);
  const n = strLen(s);
  if (hasNonAscii(p, n)) return DEFER;
  let i: u32 = 0;
  while (i < n && <u32>(load<u8>(p + i) - from) > 25) i++;
  if (i == n) return s;
  const b = newBuf(n);
  bufBytes(b, p, n);
  for (; i < n; i++) {
    const c = <u32>load<u8>(b.ptr + i);
    if (c - from <= 25) store<u8>(b.ptr + i, <u8>(<i32>c + shift));
  }
  return makeString(b.ptr, n);
}

export function b_lower(s: u32): u32 {
  return asciiCase(s, 65, 32);
}

export function b_upper(s: u32): u32 {
  return asciiCase(s, 97, -32);
}

export function b_trim_prefix(s: u32, prefix: u32): u32 {
  if (tag(s) != T_STRING || tag(prefix) != T_STRING) return DEFER;
  const n = strLen(prefix);
  if (n == 0 || n > strLen(s) || memory.compare(strPtr(s), strPtr(prefix), n) != 0) return s;
  return makeString(strPtr(s) + n, strLen(s) - n);
}

export function b_trim_suffix(s: u32, suffix: u32): u32 {
  if (tag(s) != T_STRING || tag(suffix) != T_STRING) return DEFER;
  const n = strLen(suffix);
  const len = strLen(s);
  if (n == 0 || n > len || memory.compare(strPtr(s) + len - n, strPtr(suffix), n) != 0) return s;
  return makeString(strPtr(s), len - n);
}

export function b_split(s: u32, sep: u32): u32 {
  // Go splits on an empty separator between UTF-8 sequences, invalid bytes one by one: the host's.
  if (tag(s) != T_STRING || tag(sep) != T_STRING || strLen(sep) == 0) return DEFER;
  const out = makeArray(4);
  const p = strPtr(s);
  const len = strLen(s);
  const q = strPtr(sep);
  const n = strLen(sep);
  let start: u32 = 0;
  for (;;) {
    const at = indexOfBytes(p + start, len - start, q, n);
    if (at < 0) break;
    arrayPush(out, makeString(p + start, <u32>at));
    start += <u32>at + n;
  }
  arrayPush(out, makeString(p + start, len - start));
  return out;
}

export function b_array_concat(a: u32, b: u32): u32 {
  if (tag(a) != T_ARRAY || tag(b) != T_ARRAY) return DEFER;
  const la = collLen(a);
  const lb = collLen(b);
  const out = makeSizedCollection(T_ARRAY, la + lb, 4);
  memory.copy(collData(out), collData(a), la << 2);
  memory.copy(collData(out) + (la << 2), collData(b), lb << 2);
  store<u32>(out, la + lb, 4);
  return out;
}

/** Whether byte `c` is one of the bytes of an ASCII `cutset` (`n` bytes at `p`). */
function inCutset(c: u32, p: u32, n: u32): bool {
  for (let i: u32 = 0; i < n; i++) if (<u32>load<u8>(p + i) == c) return true;
  return false;
}

/**
 * `s` without the bytes of an ASCII `cutset` at its start (`left`) and end (`right`). A cutset with
 * other characters is the host's; a character outside ASCII is never in this one, so it stops the
 * trim where it stands.
 */
function trimCutset(s: u32, cutset: u32, left: bool, right: bool): u32 {
  if (tag(s) != T_STRING || tag(cutset) != T_STRING) return DEFER;
  const q = strPtr(cutset);
  const m = strLen(cutset);
  if (hasNonAscii(q, m)) return DEFER;
  const p = strPtr(s);
  let start: u32 = 0;
  let end = strLen(s);
  if (left) while (start < end && inCutset(load<u8>(p + start), q, m)) start++;
  if (right) while (end > start && inCutset(load<u8>(p + end - 1), q, m)) end--;
  return start == 0 && end == strLen(s) ? s : makeString(p + start, end - start);
}

export function b_trim(s: u32, cutset: u32): u32 {
  return trimCutset(s, cutset, true, true);
}

export function b_trim_left(s: u32, cutset: u32): u32 {
  return trimCutset(s, cutset, true, false);
}

export function b_trim_right(s: u32, cutset: u32): u32 {
  return trimCutset(s, cutset, false, true);
}

/** Go's ASCII white space (unicode.IsSpace below 0x80). */
@inline function isAsciiSpace(c: u32): bool {
  return c == 32 || (c >= 9 && c <= 13);
}

export function b_trim_space(s: u32): u32 {
  if (tag(s) != T_STRING) return DEFER;
  const p = strPtr(s);
  let start: u32 = 0;
  let end = strLen(s);
  while (start < end && isAsciiSpace(load<u8>(p + start))) start++;
  while (end > start && isAsciiSpace(load<u8>(p + end - 1))) end--;
  // A character outside ASCII at either edge may be Unicode white space: Go's tables are the host's.
  if ((start < end && load<u8>(p + start) >= 0x80) || (end > start && load<u8>(p + end - 1) >= 0x80)) return DEFER;
  return start == 0 && end == strLen(s) ? s : makeString(p + start, end - start);
}

export function b_replace(s: u32, old: u32, replacement: u32): u32 {
  // An empty pattern matches between characters: the host's.
  if (tag(s) != T_STRING || tag(old) != T_STRING || tag(replacement) != T_STRING || strLen(old) == 0) return DEFER;
  const p = strPtr(s);
  const len = strLen(s);
  const q = strPtr(old);
  const n = strLen(old);
  let at = indexOfBytes(p, len, q, n);
  if (at < 0) return s;
  const b = newBuf(len);
  let start: u32 = 0;
  while (at >= 0) {
    bufBytes(b, p + start, <u32>at);
    bufBytes(b, strPtr(replacement), strLen(replacement));
    start += <u32>at + n;
    at = indexOfBytes(p + start, len - start, q, n);
  }
  bufBytes(b, p + start, len - start);
  return makeString(b.ptr, b.len);
}

export function b_indexof(s: u32, needle: u32): u32 {
  // An empty search string is an error the host raises.
  if (tag(s) != T_STRING || tag(needle) != T_STRING || strLen(needle) == 0) return DEFER;
  const at = indexOfBytes(strPtr(s), strLen(s), strPtr(needle), strLen(needle));
  // OPA counts in characters, not bytes.
  return makeInt(at < 0 ? -1 : <i64>countCodePoints(strPtr(s), <u32>at));
}

/** The byte offset `count` characters after byte `from` in the `n` bytes at `p` (or `n`). */
function skipChars(p: u32, n: u32, from: u32, count: i64): u32 {
  let i = from;
  for (let k: i64 = 0; k < count && i < n; k++) {
    i++;
    while (i < n && (load<u8>(p + i) & 0xc0) == 0x80) i++;
  }
  return i;
}

export function b_substring(s: u32, offset: u32, length: u32): u32 {
  // A negative offset is an error, and a number that is not an int64 an operand the host reads.
  if (tag(s) != T_STRING || tag(offset) != T_INT || tag(length) != T_INT || intOf(offset) < 0) return DEFER;
  const p = strPtr(s);
  const n = strLen(s);
  const start = skipChars(p, n, 0, intOf(offset));
  const count = intOf(length);
  const end = count < 0 ? n : skipChars(p, n, start, count);
  return makeString(p + start, end - start);
}
