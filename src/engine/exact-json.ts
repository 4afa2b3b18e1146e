import { isLosslessNumber, isSafeNumber, LosslessNumber, parse, stringify } from 'lossless-json';

export { isLosslessNumber } from 'lossless-json';

// OPA keeps a JSON number as its digits (Go's json.Number), so 12345678901234567891 in an input
// equals the same literal in a policy and `x + 1` is exact. A double would turn that number into
// 12345678901234567000: two ids would become one, and a deny list of them would miss. Numbers a
// double cannot carry stay as their text (a LosslessNumber) from the request to the module.

/**
 * Text that may hold such a number: one of 16 characters or more, or with a three-digit exponent.
 * Only it takes the slower parser (this test costs ~0.1 µs on a decision's result).
 */
const MAYBE_INEXACT = /\d[\d.eE+-]{15}|\d[eE][+-]?\d{3}/;

/** Whether this thread ever kept a number as its digits: until then no value can hold one, and writing one needs no search. */
let keptAny = false;

/** A number's digits as a number when a double holds them exactly, else kept as they are. */
export function keepDigits(digits: string): number | LosslessNumber {
  if (isSafeNumber(digits)) return Number(digits);
  keptAny = true;
  return new LosslessNumber(digits);
}

/**
 * `JSON.parse`, except that a number a double would change (an integer beyond 2^53, more
 * significant digits than a double holds, an exponent beyond its range) is kept as its text, a
 * {@link LosslessNumber}. Text without such a number is parsed natively. With such a number, a
 * key given twice with different values is an error (native parsing keeps the last).
 *
 * @throws SyntaxError when `text` is not JSON
 */
export function parseJsonExact(text: string): unknown {
  if (!MAYBE_INEXACT.test(text)) return JSON.parse(text);
  return parse(text, null, keepDigits);
}

/** Whether `value` holds a {@link LosslessNumber} anywhere (primitives are not descended into: this walks whole data documents). */
export function holdsExactNumber(value: unknown, depth = 0): boolean {
  if (value === null || typeof value !== 'object' || depth > 256) return false;
  if (value instanceof LosslessNumber) return true;
  if (Array.isArray(value)) {
    for (const v of value) if (typeof v === 'object' && v !== null && holdsExactNumber(v, depth + 1)) return true;
    return false;
  }
  for (const k in value) {
    const v = (value as Record<string, unknown>)[k];
    if (typeof v === 'object' && v !== null && holdsExactNumber(v, depth + 1)) return true;
  }
  return false;
}

/** `JSON.stringify(value, null, space)`, writing each {@link LosslessNumber} as its own digits. */
export function stringifyJsonExact(value: unknown, space?: number): string {
  const text = keptAny && holdsExactNumber(value) ? stringify(value, undefined, space) : JSON.stringify(value, null, space);
  return text ?? 'null';
}

const encoder = new TextEncoder();

/** A JSON text's UTF-8 bytes in a buffer of their own: what the SDK's `setData` takes as text (a value it would `JSON.stringify`). */
export function jsonTextBuffer(text: string): ArrayBuffer {
  const bytes = encoder.encode(text);
  return bytes.byteLength === bytes.buffer.byteLength ? (bytes.buffer as ArrayBuffer) : (bytes.slice().buffer as ArrayBuffer);
}

/** {@link jsonTextBuffer} of {@link stringifyJsonExact}: data for `setData` with its numbers' digits. */
export function exactJsonBytes(value: unknown): ArrayBuffer {
  return jsonTextBuffer(stringifyJsonExact(value));
}
