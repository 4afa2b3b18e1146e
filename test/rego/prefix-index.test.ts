import test from 'ava';
import { loadPolicy } from '@open-policy-agent/opa-wasm';
import { compile, compileToPlan } from '../../src/rego/index.js';
import { hostBuiltins } from '../../src/builtins/index.js';
import type { Func } from '../../src/ir/types.js';
import { outcome } from '../helpers/random-rule-sets.js';
import { anchoredLiteral } from '../../src/rego/plan/rule-index.js';

interface Options {
  ruleIndex?: boolean;
  strictBuiltinErrors?: boolean;
}

async function load(source: string, entrypoints: string[], options: Options = {}) {
  const wasm = await compile({ modules: [{ path: 'p.rego', source }], entrypoints, ...options });
  return loadPolicy(wasm, undefined, hostBuiltins);
}

/** The rule's group function and the functions planned for it (leaves, parts). */
async function groupFuncs(source: string, rule: string, ruleIndex = true, entrypoint = rule): Promise<{ group: Func; parts: Func[] }> {
  const plan = await compileToPlan({ modules: [{ path: 'p.rego', source }], entrypoints: [`p/${entrypoint}`], ruleIndex });
  const funcs = plan.funcs!.funcs;
  return { group: funcs.find((f: Func) => f.name === `g0.data.p.${rule}`)!, parts: funcs.filter((f: Func) => f.name.startsWith(`g0.data.p.${rule}#`)) };
}

/** Whether the rule set dispatches on a prefix: only that dispatch asks whether its key is a string. */
async function prefixIndexed(source: string, rule: string, ruleIndex = true, entrypoint = rule): Promise<boolean> {
  return JSON.stringify((await groupFuncs(source, rule, ruleIndex, entrypoint)).group).includes('"func":"is_string"');
}

/** Every (entrypoint, input) outcome of the indexed module next to the unindexed one's. */
async function sameAsUnindexed(t: { is(a: string, b: string, m: string): void }, source: string, entrypoints: string[], inputs: unknown[], options: Options = {}) {
  const indexed = await load(source, entrypoints, options);
  const every = await load(source, entrypoints, { ...options, ruleIndex: false });
  for (const input of inputs) {
    for (const e of entrypoints) t.is(outcome(() => indexed.evaluate(input, e)), outcome(() => every.evaluate(input, e)), `${e} ${JSON.stringify(input)}`);
  }
}

// A definition that fails with a builtin error shows whether it ran (strict builtin errors).
const FAILS_IF_RUN = 'to_number("not a number") == 1';

test('only definitions whose prefix the key starts with run', async (t) => {
  const source = ['package p', 'allow if startswith(input.path, "/a/")', `allow if { startswith(input.path, "/b/"); ${FAILS_IF_RUN} }`, 'allow if startswith(input.path, "/c/")'].join('\n');
  t.true(await prefixIndexed(source, 'allow'));
  t.is((await groupFuncs(source, 'allow')).parts.length, 4, 'a leaf per definition and one running them all');
  const p = await load(source, ['p/allow']);
  t.deepEqual(p.evaluate({ path: '/a/x' }, 'p/allow'), [{ result: true }]);
  t.deepEqual(p.evaluate({ path: '/c/' }, 'p/allow'), [{ result: true }]);
  t.deepEqual(p.evaluate({ path: '/d/' }, 'p/allow'), []);
  t.deepEqual(p.evaluate({ path: '/a' }, 'p/allow'), [], 'a key shorter than the prefix');
  t.deepEqual(p.evaluate({}, 'p/allow'), [], 'an undefined key runs none');
  t.regex(outcome(() => p.evaluate({ path: '/b/x' }, 'p/allow')), /^error: eval_builtin_error: to_number/);
  t.false(await prefixIndexed(source, 'allow', false));
});

test('nested prefixes: every one the key starts with runs, in source order (early exit, errors)', async (t) => {
  // Source order "/a/b" then "/a": the first holds and the rule exits before the second fails.
  const longFirst = ['package p', 'allow if startswith(input.path, "/a/b")', `allow if { startswith(input.path, "/a"); ${FAILS_IF_RUN} }`].join('\n');
  // Source order "/a" then "/a/b": the first fails before the second is reached.
  const shortFirst = ['package p', `allow if { startswith(input.path, "/a"); ${FAILS_IF_RUN} }`, 'allow if startswith(input.path, "/a/b")'].join('\n');
  for (const source of [longFirst, shortFirst]) t.true(await prefixIndexed(source, 'allow'));
  t.deepEqual((await load(longFirst, ['p/allow'])).evaluate({ path: '/a/b/c' }, 'p/allow'), [{ result: true }]);
  const shortFirstPolicy = await load(shortFirst, ['p/allow']);
  t.regex(outcome(() => shortFirstPolicy.evaluate({ path: '/a/b/c' }, 'p/allow')), /^error: eval_builtin_error: to_number/);
  const inputs = ['/a/b/c', '/a/b', '/a/', '/a', '/', '', '/b'].map((path) => ({ path }));
  await sameAsUnindexed(t, longFirst, ['p/allow'], inputs);
  await sameAsUnindexed(t, shortFirst, ['p/allow'], inputs);
  const sets = [
    'package p',
    's contains "a" if startswith(input.path, "/a")',
    's contains "all" if startswith(input.path, "")',
    's contains "ab" if startswith(input.path, "/a/b")',
    's contains "x" if startswith(input.path, "/x")',
    'o["a"] := 1 if startswith(input.path, "/a")',
    'o["ab"] := 2 if startswith(input.path, "/a/b")',
  ].join('\n');
  const p = await load(sets, ['p/s', 'p/o']);
  t.deepEqual(p.evaluate({ path: '/a/b/c' }, 'p/s'), [{ result: ['a', 'ab', 'all'] }]);
  t.deepEqual(p.evaluate({ path: '/a/c' }, 'p/o'), [{ result: { a: 1 } }]);
  await sameAsUnindexed(t, sets, ['p/s', 'p/o'], inputs);
});

test('a key that is not a string runs every definition in order: the same builtin error, or undefined, as without the index', async (t) => {
  const source = [
    'package p',
    'default allow := false',
    // Fails before its prefix test for any key but 1: the next definition's error is the one raised.
    'allow if { input.n == 1; startswith(input.path, "/a") }',
    'allow if startswith(input.path, "/b")',
    'allow if startswith(input.path, "/c")',
    's contains "b" if startswith(input.path, "/b")',
    's contains "c" if startswith(input.path, "/c")',
  ].join('\n');
  t.true(await prefixIndexed(source, 'allow'));
  const inputs = [5, true, null, ['/b'], { b: 1 }].flatMap((path) => [{ path }, { path, n: 1 }]);
  for (const strictBuiltinErrors of [true, false]) await sameAsUnindexed(t, source, ['p/allow', 'p/s'], inputs, { strictBuiltinErrors });
  const strict = await load(source, ['p/allow', 'p/s']);
  t.regex(outcome(() => strict.evaluate({ path: 5 }, 'p/allow')), /^error: eval_type_error: startswith: operand 1 must be string but got number/);
  const lax = await load(source, ['p/allow', 'p/s'], { strictBuiltinErrors: false });
  t.deepEqual(lax.evaluate({ path: 5 }, 'p/allow'), [{ result: false }], 'every startswith undefined: the default');
  t.deepEqual(lax.evaluate({ path: ['/b'] }, 'p/s'), [{ result: [] }]);
});

test('multi-byte prefixes compare bytes, as startswith does', async (t) => {
  const prefixes = ['é', 'éa', 'e', '日本', '日', '\u{1F600}'];
  const source = ['package p', ...prefixes.map((c) => `s contains "${c}" if startswith(input.path, "${c}")`)].join('\n');
  t.true(await prefixIndexed(source, 's'));
  const p = await load(source, ['p/s']);
  t.deepEqual(p.evaluate({ path: 'éab' }, 'p/s'), [{ result: ['é', 'éa'] }]);
  t.deepEqual(p.evaluate({ path: 'e\u0301' }, 'p/s'), [{ result: ['e'] }], 'e and a combining accent is not é');
  t.deepEqual(p.evaluate({ path: '日本語' }, 'p/s'), [{ result: ['日', '日本'] }]);
  t.deepEqual(p.evaluate({ path: '日' }, 'p/s'), [{ result: ['日'] }], 'a key shorter than a prefix');
  const inputs = ['é', 'éa', 'e', 'ea', '日本語', '日', '本', '\u{1F600}!', '\u{1F601}', '', 'z'].map((path) => ({ path }));
  await sameAsUnindexed(t, source, ['p/s'], inputs);
});

test('the key with more distinct constants wins, equality or prefix; a tie goes to equality', async (t) => {
  const prefixes = ['package p', 'v := 1 if { input.m == "GET"; startswith(input.path, "/a") }', 'v := 2 if { input.m == "GET"; startswith(input.path, "/b") }'].join('\n');
  t.true(await prefixIndexed(prefixes, 'v'));
  const tie = ['package p', 'v := 1 if { input.m == "GET"; startswith(input.path, "/a") }', 'v := 2 if { input.m == "PUT"; startswith(input.path, "/b") }'].join('\n');
  t.false(await prefixIndexed(tie, 'v'));
  t.is((await groupFuncs(tie, 'v')).parts.length, 2, 'indexed on input.m');
  const inputs = [{ m: 'GET', path: '/a/x' }, { m: 'GET', path: '/b' }, { m: 'PUT', path: '/b' }, { m: 'PUT', path: 1 }, { m: 'GET', path: 1 }];
  await sameAsUnindexed(t, prefixes, ['p/v'], inputs);
  await sameAsUnindexed(t, tie, ['p/v'], inputs);
});

test('complete rules and functions: conflicts between nested prefixes, defaults, else chains run in place, with replacements', async (t) => {
  const source = [
    'package p',
    'default v := "none"',
    'v := 1 if startswith(input.path, "/a")',
    'v := 2 if startswith(input.path, "/a/b")',
    'v := 1 if startswith(input.path, "/c")',
    'v := 3 if startswith(input.path, "/d") else := 4 if input.path == "/x"',
    'v := 5 if startswith(input.path, "/e")',
    'f(x) := "a" if startswith(x, "/a")',
    'f(x) := "b" if startswith(x, "/b")',
    'fs := [f("/a/1"), f("/b/2")]',
    'w := [x, y] if { x := v with input.path as "/c/1"; y := v with input as {"path": "/e"} }',
  ].join('\n');
  t.true(await prefixIndexed(source, 'v'));
  t.true(await prefixIndexed(source, 'f', true, 'fs'));
  const p = await load(source, ['p/v', 'p/fs', 'p/w']);
  t.regex(outcome(() => p.evaluate({ path: '/a/b' }, 'p/v')), /^error: eval_conflict_error/);
  t.deepEqual(p.evaluate({ path: '/a/c' }, 'p/v'), [{ result: 1 }]);
  t.deepEqual(p.evaluate({ path: '/x' }, 'p/v'), [{ result: 4 }], 'the else branch of a definition the index does not hold');
  t.deepEqual(p.evaluate({ path: '/z' }, 'p/v'), [{ result: 'none' }]);
  t.deepEqual(p.evaluate({}, 'p/fs'), [{ result: ['a', 'b'] }]);
  t.deepEqual(p.evaluate({ path: '/a' }, 'p/w'), [{ result: [1, 5] }]);
  const inputs = ['/a/b', '/a/c', '/c', '/d', '/x', '/e', '/z', 7].map((path) => ({ path }));
  for (const strictBuiltinErrors of [true, false]) await sameAsUnindexed(t, source, ['p/v', 'p/fs', 'p/w'], inputs, { strictBuiltinErrors });
});

test('where with replaces startswith, every definition runs', async (t) => {
  const source = [
    'package p',
    'allow if startswith(input.path, "/a")',
    'allow if startswith(input.path, "/b")',
    'always(_, _) := true',
    'mocked := x if x := allow with startswith as always',
    'constant := x if x := allow with startswith as true',
    'plain := x if x := allow',
  ].join('\n');
  t.true(await prefixIndexed(source, 'allow'));
  const entrypoints = ['p/mocked', 'p/constant', 'p/plain'];
  const p = await load(source, entrypoints);
  t.deepEqual(p.evaluate({ path: '/z' }, 'p/mocked'), [{ result: true }]);
  t.deepEqual(p.evaluate({ path: '/z' }, 'p/constant'), [{ result: true }]);
  t.deepEqual(p.evaluate({ path: '/z' }, 'p/plain'), []);
  await sameAsUnindexed(t, source, entrypoints, [{ path: '/z' }, { path: '/a' }, { path: 1 }, {}]);
});

test('a run of hundreds of prefixes searches in functions of their own, with the results of the unindexed module', async (t) => {
  const rules = Array.from({ length: 300 }, (_, i) => `s contains ${i} if startswith(input.path, "/p${i}/")`);
  // Nested prefixes spread over the sorted constants.
  rules.push('s contains "p1" if startswith(input.path, "/p1")', 's contains "root" if startswith(input.path, "/")', 's contains "p29" if startswith(input.path, "/p29")');
  const source = ['package p', ...rules].join('\n');
  const { parts } = await groupFuncs(source, 's');
  t.true(parts.length > 303 + 1, `${parts.length} functions: leaves, the every-definition one and search parts`);
  const inputs = ['/p0/', '/p1/x', '/p10/', '/p1', '/p29/a', '/p299/', '/p300/', '/q', '/', '', 'p1', 3].map((path) => ({ path }));
  await sameAsUnindexed(t, source, ['p/s'], inputs);
  const p = await load(source, ['p/s']);
  t.deepEqual(p.evaluate({ path: '/p29/a' }, 'p/s'), [{ result: [29, 'p29', 'root'] }]);
  t.deepEqual(p.evaluate({ path: '/p1/x' }, 'p/s'), [{ result: [1, 'p1', 'root'] }]);
});

test('not indexed: long chains of nested prefixes, prefixes that are not string constants or hold lone surrogates, negated tests', async (t) => {
  const nested = ['package p', ...Array.from({ length: 40 }, (_, i) => `allow if startswith(input.path, "${'a'.repeat(i + 1)}")`)].join('\n');
  t.false(await prefixIndexed(nested, 'allow'), '40 nested prefixes would call 11,480 leaves');
  const computed = ['package p', 'allow if startswith(input.path, input.a)', 'allow if startswith(input.path, input.b)'].join('\n');
  t.false(await prefixIndexed(computed, 'allow'));
  const negated = ['package p', 'allow if not startswith(input.path, "/a")', 'allow if not startswith(input.path, "/b")'].join('\n');
  t.false(await prefixIndexed(negated, 'allow'));
  // A lone surrogate has no UTF-8 bytes to compare.
  const surrogates = ['package p', 'allow if startswith(input.path, "\\ud800")', 'allow if startswith(input.path, "\\udc00")'].join('\n');
  t.false(await prefixIndexed(surrogates, 'allow'));
  t.true(await prefixIndexed(surrogates.replace('\\ud800', 'x').replace('\\udc00', 'y'), 'allow'), 'the same rules with other prefixes are');
  const flipped = ['package p', 'allow if startswith("/a/b", input.path)', 'allow if startswith("/c/d", input.path)'].join('\n');
  t.false(await prefixIndexed(flipped, 'allow'), 'the constant is the string, not the prefix');
  await sameAsUnindexed(t, nested, ['p/allow'], [{ path: 'aaa' }, { path: 'b' }]);
});

test('glob.match with a constant pattern is indexed on the text before its first wildcard', async (t) => {
  const source = [
    'package p',
    'allow if glob.match("/api/v1/orders/*", ["/"], input.path)',
    `allow if { glob.match("/api/v1/users/**", ["/"], input.path); ${FAILS_IF_RUN} }`,
    'allow if glob.match("/health", null, input.path)',
    'allow if glob.match("/api/v?/status", [], input.path)',
    // Nothing before the wildcard: run whatever the key, in place.
    'allow if glob.match("*.internal", ["."], input.path)',
  ].join('\n');
  t.true(await prefixIndexed(source, 'allow'));
  const p = await load(source, ['p/allow']);
  t.deepEqual(p.evaluate({ path: '/api/v1/orders/42' }, 'p/allow'), [{ result: true }]);
  t.deepEqual(p.evaluate({ path: '/api/v1/orders/42/items' }, 'p/allow'), [], '* stops at a delimiter');
  t.deepEqual(p.evaluate({ path: '/health' }, 'p/allow'), [{ result: true }]);
  t.deepEqual(p.evaluate({ path: '/api/v2/status' }, 'p/allow'), [{ result: true }]);
  t.deepEqual(p.evaluate({ path: 'db.internal' }, 'p/allow'), [{ result: true }]);
  t.deepEqual(p.evaluate({ path: '/api/v1/order' }, 'p/allow'), []);
  t.regex(outcome(() => p.evaluate({ path: '/api/v1/users/a/b' }, 'p/allow')), /^error: eval_builtin_error: to_number/, 'the definition whose prefix matches runs');
  // A definition failing before its glob shows whether it ran: only where its prefix matches.
  const failsFirst = source.replace('package p', `package p\nallow if { ${FAILS_IF_RUN}; glob.match("/admin/*", ["/"], input.path) }`);
  const indexed = await load(failsFirst, ['p/allow']);
  t.deepEqual(indexed.evaluate({ path: '/api/v1/orders/1' }, 'p/allow'), [{ result: true }]);
  t.regex(outcome(() => indexed.evaluate({ path: '/admin/x' }, 'p/allow')), /^error: eval_builtin_error: to_number/);
  const every = await load(failsFirst, ['p/allow'], { ruleIndex: false });
  t.regex(outcome(() => every.evaluate({ path: '/api/v1/orders/1' }, 'p/allow')), /^error: eval_builtin_error: to_number/, 'unindexed, it runs for every path');
  const inputs = ['/api/v1/orders/1', '/api/v1/orders/', '/api/v1/users/x', '/api/v1/users', '/health', '/healthz', '/api/v3/status', 'a.internal', '', 7, null].map((path) => ({ path }));
  await sameAsUnindexed(t, source, ['p/allow'], inputs, { strictBuiltinErrors: false });
  await sameAsUnindexed(t, source, ['p/allow'], [{ path: '/api/v1/orders/1' }, { path: 7 }, {}]);
});

test('not indexed on glob.match: patterns with escapes, ranges or alternatives, delimiters it may refuse, a replaced glob.match', async (t) => {
  const rules = (pattern: string, delimiters = '["/"]') => ['package p', `allow if glob.match(${pattern}, ${delimiters}, input.path)`, `allow if glob.match("/b/*", ${delimiters}, input.path)`].join('\n');
  t.true(await prefixIndexed(rules('"/a/*"'), 'allow'));
  for (const pattern of ['"/a/[xy]"', '"/a/{x,y}"', '`/a/\\*`', '"/a/["']) {
    const source = rules(pattern);
    // Left with one indexable definition, the rule set is not indexed at all.
    t.false(await prefixIndexed(source, 'allow'), pattern);
    await sameAsUnindexed(t, source, ['p/allow'], ['/a/x', '/a/[', '/b/x', 1].map((path) => ({ path })), { strictBuiltinErrors: true });
  }
  // A delimiter of two characters is an error glob.match raises for every value.
  const refused = rules('"/a/*"', '["ab"]');
  t.false(await prefixIndexed(refused, 'allow'));
  await sameAsUnindexed(t, refused, ['p/allow'], [{ path: '/a/x' }, { path: '/c' }]);
  const mocked = [...rules('"/a/*"').split('\n'), 'always(_, _, _) := true', 'm := x if x := allow with glob.match as always'].join('\n');
  const p = await load(mocked, ['p/m']);
  t.deepEqual(p.evaluate({ path: '/z' }, 'p/m'), [{ result: true }], 'every definition runs where glob.match is replaced');
});

test('regex.match with a pattern anchored at the start is indexed on the literal text it opens with', async (t) => {
  const source = [
    'package p',
    `allow if { ${FAILS_IF_RUN}; regex.match("^/admin/", input.path) }`,
    'allow if regex.match("^/api/v1/users/[0-9]+$", input.path)',
    'allow if regex.match(`^/api/v1/files\\.d/`, input.path)',
    'allow if regex.match("^/api/v2/ab*c$", input.path)',
  ].join('\n');
  t.true(await prefixIndexed(source, 'allow'));
  const p = await load(source, ['p/allow']);
  t.deepEqual(p.evaluate({ path: '/api/v1/users/42' }, 'p/allow'), [{ result: true }], 'the failing definition is left out');
  t.deepEqual(p.evaluate({ path: '/api/v1/files.d/x' }, 'p/allow'), [{ result: true }]);
  t.deepEqual(p.evaluate({ path: '/api/v2/ac' }, 'p/allow'), [{ result: true }], 'b* may be empty: the prefix stops before it');
  t.deepEqual(p.evaluate({ path: '/api/v1/users/x' }, 'p/allow'), []);
  t.regex(outcome(() => p.evaluate({ path: '/admin/x' }, 'p/allow')), /^error: eval_builtin_error: to_number/);
  const every = await load(source, ['p/allow'], { ruleIndex: false });
  t.regex(outcome(() => every.evaluate({ path: '/api/v1/users/42' }, 'p/allow')), /^error: eval_builtin_error: to_number/, 'unindexed, it runs for every path');
  const plain = source.replace(/\n.*to_number.*\n/, '\n');
  const inputs = ['/api/v1/users/42', '/api/v1/users/', '/api/v1/filesXd/x', '/api/v1/files.d/', '/api/v2/abbbc', '/api/v2/ac', '/api/v2/a', '', 7, null].map((path) => ({ path }));
  await sameAsUnindexed(t, plain, ['p/allow'], inputs);
});

test('not indexed on regex.match: alternation, flags or anything before the anchor, no anchor, a pattern that does not compile', async (t) => {
  const rules = (pattern: string) => ['package p', `allow if regex.match(${pattern}, input.path)`, 'allow if regex.match("^/b/", input.path)'].join('\n');
  t.true(await prefixIndexed(rules('"^/a/"'), 'allow'));
  for (const pattern of ['"^/a/|^/c/"', '"(?i)^/a/"', '"(?m)^/a/"', '"/a/"', '"^/a/("', '"^\\\\d"', '"^*"']) {
    const source = rules(pattern);
    t.false(await prefixIndexed(source, 'allow'), pattern);
    await sameAsUnindexed(t, source, ['p/allow'], ['/a/x', '/A/x', 'x\n/a/', '/b/x', '1', 1].map((path) => ({ path })), { strictBuiltinErrors: true });
  }
  const mocked = [...rules('"^/a/"').split('\n'), 'always(_, _) := true', 'm := x if x := allow with regex.match as always'].join('\n');
  const p = await load(mocked, ['p/m']);
  t.deepEqual(p.evaluate({ path: '/z' }, 'p/m'), [{ result: true }], 'every definition runs where regex.match is replaced');
});

test('the literal text an anchored pattern opens with', (t) => {
  const cases: Array<[string, string | undefined]> = [
    ['^/api/v1/users/[0-9]+$', '/api/v1/users/'],
    ['^abc', 'abc'],
    ['^ab*', 'a'],
    ['^ab?', 'a'],
    ['^a{2}', undefined],
    ['^a\\.b', 'a.b'],
    ['^a\\-b\\/c', 'a-b/c'],
    ['^a\\\\b', 'a\\b'],
    ['^a\\d', 'a'],
    ['^a\\b', 'a'],
    ['^é日', 'é日'],
    ['^a b#c', 'a b#c'],
    ['^a(b)', 'a'],
    ['^a|b', undefined],
    ['^a[|]', undefined],
    ['a', undefined],
    ['(?i)^a', undefined],
    ['^', undefined],
    ['^*', undefined],
    ['^\\Qx\\E', undefined],
  ];
  for (const [pattern, text] of cases) t.is(anchoredLiteral(pattern), text, pattern);
});
