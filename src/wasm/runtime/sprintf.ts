// Provenance: follows Go's src/fmt/print.go and format.go (the verbs it handles natively); Go is BSD-3-Clause, Copyright 2009 The Go Authors (see NOTICE).
import { T_INT, T_STRING, T_ARRAY, T_BOOL, T_NULL, DEFER, tag, intOf, boolOf, collLen, arrayGet, strLen, strPtr, makeString } from './value';
import { Buf, newBuf, bufByte, bufBytes, bufLiteral } from './buffer';
import { formatInt } from './number';

// `sprintf` for the formats policies build reasons with: `%s`, `%v` and `%d` without flags, width
// or precision, over strings, int64 integers, booleans and null, and `%%`. Anything else (other
// verbs, flags, floats, big numbers, collections, a missing or extra argument) is DEFERred to the
// host implementation of Go's fmt, which also owns the error messages.

const PERCENT: u32 = 37;
const VERB_D: u32 = 100;
const VERB_S: u32 = 115;
const VERB_V: u32 = 118;

const lenCell = memory.data(8);

/** Writes one argument as Go's fmt would print it (OPA passes booleans and null as their text). */
function writeArg(b: Buf, verb: u32, v: u32): bool {
  const t = tag(v);
  if (t == T_STRING) {
    if (verb == VERB_D) return false;
    bufBytes(b, strPtr(v), strLen(v));
    return true;
  }
  if (t == T_INT) {
    if (verb == VERB_S) return false;
    const p = formatInt(intOf(v), lenCell);
    bufBytes(b, p, load<u32>(lenCell));
    return true;
  }
  if (verb == VERB_D) return false;
  if (t == T_BOOL) {
    bufLiteral(b, boolOf(v) ? 'true' : 'false');
    return true;
  }
  if (t == T_NULL) {
    bufLiteral(b, 'null');
    return true;
  }
  return false;
}

export function b_sprintf(format: u32, args: u32): u32 {
  if (tag(format) != T_STRING || tag(args) != T_ARRAY) return DEFER;
  const p = strPtr(format);
  const n = strLen(format);
  const argc = collLen(args);
  const b = newBuf(n + 64);
  let next: u32 = 0;
  let run: u32 = 0;
  let i: u32 = 0;
  while (i < n) {
    if (<u32>load<u8>(p + i) != PERCENT) {
      i++;
      continue;
    }
    bufBytes(b, p + run, i - run);
    if (i + 1 >= n) return DEFER;
    const verb = <u32>load<u8>(p + i + 1);
    if (verb == PERCENT) bufByte(b, PERCENT);
    else {
      if ((verb != VERB_S && verb != VERB_D && verb != VERB_V) || next >= argc) return DEFER;
      if (!writeArg(b, verb, arrayGet(args, next))) return DEFER;
      next++;
    }
    i += 2;
    run = i;
  }
  bufBytes(b, p + run, n - run);
  if (next != argc) return DEFER;
  return makeString(b.ptr, b.len);
}
