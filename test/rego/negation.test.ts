import test from 'ava';
import { evaluateRego as evaluate } from '../helpers/rego-eval.js';

// OPA evaluates a negated expression's call arguments, composite elements and dynamic ref keys
// before the negation (rewriteExprTerms, rewriteDynamicTerms): when one is undefined, so is the
// expression, and `not` does not make it true. In an authorization policy the difference is an
// allow where OPA denies.

const HOLDS = [{ result: true }];
const UNDEFINED: unknown[] = [];

test('a call with an undefined argument under `not` is undefined, not true', async (t) => {
  const fn = 'package t\nis_admin(x) if x == "admin"\np if not is_admin(input.role)\n';
  t.deepEqual(await evaluate(fn, 't/p', {}), UNDEFINED);
  t.deepEqual(await evaluate(fn, 't/p', { role: 'dev' }), HOLDS);
  t.deepEqual(await evaluate(fn, 't/p', { role: 'admin' }), UNDEFINED);
  const builtin = 'package t\np if not startswith(input.path, "/admin")\n';
  t.deepEqual(await evaluate(builtin, 't/p', {}), UNDEFINED);
  t.deepEqual(await evaluate(builtin, 't/p', { path: '/public' }), HOLDS);
});

test('`not x in coll` with an undefined collection is undefined', async (t) => {
  const src = 'package t\np if not "admin" in input.roles\n';
  t.deepEqual(await evaluate(src, 't/p', {}), UNDEFINED);
  t.deepEqual(await evaluate(src, 't/p', { roles: ['dev'] }), HOLDS);
  t.deepEqual(await evaluate(src, 't/p', { roles: ['admin'] }), UNDEFINED);
});

test('a ref key that is undefined makes the negated ref undefined; the ref itself may be', async (t) => {
  const src = 'package t\nallowed contains "a"\np if not allowed[input.spec.x]\nq if not data.grants[input.user]\nr if not input.missing\n';
  t.deepEqual(await evaluate(src, 't/p', {}), UNDEFINED);
  t.deepEqual(await evaluate(src, 't/p', { spec: { x: 'b' } }), HOLDS);
  t.deepEqual(await evaluate(src, 't/p', { spec: { x: 'a' } }), UNDEFINED);
  t.deepEqual(await evaluate(src, 't/q', {}, { grants: { alice: true } }), UNDEFINED);
  t.deepEqual(await evaluate(src, 't/q', { user: 'bob' }, { grants: { alice: true } }), HOLDS);
  t.deepEqual(await evaluate(src, 't/r', {}), HOLDS);
});

test('`==` is unification: its ref operands stay inside the negation; `!=` and `<` are calls', async (t) => {
  const src = `package t
eq if not input.missing == 1
both if not input.a == input.b
not_equal if not input.missing != 1
less if not input.missing < 1
elems if not [input.missing, 1] == [2, 1]
`;
  t.deepEqual(await evaluate(src, 't/eq', {}), HOLDS);
  t.deepEqual(await evaluate(src, 't/both', {}), HOLDS);
  t.deepEqual(await evaluate(src, 't/not_equal', {}), UNDEFINED);
  t.deepEqual(await evaluate(src, 't/less', {}), UNDEFINED);
  t.deepEqual(await evaluate(src, 't/elems', {}), UNDEFINED);
  t.deepEqual(await evaluate(src, 't/elems', { missing: 3 }), HOLDS);
});

test('nested calls run before the negation, under its `with` and in every and comprehension bodies', async (t) => {
  const src = `package t
nested if not lower(input.name) == "root"
withed if not startswith(input.path, "/a") with input as {"other": 1}
each if every x in input.xs { not startswith(x.name, "a") }
names := [x | some x in input.xs; not startswith(x.name, "a")]
`;
  t.deepEqual(await evaluate(src, 't/nested', {}), UNDEFINED);
  t.deepEqual(await evaluate(src, 't/nested', { name: 'Alice' }), HOLDS);
  t.deepEqual(await evaluate(src, 't/withed', { path: '/b' }), UNDEFINED);
  t.deepEqual(await evaluate(src, 't/each', { xs: [{ name: 'b' }, {}] }), UNDEFINED);
  t.deepEqual(await evaluate(src, 't/each', { xs: [{ name: 'b' }] }), HOLDS);
  t.deepEqual(await evaluate(src, 't/names', { xs: [{ name: 'b' }, {}, { name: 'ab' }] }), [{ result: [{ name: 'b' }] }]);
});

// OPA 1.x's opt-in (`import future.keywords.not`, also in `future.keywords` and `rego.v2`): the
// negated expression's operands are evaluated inside the negation, as a `not { … }` body would
// be, so an undefined one makes the negation hold — "the condition does not hold".
for (const imported of ['future.keywords.not', 'future.keywords', 'rego.v2']) {
  test(`with \`import ${imported}\`, an undefined operand makes the negation hold`, async (t) => {
    const src = `package t
import ${imported}
is_admin(x) if x == "admin"
allowed contains "a"
call if not is_admin(input.role)
sum if not input.x + input.y == 3
member if not "admin" in input.roles
key if not allowed[input.spec.x]
nested if not startswith(lower(input.name), "root")
withed if not startswith(input.path, "/a") with input as {"other": 1}
names := [x | some x in input.xs; not startswith(x.name, "a")]
`;
    for (const rule of ['call', 'sum', 'member', 'key', 'nested', 'withed']) t.deepEqual(await evaluate(src, `t/${rule}`, {}), HOLDS, rule);
    t.deepEqual(await evaluate(src, 't/call', { role: 'admin' }), UNDEFINED);
    t.deepEqual(await evaluate(src, 't/sum', { x: 1, y: 2 }), UNDEFINED);
    t.deepEqual(await evaluate(src, 't/sum', { x: 1, y: 1 }), HOLDS);
    t.deepEqual(await evaluate(src, 't/member', { roles: ['admin'] }), UNDEFINED);
    t.deepEqual(await evaluate(src, 't/key', { spec: { x: 'a' } }), UNDEFINED);
    t.deepEqual(await evaluate(src, 't/nested', { name: 'ROOT' }), UNDEFINED);
    t.deepEqual(await evaluate(src, 't/names', { xs: [{ name: 'b' }, {}, { name: 'ab' }] }), [{ result: [{ name: 'b' }, {}] }]);
  });
}

test('the opt-in is per module: a module without the import keeps the default', async (t) => {
  const modules = [
    { path: 'a.rego', source: 'package t\nimport future.keywords.not\nnew if not startswith(input.path, "/a")\n' },
    { path: 'b.rego', source: 'package t\nold if not startswith(input.path, "/a")\n' },
  ];
  t.deepEqual(await evaluate(modules, 't/new', {}), HOLDS);
  t.deepEqual(await evaluate(modules, 't/old', {}), UNDEFINED);
});
