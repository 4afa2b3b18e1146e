import { T_INT, T_REF, T_ARRAY, T_OBJECT, T_SET, DEFER, tag, intOf, collLen, arrayGet } from './value';
import { objectGet, setContains } from './collections';

// object.get natively: it is how policies read optional fields (Gatekeeper's libraries call it on
// every container), and a host call costs a JSON round trip of the whole object. A path step by a
// number that is not an int64 goes to the host, as does anything but an object to read from.

/** The child of `v` under `seg` as a path step (object key, array index, set member), or 0. */
function step(v: u32, seg: u32): u32 {
  const t = tag(v);
  if (t == T_OBJECT) return objectGet(v, seg);
  if (t == T_SET) return setContains(v, seg) ? seg : 0;
  if (t != T_ARRAY || tag(seg) != T_INT) return 0;
  const i = intOf(seg);
  return i >= 0 && i < <i64>collLen(v) ? arrayGet(v, <u32>i) : 0;
}

export function b_object_get(obj: u32, key: u32, fallback: u32): u32 {
  if (tag(obj) != T_OBJECT) return DEFER;
  if (tag(key) != T_ARRAY) {
    const found = objectGet(obj, key);
    return found != 0 ? found : fallback;
  }
  const n = collLen(key);
  let cur = obj;
  for (let i: u32 = 0; i < n; i++) {
    const seg = arrayGet(key, i);
    // An index written as a non-int64 number (1.0, 1e0, 2^64): the host reads its value.
    if (tag(cur) == T_ARRAY && tag(seg) == T_REF) return DEFER;
    cur = step(cur, seg);
    if (cur == 0) return fallback;
  }
  return cur;
}
