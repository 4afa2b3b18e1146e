import fc from 'fast-check';

// Generated policies for the rule index's equivalence tests: rule sets whose definitions compare
// refs into input and base data (and function arguments) to constants of several types, mixed
// with definitions the index cannot use, else chains, defaults, `with` replacements and
// conflicting values; and inputs that match, miss, lack or mistype those refs. Prefix tests
// (`startswith`) with nested, empty and multi-byte prefixes join them, and have rule sets of
// their own (`pv`, `pe`, `ps`, `po`, `fp`) where they are what the index mostly picks.

export const INDEXED_POLICY_ENTRYPOINTS = ['p/allow', 'p/v', 'p/s', 'p/o', 'p/fs', 'p/w', 'p/wd', 'p/pv', 'p/ps', 'p/po', 'p/fps', 'p/pw', 'p/pe'];

/** Constants of every scalar type, with numbers Rego equality makes equal (1, 1.0, 1e0) and a string that looks like one. */
const CONSTANTS = ['1', '1.0', '1e0', '2', '-0.5', '"1"', '"a"', '"b"', '"é"', 'true', 'false', 'null'];
const REFS = ['input.a', 'input.b', 'input.x.y', 'data.d.k'];
const OTHER = ['input.n > 2', 'startswith(input.s, "x")', 'not input.a == 2', 'input.a == input.b', 'true'];

// Nested ("a", "ab", "abc"), empty, multi-byte ("é" is two bytes, "日本" six) and numeric-looking prefixes.
const PREFIXES = ['""', '"a"', '"ab"', '"abc"', '"b"', '"é"', '"éa"', '"日本"', '"1"'];
const PREFIX_REFS = ['input.a', 'input.path', 'data.d.k'];

const constant = fc.constantFrom(...CONSTANTS);
// sprintf: a violation's message, which leaves a definition free to run out of order.
const value = fc.constantFrom('true', '"v1"', '"v2"', '1', 'input.a', 'sprintf("%v/%d", [input.a, input.b])');
// glob.match patterns the index reads a prefix from (text before `*`, `**` or `?`), ones it must
// leave alone (escapes, ranges, alternatives, a malformed range, a leading wildcard), and delimiters
// OPA takes or refuses (a two-character delimiter is an error whatever the pattern).
const GLOBS = ['"a*"', '"ab*"', '"a?c"', '"a*d"', '"ab**"', '"abc"', '""', '"é*"', '"日本*"', '"1*"', '"*b"', '"?"', '"a[b]c"', '"{a,ab}*"', '`a\\*`', '"a[b"'];
const DELIMITERS = ['null', '[]', '["b"]', '["."]', '["ab"]'];
const globTest = fc.tuple(fc.constantFrom(...PREFIX_REFS), fc.constantFrom(...GLOBS), fc.constantFrom(...DELIMITERS)).map(([r, g, d]) => `glob.match(${g}, ${d}, ${r})`);
// Anchored patterns the index reads a literal prefix from (escapes, a quantifier after the last
// literal), and ones it must leave alone (alternation, flags first, unanchored, malformed).
const REGEXES = ['`^a`', '`^ab`', '`^abc$`', '`^ab*`', '`^ab?c`', '`^a.c`', '`^a\\.`', '`^é`', '`^日本`', '`^1`', '`^a{2}`', '`^ab|b`', '`(?i)^a`', '`a`', '`^(ab`', '`^a[b`', '`^\\d`'];
const regexTest = fc.tuple(fc.constantFrom(...REGEXES), fc.constantFrom(...PREFIX_REFS)).map(([p, r]) => `regex.match(${p}, ${r})`);
const prefixTest = fc.oneof(
  { weight: 2, arbitrary: fc.tuple(fc.constantFrom(...PREFIX_REFS), fc.constantFrom(...PREFIXES)).map(([r, c]) => `startswith(${r}, ${c})`) },
  { weight: 1, arbitrary: globTest },
  { weight: 1, arbitrary: regexTest },
);
// Where a prefix test is not the index's key, it must not fail before the key's comparison: a
// definition the index rules out is not run, so its error would not be raised (as in OPA's
// evaluator), and the oracle would differ. input.s is always a string.
const safePrefixTest = fc.constantFrom(...PREFIXES).map((c) => `startswith(input.s, ${c})`);
const indexable = fc.tuple(fc.constantFrom(...REFS), constant, fc.constantFrom('==', '=', 'flip')).map(([r, c, op]) => (op === 'flip' ? `${c} == ${r}` : `${r} ${op} ${c}`));
const membership = fc.tuple(fc.constantFrom(...REFS), fc.uniqueArray(constant, { minLength: 1, maxLength: 3 }), fc.boolean()).map(([r, cs, set]) => (set ? `${r} in {${cs.join(', ')}}` : `${r} in [${cs.join(', ')}]`));
const condition = fc.oneof({ weight: 3, arbitrary: indexable }, { weight: 1, arbitrary: membership }, { weight: 1, arbitrary: safePrefixTest }, { weight: 1, arbitrary: fc.constantFrom(...OTHER) });
// A builtin error after the key's test (to_number of a non-numeric path): which definitions run,
// and in which order, shows in which error is raised first, or whether one is. Last in a body, so
// that a definition the index rules out would have stopped before it.
const mayFail = fc.constantFrom('to_number(input.path) >= 0', 'to_number(input.a) >= 0');
// Sometimes a failing test last: such a definition must keep its place among those of other keys.
const conditions = fc
  .tuple(fc.array(condition, { minLength: 1, maxLength: 3 }), fc.option(mayFail, { nil: undefined, freq: 5 }))
  .map(([when, fails]) => (fails ? [...when, fails] : when));
// Mostly one prefix test (on a key of any type), sometimes after an equality (which the index may
// pick instead), or an unindexable condition; at most one prefix test, and nothing that can fail
// before it (see safePrefixTest).
const prefixConditions = fc
  .tuple(
    fc.option(indexable, { nil: undefined, freq: 3 }),
    fc.oneof({ weight: 5, arbitrary: prefixTest }, { weight: 1, arbitrary: fc.constantFrom(...OTHER) }),
    fc.option(mayFail, { nil: undefined, freq: 4 }),
  )
  .map((parts) => parts.filter((p): p is string => p !== undefined));
// Mostly one value, so that early exit applies.
const prefixValue = fc.oneof({ weight: 3, arbitrary: fc.constant('true') }, { weight: 1, arbitrary: value });

interface Def {
  when: string[];
  value: string;
  otherwise?: { when: string[]; value: string };
}
const def: fc.Arbitrary<Def> = fc.record({
  when: conditions,
  value,
  otherwise: fc.oneof({ weight: 3, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.record({ when: conditions, value }) }),
});

function body(when: string[]): string {
  return `{\n\t${when.join('\n\t')}\n}`;
}

function complete(head: string, d: Def): string {
  const first = `${head} := ${d.value} if ${body(d.when)}`;
  return d.otherwise ? `${first} else := ${d.otherwise.value} if ${body(d.otherwise.when)}` : first;
}

export function randomIndexedPolicy(): fc.Arbitrary<string> {
  // Rule sets mostly of one value (early exit applies) or of differing values (conflicts).
  const sameValue = fc.tuple(fc.constantFrom('true', '"ok"'), fc.array(conditions, { minLength: 2, maxLength: 8 })).map(([v, ws]) => ws.map((when): Def => ({ when, value: v })));
  return fc
    .record({
      allow: sameValue,
      v: fc.array(def, { minLength: 2, maxLength: 8 }),
      withDefault: fc.boolean(),
      s: fc.array(fc.tuple(value, conditions), { minLength: 2, maxLength: 8 }),
      o: fc.array(fc.tuple(fc.constantFrom('"k1"', '"k2"', 'input.s'), value, conditions), { minLength: 2, maxLength: 6 }),
      f: fc.array(fc.tuple(constant, value, fc.option(conditions, { nil: undefined })), { minLength: 2, maxLength: 6 }),
      pv: fc.array(def.map((d): Def => ({ ...d, when: d.when.slice(0, 1) })), { minLength: 0, maxLength: 2 }),
      pvPrefix: fc.array(fc.tuple(prefixValue, prefixConditions), { minLength: 2, maxLength: 8 }),
      pe: fc.array(fc.tuple(fc.constantFrom(...PREFIXES), fc.boolean()), { minLength: 2, maxLength: 8 }),
      ps: fc.array(fc.tuple(value, prefixConditions), { minLength: 2, maxLength: 8 }),
      po: fc.array(fc.tuple(fc.constantFrom('"k1"', '"k2"'), value, prefixConditions), { minLength: 2, maxLength: 6 }),
      fp: fc.array(fc.tuple(fc.constantFrom(...PREFIXES), prefixValue, fc.constantFrom('true', 'input.n > 2'), fc.boolean()), { minLength: 2, maxLength: 6 }),
    })
    .map(({ allow, v, withDefault, s, o, f, pv, pvPrefix, pe, ps, po, fp }) => {
      const out = ['package p', ''];
      for (const d of allow) out.push(complete('allow', d));
      if (withDefault) out.push('default v := "default"');
      for (const d of v) out.push(complete('v', d));
      for (const [x, when] of s) out.push(`s contains ${x} if ${body(when)}`);
      for (const [k, x, when] of o) out.push(`o[${k}] := ${x} if ${body(when)}`);
      for (const [arg, x, when] of f) out.push(when ? `f(${arg}) := ${x} if ${body(when)}` : `f(${arg}) := ${x}`);
      out.push('fs := {[c, r] | some c in [1, 1.0, 2, -0.5, "1", "a", "b", "é", true, false, null, input.a]; r := f(c)}');
      // The index must read the replaced documents.
      out.push('w := [x, y] if {\n\tx := v with input.a as 1\n\ty := s with input.x.y as "a"\n}');
      out.push('wd := x if {\n\tx := o with data.d.k as "b"\n}');
      if (withDefault) out.push('default pv := "default"');
      for (const [x, when] of pvPrefix) out.push(`pv := ${x} if ${body(when)}`);
      for (const d of pv) out.push(complete('pv', d));
      // One value throughout: early exit, where running a later definition first could raise its error.
      for (const [prefix, fails] of pe) out.push(`pe if ${body([`startswith(input.path, ${prefix})`, ...(fails ? ['to_number(input.path) >= 0'] : [])])}`);
      for (const [x, when] of ps) out.push(`ps contains ${x} if ${body(when)}`);
      for (const [k, x, when] of po) out.push(`po[${k}] := ${x} if ${body(when)}`);
      // A prefix test, or a glob of the same prefix and a wildcard.
      for (const [prefix, x, when, glob] of fp) out.push(`fp(x) := ${x} if {\n\t${glob ? `glob.match(${prefix.slice(0, -1)}*", ["/"], x)` : `startswith(x, ${prefix})`}\n\t${when}\n}`);
      out.push('fps := {[c, r] | some c in ["", "a", "abd", "éab", "日本語", "日", 1, null, input.path]; r := fp(c)}');
      out.push('pw := [x, y] if {\n\tx := pv with input.path as "abc"\n\ty := ps with data.d.k as "éa"\n}');
      return out.join('\n');
    });
}

const scalar = fc.constantFrom<unknown>(1, 2, -0.5, '1', 'a', 'b', 'é', true, false, null, [1], { y: 1 });
// Strings the prefixes match, nest in, miss or cut short (a lone "a" against "ab"), multi-byte ones, and other types.
const path = fc.constantFrom<unknown>('', 'a', 'ab', 'abc', 'abd', 'b', 'ba', 'é', 'éa', 'éab', 'e', '日本語', '日', '1', 1, true, null, ['a'], { a: 1 });
/** Inputs whose fields are missing or hold a value of any type (JSON has no 1.0 apart from 1). */
export const randomIndexedInput = fc.record(
  { a: fc.oneof(scalar, path), b: scalar, x: fc.oneof(fc.record({ y: scalar }), scalar), n: fc.constantFrom(0, 3), s: fc.constantFrom('x1', 'y', 'k1', 'ab', 'éa', '日本語'), path },
  { requiredKeys: [] },
);
export const randomIndexedData = fc.record({ d: fc.record({ k: fc.oneof(scalar, path) }, { requiredKeys: [] }) }, { requiredKeys: [] });
