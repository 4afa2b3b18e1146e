import type { BuiltinGroup } from './declaration.js';

/** Numbers: arithmetic, rounding, ranges, random integers and bitwise operations. */
export const NUMBERS: BuiltinGroup = {
  category: 'numbers',
  builtins: [
    { name: 'plus', signature: 'number, number -> number', native: 'b_plus', defers: true, host: true },
    { name: 'minus', signature: 'any<number, set[any]>, any<number, set[any]> -> any<number, set[any]>', categories: ['sets', 'numbers'], native: 'b_minus', defers: true, host: true },
    { name: 'mul', signature: 'number, number -> number', native: 'b_mul', defers: true, host: true },
    { name: 'div', signature: 'number, number -> number', native: 'b_div', defers: true, host: true },
    { name: 'rem', signature: 'number, number -> number', native: 'b_rem', defers: true, host: true },
    { name: 'abs', signature: 'number -> number', host: true },
    { name: 'ceil', signature: 'number -> number', host: true },
    { name: 'floor', signature: 'number -> number', host: true },
    { name: 'round', signature: 'number -> number', host: true },
    { name: 'numbers.range', signature: 'number, number -> array[number]', host: true },
    { name: 'numbers.range_step', signature: 'number, number, number -> array[number]', host: true },
    { name: 'rand.intn', signature: 'string, number -> number', host: true, nondeterministic: true, perEvaluation: true },
    { name: 'bits.and', signature: 'number, number -> number', categories: ['bits'], host: true },
    { name: 'bits.or', signature: 'number, number -> number', categories: ['bits'], host: true },
    { name: 'bits.xor', signature: 'number, number -> number', categories: ['bits'], host: true },
    { name: 'bits.negate', signature: 'number -> number', categories: ['bits'], host: true },
    { name: 'bits.lsh', signature: 'number, number -> number', categories: ['bits'], host: true },
    { name: 'bits.rsh', signature: 'number, number -> number', categories: ['bits'], host: true },
  ],
};
