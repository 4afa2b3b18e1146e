import test from 'ava';
import { runTests, type TestResult } from '../../src/tester/run-tests.js';
import { countResults } from '../../src/tester/report-text.js';

const cases = `cases := [
	{"note": "one", "in": 1, "want": 2},
	{"note": "two", "in": 2, "want": 5},
	{"note": "three", "in": 3, "want": 4},
]
`;

function run(source: string, regoVersion: 0 | 1 = 1): Promise<TestResult[]> {
  return runTests({ modules: [{ path: 'p_test.rego', source }], data: {} }, { regoVersion });
}

function byName(results: TestResult[], name: string): TestResult {
  const r = results.find((x) => x.name === name);
  if (!r) throw new Error(`no result for ${name} in ${results.map((x) => x.name).join(', ')}`);
  return r;
}

test('a partial object test is one result per key; a key whose body failed after binding it is named as failing', async (t) => {
  const results = await run(`package p
${cases}
test_cases[c.note] if {
	some c in cases
	c.in + 1 == c.want
}
`);
  const r = byName(results, 'data.p.test_cases');
  t.is(r.outcome, 'fail');
  t.deepEqual(r.cases, [
    { path: ['one'], passed: true },
    { path: ['three'], passed: true },
    { path: ['two'], passed: false },
  ]);
  t.is(r.reason, '1 of 3 cases failed');
  t.deepEqual(countResults(results), { passed: 2, failed: 1, skipped: 0 });
});

test('a parameterized test whose cases all hold passes, each case counted', async (t) => {
  const results = await run(`package p
test_double[name] if {
	some name, c in {"small": [1, 2], "big": [50, 100]}
	c[0] * 2 == c[1]
}
`);
  const r = byName(results, 'data.p.test_double');
  t.is(r.outcome, 'pass');
  t.deepEqual(r.cases?.map((c) => c.path[0]), ['big', 'small']);
  t.deepEqual(countResults(results), { passed: 2, failed: 0, skipped: 0 });
});

test('a partial set test (`contains`) is one result per member; members whose body failed are named', async (t) => {
  const results = await run(`package p
${cases}
test_notes contains c.note if {
	some c in cases
	c.in + 1 == c.want
}
`);
  const r = byName(results, 'data.p.test_notes');
  t.is(r.outcome, 'fail');
  t.deepEqual(r.cases?.filter((c) => !c.passed).map((c) => c.path), [['two']]);
  t.is(r.cases?.length, 3);
});

test('keys on two levels are two levels of cases; non-string keys shown as JSON', async (t) => {
  const results = await run(`package p
test_grid[x][y] if {
	some x in ["a", "b"]
	some y in [1, 2]
	[x, y] != ["b", 2]
}
`);
  const r = byName(results, 'data.p.test_grid');
  t.deepEqual(r.cases, [
    { path: ['a', '1'], passed: true },
    { path: ['a', '2'], passed: true },
    { path: ['b', '1'], passed: true },
    { path: ['b', '2'], passed: false },
  ]);
});

test('constant keys of a ref head: a false or undefined case fails by name, not silently', async (t) => {
  const results = await run(`package p
test_group.one if true
test_group.two if false
test_group.three := 7
`);
  const r = byName(results, 'data.p.test_group');
  t.is(r.outcome, 'fail');
  t.deepEqual(r.cases, [
    { path: ['one'], passed: true },
    { path: ['three'], passed: false },
    { path: ['two'], passed: false },
  ]);
});

test('a test named deeper in a ref head (a.test_x) runs under its full name', async (t) => {
  const results = await run('package p\na.test_nested if true\nb.test_broken if false\n');
  t.is(byName(results, 'data.p.a.test_nested').outcome, 'pass');
  t.is(byName(results, 'data.p.b.test_broken').outcome, 'fail');
});

test('every rule whose name starts with test_ is run or reported: todo_test_ skipped, a test_ function an error', async (t) => {
  const source = `package p
test_plain if true
test_cases[k] if some k in ["x"]
todo_test_later if false
test_fn(x) if x
a.test_ref if true
`;
  const results = await run(source);
  t.deepEqual(
    results.map((r) => [r.name, r.outcome]),
    [
      ['data.p.a.test_ref', 'pass'],
      ['data.p.test_cases', 'pass'],
      ['data.p.test_fn', 'error'],
      ['data.p.test_plain', 'pass'],
      ['data.p.todo_test_later', 'skip'],
    ],
  );
  t.regex(byName(results, 'data.p.test_fn').reason!, /cannot take arguments/);
  t.deepEqual(countResults(results), { passed: 3, failed: 1, skipped: 1 });
});

test('a parameterized test that produces nothing and has no cases fails as undefined', async (t) => {
  const results = await run('package p\ntest_none[k] if {\n\tsome k in ["a"]\n\tk == "b"\n}\n');
  const r = byName(results, 'data.p.test_none');
  t.is(r.outcome, 'fail');
  // "a" was bound before the body failed, so it is the failing case.
  t.deepEqual(r.cases, [{ path: ['a'], passed: false }]);
});

test('v0 syntax: test_x[k] { … } is a partial set, probed in v0 syntax', async (t) => {
  const results = await run(`package p
test_members[c] {
	c := ["a", "b"][_]
	c != "b"
}
`, 0);
  const r = byName(results, 'data.p.test_members');
  t.deepEqual(r.cases, [
    { path: ['a'], passed: true },
    { path: ['b'], passed: false },
  ]);
});

test('definitions of one parameterized test in two files are one test, all their cases', async (t) => {
  const results = await runTests({
    modules: [
      { path: 'a_test.rego', source: 'package p\ntest_cases["a"] if true\n' },
      { path: 'b_test.rego', source: 'package p\ntest_cases[k] if {\n\tsome k in ["b", "c"]\n\tk == "b"\n}\n' },
    ],
    data: {},
  });
  t.is(results.length, 1);
  t.deepEqual(results[0]!.cases, [
    { path: ['a'], passed: true },
    { path: ['b'], passed: true },
    { path: ['c'], passed: false },
  ]);
});
