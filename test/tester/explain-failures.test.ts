import test from 'ava';
import { explainFailures } from '../../src/tester/explain-failure.js';
import { runTests } from '../../src/tester/run-tests.js';

const policy = (pkg: string, limit: number) => `package ${pkg}
allow if input.n < ${limit}
`;

const tests = (pkg: string) => `package ${pkg}_test
import data.${pkg}
test_small if {
	n := 5
	${pkg}.allow with input as {"n": n}
}
test_big if {
	m := 50
	${pkg}.allow with input as {"n": m}
}
`;

test('failures of several packages, explained from one shared compile, each with its own expression and values', async (t) => {
  const files = {
    modules: [
      { path: 'a.rego', source: policy('a', 3) },
      { path: 'a_test.rego', source: tests('a') },
      { path: 'b.rego', source: policy('b', 10) },
      { path: 'b_test.rego', source: tests('b') },
    ],
    data: {},
  };
  const failing = (await runTests(files)).filter((r) => !r.passed);
  t.deepEqual(failing.map((r) => r.name), ['data.a_test.test_big', 'data.a_test.test_small', 'data.b_test.test_big']);
  const why = await explainFailures(files, failing);
  t.deepEqual(why.get('data.a_test.test_small'), {
    where: 'a_test.rego:5',
    expression: 'a.allow with input as {"n": n}',
    operands: [{ text: 'a.allow', value: 'undefined' }],
    bindings: [{ name: 'n', value: '5' }],
  });
  t.is(why.get('data.a_test.test_big')?.bindings[0]?.value, '50');
  t.is(why.get('data.b_test.test_big')?.where, 'b_test.rego:9');
  t.is(why.get('data.b_test.test_big')?.operands[0]?.text, 'b.allow');
});

test('a test whose probes do not compile loses only its own explanation, not the others\'', async (t) => {
  const files = {
    modules: [
      { path: 'a.rego', source: policy('a', 3) },
      { path: 'a_test.rego', source: tests('a') },
      // The probes hold an operand's value in \`__v\`: a body that assigns \`__v\` itself makes its probes assign it twice.
      { path: 'odd_test.rego', source: 'package odd_test\ntest_odd if {\n\t__v := 5\n\t__v == 6\n}\n' },
    ],
    data: {},
  };
  const failing = (await runTests(files)).filter((r) => !r.passed);
  t.deepEqual(failing.map((r) => r.name), ['data.a_test.test_big', 'data.a_test.test_small', 'data.odd_test.test_odd']);
  const why = await explainFailures(files, failing);
  t.deepEqual([...why.keys()].sort(), ['data.a_test.test_big', 'data.a_test.test_small']);
});
