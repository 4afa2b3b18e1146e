import fc from 'fast-check';

// Small generated policies for equivalence tests: rule sets whose bodies test the input and give
// constant or computed values (complete rules with else chains and defaults, partial sets and
// objects, functions, a rule under `with`), and inputs over the same few values, so that bodies
// hold, fail and conflict in every combination.

export const RANDOM_POLICY_ENTRYPOINTS = ['p/allow', 'p/fcall', 'p/s', 'p/o', 'p/w', 'p/each'];

const value = fc.constantFrom('true', 'true', '1', '"ok"', '"ok"', 'input.a', 'input.b', '{"k": 1}', 'count(input.s)');
const CONDITIONS = ['input.a == 1', 'input.a == 2', 'input.b == input.a', '1 == input.b', 'startswith(input.s, "x")', 'input.n > 2', 'not input.a == 3', 'input.missing == 1'];
/** A condition that fails evaluation (a builtin error) unless input.s is "1": it shows which bodies ran. */
const ERRORING = 'to_number(input.s) == 1';

interface RuleBody {
  when: string[];
  value: string;
  otherwise?: { when: string[]; value: string };
}


function block(when: string[]): string {
  return `{\n\t${when.join('\n\t')}\n}`;
}

function complete(head: string, b: RuleBody): string {
  const first = `${head} := ${b.value} if ${block(b.when)}`;
  return b.otherwise ? `${first} else := ${b.otherwise.value} if ${block(b.otherwise.when)}` : first;
}

/**
 * Policies over the rule sets; `erroring` adds a condition that raises a builtin error, for
 * comparisons where both sides run the same bodies (not early exit against running every body).
 */
export function randomPolicy(erroring = false): fc.Arbitrary<string> {
  const condition = fc.constantFrom(...CONDITIONS, ...(erroring ? [ERRORING] : []));
  const conditions = fc.array(condition, { minLength: 1, maxLength: 2 });
  const body = fc.record({ when: conditions, value, otherwise: fc.option(fc.record({ when: conditions, value }), { nil: undefined }) });
  // Rule sets whose bodies mostly share one constant, so early exit applies often.
  const bodies = fc.oneof(
    fc.array(body, { minLength: 1, maxLength: 5 }),
    fc.tuple(fc.constantFrom('true', '"ok"', '{"k": 1}'), fc.array(conditions, { minLength: 1, maxLength: 5 })).map(([v, ws]) => ws.map((when) => ({ when, value: v }))),
  );
  return fc.record({
    allow: bodies,
    withDefault: fc.boolean(),
    fn: bodies,
    set: fc.array(body, { minLength: 1, maxLength: 4 }),
    object: fc.array(fc.tuple(fc.constantFrom('"a"', '"b"', 'input.s'), body), { minLength: 1, maxLength: 4 }),
  })
  .map(({ allow, withDefault, fn, set, object }) => {
    const out = ['package p', ''];
    if (withDefault) out.push('default allow := false');
    for (const b of allow) out.push(complete('allow', b));
    for (const b of fn) out.push(complete('f(x)', { ...b, when: ['x == x', ...b.when] }));
    out.push('fcall := f(input.a)');
    for (const b of set) out.push(`s contains ${b.value} if ${block(b.when)}`);
    for (const [k, b] of object) out.push(`o[${k}] := ${b.value} if ${block(b.when)}`);
    out.push('w := x if {\n\tx := allow with input.a as 1 with input.n as 3\n}');
    out.push('each := [x | some v in [1, 2, 3]; x := f(v)]');
    return out.join('\n');
  });
}

export const randomInput = fc.record({
  a: fc.constantFrom(1, 2, 3),
  b: fc.constantFrom(1, 2, 3),
  s: fc.constantFrom('x1', 'y', 'xyz', '1'),
  n: fc.constantFrom(0, 3),
});

/** What an evaluation gave: its result set as JSON, or the error it threw. */
export function outcome(run: () => unknown): string {
  try {
    return JSON.stringify(run());
  } catch (e) {
    return `error: ${String(e instanceof Error ? e.message : e)}`;
  }
}
