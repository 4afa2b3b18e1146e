import {
  T_NULL, T_BOOL, T_INT, T_REF, T_STRING, T_ARRAY, T_OBJECT, T_SET,
  tag, boolOf, strLen, strPtr, collLen, arrayGet, setGet, objKey, objVal,
} from './value';
import { compareNumbers } from './number';

// Rank of each tag in Rego's total order: null < boolean < number < string < array < object < set.
@inline function rank(t: u32): u32 {
  if (t == T_REF) return T_INT;
  if (t == T_SET) return 9;
  return t;
}

export function compareBytes(a: u32, alen: u32, b: u32, blen: u32): i32 {
  const m = alen < blen ? alen : blen;
  for (let i: u32 = 0; i < m; i++) {
    const x = load<u8>(a + i);
    const y = load<u8>(b + i);
    if (x != y) return x < y ? -1 : 1;
  }
  return alen == blen ? 0 : alen < blen ? -1 : 1;
}

export function compareValues(a: u32, b: u32): i32 {
  if (a == b) return 0;
  const ta = tag(a);
  const tb = tag(b);
  const ra = rank(ta);
  const rb = rank(tb);
  if (ra != rb) return ra < rb ? -1 : 1;
  switch (ra) {
    case T_NULL:
      return 0;
    case T_BOOL: {
      const x = boolOf(a);
      const y = boolOf(b);
      return x == y ? 0 : !x ? -1 : 1;
    }
    case T_INT:
      return compareNumbers(a, b);
    case T_STRING:
      return compareBytes(strPtr(a), strLen(a), strPtr(b), strLen(b));
    case T_ARRAY: {
      const la = collLen(a);
      const lb = collLen(b);
      const m = la < lb ? la : lb;
      for (let i: u32 = 0; i < m; i++) {
        const c = compareValues(arrayGet(a, i), arrayGet(b, i));
        if (c != 0) return c;
      }
      return la == lb ? 0 : la < lb ? -1 : 1;
    }
    case T_OBJECT: {
      // As OPA: walk the key-sorted entries pairwise (key, then value); a prefix is the smaller.
      const la = collLen(a);
      const lb = collLen(b);
      const m = la < lb ? la : lb;
      for (let i: u32 = 0; i < m; i++) {
        const k = compareValues(objKey(a, i), objKey(b, i));
        if (k != 0) return k;
        const v = compareValues(objVal(a, i), objVal(b, i));
        if (v != 0) return v;
      }
      return la == lb ? 0 : la < lb ? -1 : 1;
    }
    default: {
      const la = collLen(a);
      const lb = collLen(b);
      const m = la < lb ? la : lb;
      for (let i: u32 = 0; i < m; i++) {
        const c = compareValues(setGet(a, i), setGet(b, i));
        if (c != 0) return c;
      }
      return la == lb ? 0 : la < lb ? -1 : 1;
    }
  }
}

export function valuesEqual(a: u32, b: u32): bool {
  if (a == b) return true;
  const ta = tag(a);
  const tb = tag(b);
  if (ta == T_STRING && tb == T_STRING) {
    const n = strLen(a);
    if (n != strLen(b)) return false;
    return memory.compare(strPtr(a), strPtr(b), n) == 0;
  }
  if (rank(ta) != rank(tb)) return false;
  if ((ta == T_ARRAY || ta == T_OBJECT || ta == T_SET) && collLen(a) != collLen(b)) return false;
  return compareValues(a, b) == 0;
}
