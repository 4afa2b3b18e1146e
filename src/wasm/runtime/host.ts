import {
  T_INT, T_REF, T_STRING, T_ARRAY, T_OBJECT, T_SET,
  tag, intOf, strLen, strPtr, collLen, collData, arrayGet, setGet, objKey, objVal,
  makeArray, makeObject, makeSet, arrayPush, stringFromLiteral, makeString,
} from './value';
import { objectInsert, objectAppend, setAppend, objectGet, finishCollection } from './collections';
import { formatInt, numberFromText } from './number';
import { hostFailure } from './errors';

// Host builtins get and give Rego values through JSON. Sets, exact numbers and objects with
// non-string keys do not survive plain JSON, so they cross as one-key marker objects
// ({"$warden.set": [...]}, {"$warden.num": "text"}, {"$warden.obj": [[k, v], ...]}); errors come
// back as {"$warden.error": {"code": ..., "message": ...}}. The TypeScript side mirrors this codec.

@external('env', 'opa_builtin0') declare function opa_builtin0(id: u32, ctx: u32): u32;
@external('env', 'opa_builtin1') declare function opa_builtin1(id: u32, ctx: u32, a: u32): u32;
@external('env', 'opa_builtin2') declare function opa_builtin2(id: u32, ctx: u32, a: u32, b: u32): u32;
@external('env', 'opa_builtin3') declare function opa_builtin3(id: u32, ctx: u32, a: u32, b: u32, c: u32): u32;
@external('env', 'opa_builtin4') declare function opa_builtin4(id: u32, ctx: u32, a: u32, b: u32, c: u32, d: u32): u32;

const PREFIX = '$warden.';
const lenCell = memory.data(8);
const SAFE: i64 = 9007199254740991;

function marker(name: string, payload: u32): u32 {
  const o = makeObject();
  objectInsert(o, stringFromLiteral(name), payload);
  return o;
}

export function encodeForHost(v: u32): u32 {
  const t = tag(v);
  if (t == T_INT) {
    const n = intOf(v);
    if (n <= SAFE && n >= -SAFE) return v;
    const p = formatInt(n, lenCell);
    return marker('$warden.num', makeString(p, load<u32>(lenCell)));
  }
  if (t == T_REF) return marker('$warden.num', makeString(load<u32>(v, 8), load<u32>(v, 4)));
  if (t == T_ARRAY) {
    const n = collLen(v);
    let out: u32 = 0;
    for (let i: u32 = 0; i < n; i++) {
      const e = arrayGet(v, i);
      const x = encodeForHost(e);
      if (x != e && out == 0) {
        out = makeArray(n);
        for (let j: u32 = 0; j < i; j++) arrayPush(out, arrayGet(v, j));
      }
      if (out != 0) arrayPush(out, x);
    }
    return out != 0 ? out : v;
  }
  if (t == T_SET) {
    const n = collLen(v);
    const arr = makeArray(n);
    for (let i: u32 = 0; i < n; i++) arrayPush(arr, encodeForHost(setGet(v, i)));
    return marker('$warden.set', arr);
  }
  if (t == T_OBJECT) {
    const n = collLen(v);
    let plainKeys = true;
    for (let i: u32 = 0; i < n; i++) if (tag(objKey(v, i)) != T_STRING) plainKeys = false;
    if (!plainKeys) {
      const arr = makeArray(n);
      for (let i: u32 = 0; i < n; i++) {
        const pair = makeArray(2);
        arrayPush(pair, encodeForHost(objKey(v, i)));
        arrayPush(pair, encodeForHost(objVal(v, i)));
        arrayPush(arr, pair);
      }
      return marker('$warden.obj', arr);
    }
    let out: u32 = 0;
    for (let i: u32 = 0; i < n; i++) {
      const e = objVal(v, i);
      const x = encodeForHost(e);
      if (x != e && out == 0) {
        out = makeObject();
        for (let j: u32 = 0; j < i; j++) objectInsert(out, objKey(v, j), objVal(v, j));
      }
      if (out != 0) objectInsert(out, objKey(v, i), x);
    }
    return out != 0 ? out : v;
  }
  return v;
}

function isMarkerKey(k: u32, name: string): bool {
  if (tag(k) != T_STRING) return false;
  const n = <u32>name.length;
  if (strLen(k) != n) return false;
  const p = strPtr(k);
  for (let i: u32 = 0; i < n; i++) if (load<u8>(p + i) != <u8>name.charCodeAt(i)) return false;
  return true;
}

function startsWithPrefix(k: u32): bool {
  if (tag(k) != T_STRING || strLen(k) < 8) return false;
  const p = strPtr(k);
  for (let i: u32 = 0; i < 8; i++) if (load<u8>(p + i) != <u8>PREFIX.charCodeAt(i)) return false;
  return true;
}

/** Decodes a freshly parsed host result in place; 0 when the host reported an error (non-strict). */
export function decodeFromHost(v: u32): u32 {
  const t = tag(v);
  if (t == T_ARRAY) {
    const n = collLen(v);
    const data = collData(v);
    for (let i: u32 = 0; i < n; i++) {
      const d = decodeFromHost(load<u32>(data + (i << 2)));
      if (d == 0) return 0;
      store<u32>(data + (i << 2), d);
    }
    return v;
  }
  if (t != T_OBJECT) return v;
  const n = collLen(v);
  if (n == 1 && startsWithPrefix(objKey(v, 0))) {
    const k = objKey(v, 0);
    const payload = objVal(v, 0);
    if (isMarkerKey(k, '$warden.set') && tag(payload) == T_ARRAY) {
      const s = makeSet();
      const m = collLen(payload);
      for (let i: u32 = 0; i < m; i++) {
        const d = decodeFromHost(arrayGet(payload, i));
        if (d == 0) return 0;
        setAppend(s, d);
      }
      return finishCollection(s);
    }
    if (isMarkerKey(k, '$warden.num') && tag(payload) == T_STRING) {
      return numberFromText(strPtr(payload), strLen(payload));
    }
    if (isMarkerKey(k, '$warden.obj') && tag(payload) == T_ARRAY) {
      const o = makeObject();
      const m = collLen(payload);
      for (let i: u32 = 0; i < m; i++) {
        const pair = arrayGet(payload, i);
        const key = decodeFromHost(arrayGet(pair, 0));
        const val = decodeFromHost(arrayGet(pair, 1));
        if (key == 0 || val == 0) return 0;
        objectAppend(o, key, val);
      }
      return finishCollection(o);
    }
    if (isMarkerKey(k, '$warden.error') && tag(payload) == T_OBJECT) {
      return hostFailure(objectGet(payload, stringFromLiteral('code')), objectGet(payload, stringFromLiteral('message')));
    }
  }
  const data = collData(v);
  for (let i: u32 = 0; i < n; i++) {
    const d = decodeFromHost(load<u32>(data + (i << 3) + 4));
    if (d == 0) return 0;
    store<u32>(data + (i << 3) + 4, d);
  }
  return v;
}

@inline function result(r: u32): u32 {
  return r == 0 ? 0 : decodeFromHost(r);
}

export function rt_host_call0(id: u32): u32 {
  return result(opa_builtin0(id, 0));
}

export function rt_host_call1(id: u32, a: u32): u32 {
  return result(opa_builtin1(id, 0, encodeForHost(a)));
}

export function rt_host_call2(id: u32, a: u32, b: u32): u32 {
  return result(opa_builtin2(id, 0, encodeForHost(a), encodeForHost(b)));
}

export function rt_host_call3(id: u32, a: u32, b: u32, c: u32): u32 {
  return result(opa_builtin3(id, 0, encodeForHost(a), encodeForHost(b), encodeForHost(c)));
}

export function rt_host_call4(id: u32, a: u32, b: u32, c: u32, d: u32): u32 {
  return result(opa_builtin4(id, 0, encodeForHost(a), encodeForHost(b), encodeForHost(c), encodeForHost(d)));
}
