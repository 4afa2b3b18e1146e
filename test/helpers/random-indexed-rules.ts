import fc from 'fast-check';

// Generated policies for the rule index's equivalence tests: rule sets whose definitions compare
// refs into input and base data (and function arguments) to constants of several types, mixed
// with definitions the index cannot use, else chains, defaults, `with` replacements and
// conflicting values; and inputs that match, miss, lack or mistype those refs.

export const INDEXED_POLICY_ENTRYPOINTS = ['p/allow', 'p/v', 'p/s', 'p/o', 'p/fs', 'p/w', 'p/wd'];

/** Constants of every scalar type, with numbers Rego equality makes equal (1, 1.0, 1e0) and a string that looks like one. */
const CONSTANTS = ['1', '1.0', '1e0', '2', '-0.5', '"1"', '"a"', '"b"', '"é"', 'true', 'false', 'null'];
const REFS = ['input.a', 'input.b', 'input.x.y', 'data.d.k'];
const OTHER = ['input.n > 2', 'startswith(input.s, "x")', 'not input.a == 2', 'input.a == input.b', 'true'];

const constant = fc.constantFrom(...CONSTANTS);
const indexable = fc.tuple(fc.constantFrom(...REFS), constant, fc.constantFrom('==', '=', 'flip')).map(([r, c, op]) => (op === 'flip' ? `${c} == ${r}` : `${r} ${op} ${c}`));
const membership = fc.tuple(fc.constantFrom(...REFS), fc.uniqueArray(constant, { minLength: 1, maxLength: 3 }), fc.boolean()).map(([r, cs, set]) => (set ? `${r} in {${cs.join(', ')}}` : `${r} in [${cs.join(', ')}]`));
const condition = fc.oneof({ weight: 3, arbitrary: indexable }, { weight: 1, arbitrary: membership }, { weight: 1, arbitrary: fc.constantFrom(...OTHER) });
const conditions = fc.array(condition, { minLength: 1, maxLength: 3 });
const value = fc.constantFrom('true', '"v1"', '"v2"', '1', 'input.a');

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
    })
    .map(({ allow, v, withDefault, s, o, f }) => {
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
      return out.join('\n');
    });
}

const scalar = fc.constantFrom<unknown>(1, 2, -0.5, '1', 'a', 'b', 'é', true, false, null, [1], { y: 1 });
/** Inputs whose fields are missing or hold a value of any type (JSON has no 1.0 apart from 1). */
export const randomIndexedInput = fc.record(
  { a: scalar, b: scalar, x: fc.oneof(fc.record({ y: scalar }), scalar), n: fc.constantFrom(0, 3), s: fc.constantFrom('x1', 'y', 'k1') },
  { requiredKeys: [] },
);
export const randomIndexedData = fc.record({ d: fc.record({ k: scalar }, { requiredKeys: [] }) }, { requiredKeys: [] });
