import { BuiltinError, operandTypeError } from '../errors.js';
import { typeNameOf, type RegoValue } from '../value.js';

/** The string operand at `position` (1-based), or OPA's type error. */
export function stringOperand(name: string, value: RegoValue | undefined, position: number): string {
  if (typeof value !== 'string') throw operandTypeError(name, position, 'string', typeNameOf(value ?? null));
  return value;
}

/**
 * OPA's `IntOperand`: a number that fits Go's int (int64). Fractions and numbers outside int64
 * get OPA's "integer number" message, as `ast.Number.Int` fails on both.
 */
export function intOperand(name: string, value: RegoValue | undefined, position: number): number {
  if (typeof value === 'bigint') {
    if (value > 9223372036854775807n || value < -9223372036854775808n) throw notInteger(name, position);
    return Number(value);
  }
  if (typeof value !== 'number') throw operandTypeError(name, position, 'number', typeNameOf(value ?? null));
  if (!Number.isInteger(value) || Math.abs(value) >= 2 ** 63) throw notInteger(name, position);
  return value;
}

function notInteger(name: string, position: number): BuiltinError {
  return new BuiltinError(
    'eval_type_error',
    `${name}: operand ${position} must be integer number but got floating-point number`,
  );
}

/** An integer result as a number when exact, otherwise a bigint. */
export function integerResult(n: bigint): number | bigint {
  return n <= BigInt(Number.MAX_SAFE_INTEGER) && n >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(n) : n;
}

/** A bounded memo: the oldest entry goes when the map is full (results never depend on it). */
export class BoundedCache<V> {
  private readonly entries = new Map<string, V>();

  constructor(
    private readonly limit: number,
    private readonly onEvict?: (value: V) => void,
  ) {}

  get(key: string): V | undefined {
    return this.entries.get(key);
  }

  set(key: string, value: V): void {
    if (this.entries.size >= this.limit) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) {
        const value = this.entries.get(oldest.value);
        this.entries.delete(oldest.value);
        if (value !== undefined) this.onEvict?.(value);
      }
    }
    this.entries.set(key, value);
  }
}
