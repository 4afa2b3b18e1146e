import { builtinError } from '../errors.js';
import type { HostBuiltin } from '../host-builtin.js';
import { bigIntArg, integerResult, operandError } from '../operands.js';

// bits.* on arbitrary-size two's-complement integers (Go's big.Int semantics, which BigInt
// shares), and numbers.range / numbers.range_step.

// A shift this large would need gigabytes; OPA would spin until cancelled.
const MAX_SHIFT = 1n << 24n;
// Likewise for ranges: refuse instead of exhausting memory.
const MAX_RANGE = 10_000_000n;

function bits2(name: string, op: (a: bigint, b: bigint) => bigint): HostBuiltin {
  return (a, b) => integerResult(op(bigIntArg(name, a, 1), bigIntArg(name, b, 2)));
}

function shiftAmount(name: string, b: bigint): bigint {
  if (b < 0n) throw operandError(name, 2, 'must be an unsigned integer number but got a negative integer');
  return b;
}

export const bitsAnd = bits2('bits.and', (a, b) => a & b);
export const bitsOr = bits2('bits.or', (a, b) => a | b);
export const bitsXor = bits2('bits.xor', (a, b) => a ^ b);
export const bitsNegate: HostBuiltin = (a) => integerResult(~bigIntArg('bits.negate', a, 1));

export const bitsLsh = bits2('bits.lsh', (a, b) => {
  const s = shiftAmount('bits.lsh', b);
  if (a === 0n) return 0n;
  if (s > MAX_SHIFT) throw builtinError('bits.lsh', 'shift amount too large');
  return a << s;
});

export const bitsRsh = bits2('bits.rsh', (a, b) => {
  const s = shiftAmount('bits.rsh', b);
  if (s > MAX_SHIFT) return a < 0n ? -1n : 0n;
  return a >> s;
});

function range(name: string, from: bigint, to: bigint, step: bigint): Array<number | bigint> {
  const span = from <= to ? to - from : from - to;
  if (span / step + 1n > MAX_RANGE) throw builtinError(name, 'too many numbers in range');
  const out: Array<number | bigint> = [];
  if (from <= to) for (let i = from; i <= to; i += step) out.push(integerResult(i));
  else for (let i = from; i >= to; i -= step) out.push(integerResult(i));
  return out;
}

export const numbersRange: HostBuiltin = (a, b) =>
  range('numbers.range', bigIntArg('numbers.range', a, 1), bigIntArg('numbers.range', b, 2), 1n);

export const numbersRangeStep: HostBuiltin = (a, b, c) => {
  const from = bigIntArg('numbers.range_step', a, 1);
  const to = bigIntArg('numbers.range_step', b, 2);
  const step = bigIntArg('numbers.range_step', c, 3);
  if (step <= 0n) throw builtinError('numbers.range_step', 'step must be a positive integer');
  return range('numbers.range_step', from, to, step);
};
