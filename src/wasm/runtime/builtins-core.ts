import {
  T_INT, T_STRING, T_ARRAY, T_OBJECT, T_SET, DEFER,
  tag, intOf, makeInt, boolValue, isNumber, collLen, arrayGet, setGet, objVal, strLen, strPtr,
  makeSet, stringFromLiteral, collData,
} from './value';
import { compareValues, valuesEqual } from './compare';
import { copyCollection, objectGet, setAdd, setContains } from './collections';
import { mergeSets, sortSlots } from './sorted-build';
import { heapMark, releaseTo } from './alloc';
import { toInt } from './number';
import { countCodePoints } from './ops';
import { typeNameLiteral, cstr } from './errors';
import { newBuf, bufByte, bufBytes, bufLiteral } from './buffer';
import { writeValue } from './json-dump';

// Natively compiled builtins: the operators and checks on every policy's hot path. Anything off the
// fast path returns DEFER, and the generated code then calls the TypeScript implementation, which
// also owns the error messages for wrongly typed operands.

@external('env', 'opa_println') declare function opa_println(addr: u32): void;

const okCell = memory.data(8);

export function b_equal(a: u32, b: u32): u32 {
  return boolValue(valuesEqual(a, b));
}

export function b_neq(a: u32, b: u32): u32 {
  return boolValue(!valuesEqual(a, b));
}

export function b_lt(a: u32, b: u32): u32 {
  return boolValue(compareValues(a, b) < 0);
}

export function b_gt(a: u32, b: u32): u32 {
  return boolValue(compareValues(a, b) > 0);
}

export function b_lte(a: u32, b: u32): u32 {
  return boolValue(compareValues(a, b) <= 0);
}

export function b_gte(a: u32, b: u32): u32 {
  return boolValue(compareValues(a, b) >= 0);
}

export function b_plus(a: u32, b: u32): u32 {
  if (tag(a) != T_INT || tag(b) != T_INT) return DEFER;
  const x = intOf(a);
  const y = intOf(b);
  const r = x + y;
  if (((x ^ r) & (y ^ r)) < 0) return DEFER;
  return makeInt(r);
}

export function b_minus(a: u32, b: u32): u32 {
  const ta = tag(a);
  const tb = tag(b);
  if (ta == T_SET && tb == T_SET) {
    const out = makeSet();
    const n = collLen(a);
    for (let i: u32 = 0; i < n; i++) {
      const e = setGet(a, i);
      if (!setContains(b, e)) setAdd(out, e);
    }
    return out;
  }
  if (ta != T_INT || tb != T_INT) return DEFER;
  const x = intOf(a);
  const y = intOf(b);
  const r = x - y;
  if (((x ^ y) & (x ^ r)) < 0) return DEFER;
  return makeInt(r);
}

export function b_mul(a: u32, b: u32): u32 {
  if (tag(a) != T_INT || tag(b) != T_INT) return DEFER;
  const x = intOf(a);
  const y = intOf(b);
  if (x == 0 || y == 0) return makeInt(0);
  const r = x * y;
  if ((x == -1 && y == i64.MIN_VALUE) || (y == -1 && x == i64.MIN_VALUE) || r / y != x) return DEFER;
  return makeInt(r);
}

export function b_div(a: u32, b: u32): u32 {
  if (tag(a) != T_INT || tag(b) != T_INT) return DEFER;
  const x = intOf(a);
  const y = intOf(b);
  if (y == 0 || (x == i64.MIN_VALUE && y == -1) || x % y != 0) return DEFER;
  return makeInt(x / y);
}

export function b_rem(a: u32, b: u32): u32 {
  if (tag(a) != T_INT || tag(b) != T_INT) return DEFER;
  const x = intOf(a);
  const y = intOf(b);
  if (y == 0 || y == -1) return DEFER;
  return makeInt(x % y);
}

export function b_count(v: u32): u32 {
  const t = tag(v);
  if (t == T_ARRAY || t == T_OBJECT || t == T_SET) return makeInt(collLen(v));
  if (t == T_STRING) return makeInt(countCodePoints(strPtr(v), strLen(v)));
  return DEFER;
}

/** `sort`: a set's elements are in Rego order already; an array's are sorted (see sortSlots). */
export function b_sort(v: u32): u32 {
  const t = tag(v);
  if (t != T_ARRAY && t != T_SET) return DEFER;
  const out = copyCollection(v, T_ARRAY);
  const n = collLen(out);
  if (t == T_ARRAY && n > 1) {
    // The sort's buffers are scratch: the array it sorts was allocated before the mark.
    const mark = heapMark();
    sortSlots(collData(out), n, 4);
    releaseTo(mark);
  }
  return out;
}

export function b_member_2(x: u32, coll: u32): u32 {
  const t = tag(coll);
  if (t == T_SET) return boolValue(setContains(coll, x));
  if (t == T_ARRAY) {
    const n = collLen(coll);
    for (let i: u32 = 0; i < n; i++) if (valuesEqual(arrayGet(coll, i), x)) return boolValue(true);
    return boolValue(false);
  }
  if (t == T_OBJECT) {
    const n = collLen(coll);
    for (let i: u32 = 0; i < n; i++) if (valuesEqual(objVal(coll, i), x)) return boolValue(true);
  }
  return boolValue(false);
}

export function b_member_3(k: u32, v: u32, coll: u32): u32 {
  const t = tag(coll);
  if (t == T_ARRAY) {
    if (!isNumber(k)) return boolValue(false);
    const i = toInt(k, okCell);
    if (load<u32>(okCell) == 0 || i < 0 || i >= <i64>collLen(coll)) return boolValue(false);
    return boolValue(valuesEqual(arrayGet(coll, <u32>i), v));
  }
  if (t == T_OBJECT) {
    const found = objectGet(coll, k);
    return boolValue(found != 0 && valuesEqual(found, v));
  }
  if (t == T_SET) return boolValue(valuesEqual(k, v) && setContains(coll, k));
  return boolValue(false);
}

export function b_is_number(v: u32): u32 {
  return boolValue(isNumber(v));
}

/** A number is its own `to_number`, text and all (`101.0` stays a float to sprintf, as in OPA); the rest is the host's. */
export function b_to_number(v: u32): u32 {
  return isNumber(v) ? v : DEFER;
}

export function b_is_string(v: u32): u32 {
  return boolValue(tag(v) == T_STRING);
}

export function b_is_boolean(v: u32): u32 {
  return boolValue(tag(v) == 2);
}

export function b_is_array(v: u32): u32 {
  return boolValue(tag(v) == T_ARRAY);
}

export function b_is_set(v: u32): u32 {
  return boolValue(tag(v) == T_SET);
}

export function b_is_object(v: u32): u32 {
  return boolValue(tag(v) == T_OBJECT);
}

export function b_is_null(v: u32): u32 {
  return boolValue(tag(v) == 1);
}

export function b_type_name(v: u32): u32 {
  return stringFromLiteral(typeNameLiteral(tag(v)));
}

export function b_and(a: u32, b: u32): u32 {
  if (tag(a) != T_SET || tag(b) != T_SET) return DEFER;
  const out = makeSet();
  const n = collLen(a);
  for (let i: u32 = 0; i < n; i++) {
    const e = setGet(a, i);
    if (setContains(b, e)) setAdd(out, e);
  }
  return out;
}

export function b_or(a: u32, b: u32): u32 {
  if (tag(a) != T_SET || tag(b) != T_SET) return DEFER;
  return mergeSets(a, b);
}

export function b_startswith(s: u32, prefix: u32): u32 {
  if (tag(s) != T_STRING || tag(prefix) != T_STRING) return DEFER;
  const n = strLen(prefix);
  if (n > strLen(s)) return boolValue(false);
  return boolValue(memory.compare(strPtr(s), strPtr(prefix), n) == 0);
}

export function b_endswith(s: u32, suffix: u32): u32 {
  if (tag(s) != T_STRING || tag(suffix) != T_STRING) return DEFER;
  const n = strLen(suffix);
  const m = strLen(s);
  if (n > m) return boolValue(false);
  return boolValue(memory.compare(strPtr(s) + m - n, strPtr(suffix), n) == 0);
}

/** `print`: each argument is a set holding its value, or empty when the value is undefined. */
export function b_internal_print(args: u32): u32 {
  if (tag(args) != T_ARRAY) return boolValue(true);
  const b = newBuf(128);
  const n = collLen(args);
  for (let i: u32 = 0; i < n; i++) {
    if (i > 0) bufByte(b, 32);
    const s = arrayGet(args, i);
    if (tag(s) != T_SET || collLen(s) == 0) {
      bufLiteral(b, '<undefined>');
      continue;
    }
    const v = setGet(s, 0);
    if (tag(v) == T_STRING) bufBytes(b, strPtr(v), strLen(v));
    else writeValue(b, v, true);
  }
  bufByte(b, 0);
  opa_println(b.ptr);
  void cstr;
  return boolValue(true);
}
