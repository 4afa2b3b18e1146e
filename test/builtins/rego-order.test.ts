import test from 'ava';
import {
  compareValues,
  exactInteger,
  makeSet,
  normaliseSet,
  sortValues,
  valuesEqual,
} from '../../src/builtins/rego-order.js';
import { RegoObjectEntries, RegoSet, type RegoValue } from '../../src/builtins/value.js';

test('types order null < boolean < number < string < array < object < set', (t) => {
  const ordered: RegoValue[] = [null, false, true, -1, 0, 2.5, 3n ** 40n, '', 'a', [], [1], {}, { a: 1 }, new RegoSet([])];
  const shuffled = [...ordered].reverse();
  t.deepEqual(sortValues(shuffled), ordered);
});

test('numbers compare by value across number and bigint', (t) => {
  t.is(compareValues(1, 1n), 0);
  t.true(valuesEqual(1, 1.0));
  t.true(compareValues(2n ** 60n, 2 ** 53) > 0);
  t.true(compareValues(1.5, 1n) > 0);
  t.true(compareValues(1.5, 2n) < 0);
  t.true(compareValues(-1.5, -1n) < 0);
  t.is(compareValues(-0, 0), 0);
  t.is(compareValues(1e30, 10n ** 30n), 0);
});

test('large integral doubles read as their decimal spelling', (t) => {
  t.is(exactInteger(1e30), 10n ** 30n);
  t.is(exactInteger(-1.5e21), -15n * 10n ** 20n);
  t.is(exactInteger(2 ** 53), 2n ** 53n);
});

test('strings compare by code point, not UTF-16 unit', (t) => {
  t.true(compareValues('\uffff', '\u{1F600}') < 0);
  t.true(compareValues('a', 'ab') < 0);
  t.true(compareValues('b', 'ab') > 0);
});

test('arrays compare lexicographically, then by length', (t) => {
  t.true(compareValues([1, 2], [1, 3]) < 0);
  t.true(compareValues([1, 2], [1, 2, 0]) < 0);
  t.true(compareValues([2], [1, 9, 9]) > 0);
});

test('objects compare by sorted keys then values then size', (t) => {
  t.is(compareValues({ b: 1, a: 2 }, { a: 2, b: 1 }), 0);
  t.true(compareValues({ a: 1 }, { b: 0 }) < 0);
  t.true(compareValues({ a: 1 }, { a: 2 }) < 0);
  t.true(compareValues({ a: 1 }, { a: 1, b: 0 }) < 0);
  t.true(compareValues({ a: 9, z: 0 }, { b: 0 }) < 0);
  t.is(compareValues(new RegoObjectEntries([[1, 'x']]), new RegoObjectEntries([[1.0, 'x']])), 0);
  t.true(compareValues(new RegoObjectEntries([[1, 'x']]), { a: 'x' }) < 0);
});

test('sets compare by sorted elements, ignoring order and duplicates', (t) => {
  t.is(compareValues(new RegoSet([3, 1, 2]), new RegoSet([1, 2, 3, 3])), 0);
  t.true(compareValues(new RegoSet([1, 2]), new RegoSet([1, 3])) < 0);
  t.true(compareValues(new RegoSet([1, 2]), new RegoSet([1, 2, 0])) > 0);
});

test('normaliseSet sorts and drops equal values', (t) => {
  t.deepEqual(normaliseSet([3, 'a', 1, 1n, 3, null, [1], [1]]), [null, 1, 3, 'a', [1]]);
  t.deepEqual(makeSet([{ a: 1 }, { a: 1 }]).items, [{ a: 1 }]);
});
