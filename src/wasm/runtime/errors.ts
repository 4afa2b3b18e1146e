import { malloc } from './alloc';
import { Buf, newBuf, bufByte, bufBytes, bufLiteral } from './buffer';
import { strLen, strPtr } from './value';

@external('env', 'opa_abort')
declare function opa_abort(addr: u32): void;

let strict = true;

export function setStrictErrors(on: bool): void {
  strict = on;
}

export function strictErrors(): bool {
  return strict;
}

export function cstr(s: string): u32 {
  const n = <u32>s.length;
  const p = malloc(n + 1);
  for (let i: u32 = 0; i < n; i++) store<u8>(p + i, <u8>s.charCodeAt(i));
  store<u8>(p + n, 0);
  return p;
}

export function abortWith(b: Buf): void {
  bufByte(b, 0);
  opa_abort(b.ptr);
  unreachable();
}

/** Conflicts are errors whatever the strictness: a complete rule or function with two values. */
export function rt_conflict(kind: u32): void {
  const b = newBuf(96);
  bufLiteral(b, 'eval_conflict_error: ');
  if (kind == 0) bufLiteral(b, 'complete rules must not produce multiple outputs');
  else if (kind == 1) bufLiteral(b, 'functions must not produce multiple outputs for same inputs');
  else if (kind == 2) bufLiteral(b, 'object keys must be unique');
  else bufLiteral(b, 'conflicting values');
  abortWith(b);
}

/**
 * A native builtin's error. Strict: evaluation aborts with `code: name: message`. Otherwise the call
 * is undefined: callers return the 0 this gives back.
 */
export function builtinFailure(typeError: bool, name: string, message: string): u32 {
  if (!strict) return 0;
  const b = newBuf(128);
  bufLiteral(b, typeError ? 'eval_type_error: ' : 'eval_builtin_error: ');
  bufLiteral(b, name);
  bufLiteral(b, ': ');
  bufLiteral(b, message);
  abortWith(b);
  return 0;
}

/** A host builtin's error, as `code` and `message` string values. */
export function hostFailure(code: u32, message: u32): u32 {
  if (!strict) return 0;
  const b = newBuf(128);
  bufBytes(b, strPtr(code), strLen(code));
  bufLiteral(b, ': ');
  bufBytes(b, strPtr(message), strLen(message));
  abortWith(b);
  return 0;
}

export function typeNameLiteral(t: u32): string {
  switch (t) {
    case 1: return 'null';
    case 2: return 'boolean';
    case 3: return 'number';
    case 4: return 'number';
    case 5: return 'string';
    case 6: return 'array';
    case 7: return 'object';
    default: return 'set';
  }
}

/** `name: operand N must be EXPECTED but got ACTUAL`. */
export function operandTypeError(name: string, position: u32, expected: string, actualTag: u32): u32 {
  if (!strict) return 0;
  const b = newBuf(128);
  bufLiteral(b, 'eval_type_error: ');
  bufLiteral(b, name);
  bufLiteral(b, ': operand ');
  bufByte(b, 48 + position);
  bufLiteral(b, ' must be ');
  bufLiteral(b, expected);
  bufLiteral(b, ' but got ');
  bufLiteral(b, typeNameLiteral(actualTag));
  abortWith(b);
  return 0;
}
