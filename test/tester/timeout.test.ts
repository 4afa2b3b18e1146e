import test from 'ava';
import { CoverageRecorder } from '../../src/tester/coverage.js';
import { runTests } from '../../src/tester/run-tests.js';
import { parseModules } from '../../src/rego/compile.js';

// A billion iterations that allocate nothing: it would run for hours, so only the timeout ends it.
const source = `package p
test_a_fast if true
test_b_runaway if {
	n := numbers.range(1, 1000)
	count([1 | some a in n; some b in n; some c in n; a + b + c == -1]) == 0
}
test_c_after if {
	x := 1
	x == 1
}
`;

test('--timeout: a test running past it is an error naming the timeout, and the tests after it still run', async (t) => {
  const results = await runTests({ modules: [{ path: 'p_test.rego', source }], data: {} }, { timeoutMs: 500 });
  t.deepEqual(
    results.map((r) => [r.name, r.outcome]),
    [
      ['data.p.test_a_fast', 'pass'],
      ['data.p.test_b_runaway', 'error'],
      ['data.p.test_c_after', 'pass'],
    ],
  );
  t.regex(results[1]!.reason!, /timed out after 500 ms/);
});

test('with a timeout (tests on a worker thread), coverage marks still reach the recorder', async (t) => {
  const src = 'package p\nallow if input.x == 1\ntest_allow if allow with input as {"x": 1}\n';
  const modules = [{ path: 'p_test.rego', source: src }];
  const coverage = new CoverageRecorder();
  const results = await runTests({ modules, data: {} }, { timeoutMs: 60_000, coverage });
  t.true(results[0]!.passed);
  const report = coverage.report(parseModules(modules).modules);
  t.deepEqual(report.files[0]!.notCovered, []);
  t.true(report.covered >= 2);
});
