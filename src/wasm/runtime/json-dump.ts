import {
  T_NULL, T_BOOL, T_INT, T_REF, T_STRING, T_ARRAY, T_OBJECT,
  tag, boolOf, intOf, strLen, strPtr, collLen, arrayGet, setGet, objKey, objVal,
} from './value';
import { Buf, newBuf, bufByte, bufBytes, bufLiteral, bufReserve } from './buffer';
import { formatInt } from './number';

const lenCell = memory.data(8);
const HEX = memory.data<u8>([48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 97, 98, 99, 100, 101, 102]);

export function writeQuoted(b: Buf, p: u32, n: u32): void {
  bufReserve(b, n + 2);
  bufByte(b, 34);
  let runStart = p;
  const stop = p + n;
  for (let q = p; q < stop; q++) {
    const c = <u32>load<u8>(q);
    if (c >= 32 && c != 34 && c != 92) continue;
    bufBytes(b, runStart, q - runStart);
    runStart = q + 1;
    bufByte(b, 92);
    if (c == 34 || c == 92) bufByte(b, c);
    else if (c == 10) bufByte(b, 110);
    else if (c == 9) bufByte(b, 116);
    else if (c == 13) bufByte(b, 114);
    else if (c == 8) bufByte(b, 98);
    else if (c == 12) bufByte(b, 102);
    else {
      bufLiteral(b, 'u00');
      bufByte(b, load<u8>(HEX + (c >> 4)));
      bufByte(b, load<u8>(HEX + (c & 15)));
    }
  }
  bufBytes(b, runStart, stop - runStart);
  bufByte(b, 34);
}

function writeNumber(b: Buf, v: u32): void {
  if (tag(v) == T_INT) {
    const p = formatInt(intOf(v), lenCell);
    bufBytes(b, p, load<u32>(lenCell));
  } else {
    bufBytes(b, load<u32>(v, 8), load<u32>(v, 4));
  }
}

/** Writes `v` as JSON (`rego` false: sets as arrays, non-string keys as their JSON text) or as Rego. */
export function writeValue(b: Buf, v: u32, rego: bool): void {
  const t = tag(v);
  switch (t) {
    case T_NULL:
      bufLiteral(b, 'null');
      return;
    case T_BOOL:
      bufLiteral(b, boolOf(v) ? 'true' : 'false');
      return;
    case T_INT:
    case T_REF:
      writeNumber(b, v);
      return;
    case T_STRING:
      writeQuoted(b, strPtr(v), strLen(v));
      return;
    case T_ARRAY: {
      bufByte(b, 91);
      const n = collLen(v);
      for (let i: u32 = 0; i < n; i++) {
        if (i > 0) bufByte(b, 44);
        writeValue(b, arrayGet(v, i), rego);
      }
      bufByte(b, 93);
      return;
    }
    case T_OBJECT: {
      bufByte(b, 123);
      const n = collLen(v);
      for (let i: u32 = 0; i < n; i++) {
        if (i > 0) bufByte(b, 44);
        const k = objKey(v, i);
        if (tag(k) == T_STRING || rego) writeValue(b, k, rego);
        else {
          const inner = newBuf(32);
          writeValue(inner, k, false);
          writeQuoted(b, inner.ptr, inner.len);
        }
        bufByte(b, 58);
        writeValue(b, objVal(v, i), rego);
      }
      bufByte(b, 125);
      return;
    }
    default: {
      const n = collLen(v);
      if (rego && n == 0) {
        bufLiteral(b, 'set()');
        return;
      }
      bufByte(b, rego ? 123 : 91);
      for (let i: u32 = 0; i < n; i++) {
        if (i > 0) bufByte(b, 44);
        writeValue(b, setGet(v, i), rego);
      }
      bufByte(b, rego ? 125 : 93);
    }
  }
}

/** NUL-terminated dump of `v`. */
export function dumpValue(v: u32, rego: bool): u32 {
  const b = newBuf(256);
  writeValue(b, v, rego);
  bufByte(b, 0);
  return b.ptr;
}

export function opa_json_dump(v: u32): u32 {
  return dumpValue(v, false);
}

export function opa_value_dump(v: u32): u32 {
  return dumpValue(v, true);
}
