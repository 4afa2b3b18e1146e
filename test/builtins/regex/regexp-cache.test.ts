import test from 'ava';
import { compileGoRegexp } from '../../../src/builtins/regex/go-regexp.js';

test('five hundred short patterns stay compiled: the second pass reuses every one', (t) => {
  // A policy going through more patterns than the cache held (100) recompiled each on every evaluation.
  const patterns = Array.from({ length: 500 }, (_, i) => `^/api/r${i}/[^/]+/items/[0-9]+$`);
  const first = patterns.map((p) => compileGoRegexp(p));
  const second = patterns.map((p) => compileGoRegexp(p));
  t.is(second.filter((re, i) => re === first[i]).length, 500);
  t.true(second[499]!.test('/api/r499/o1/items/2'));
});

test('large expressions are kept within the engine\'s fixed heap: no compilation or match runs out of it', (t) => {
  // Each takes ~70 KiB in re2-wasm's 16 MiB heap: kept all, three hundred would fill it and abort the engine.
  for (let pass = 0; pass < 2; pass++) {
    for (let i = 0; i < 300; i++) t.true(compileGoRegexp(`^.{1,100}z${i}$`).test(`${'é'.repeat(40)}z${i}`), `pattern ${i}`);
  }
  t.true(compileGoRegexp('^abc$').test('abc'));
});
