import test from 'ava';
import { loadPolicy } from '@open-policy-agent/opa-wasm';
import { compile, parseModules } from '../../src/rego/index.js';
import { hostBuiltins } from '../../src/builtins/index.js';
import { CoverageRecorder, coverageJson, formatCoverage, lineRanges } from '../../src/tester/coverage.js';

const source = `package t
allow if {
  input.a == 1
  input.b == 2
}
allow if {
  input.c
}
default d := 0
d := 1 if input.z
never if {
  input.q
}
`;

async function run(inputs: object[]) {
  const modules = [{ path: 't.rego', source }];
  const wasm = await compile({ modules, entrypoints: ['t/allow', 't/d'], coverage: true });
  const recorder = new CoverageRecorder();
  const policy = await loadPolicy(wasm, undefined, { ...hostBuiltins, ...recorder.builtins() });
  for (const input of inputs) {
    policy.evaluate(input, 't/allow');
    policy.evaluate(input, 't/d');
  }
  return recorder.report(parseModules(modules).modules);
}

test('lines reached are covered; heads count only when their body succeeds', async (t) => {
  const report = await run([{ a: 1, b: 3 }]);
  const [file] = report.files;
  t.is(file!.file, 't.rego');
  t.deepEqual(file!.covered, [3, 4, 7, 9, 10]);
  t.deepEqual(file!.notCovered, [2, 6, 11, 12]);
  t.is(report.percent, 55.6);
});

test('coverage adds up over evaluations', async (t) => {
  const report = await run([{ a: 1, b: 2 }, { c: true, z: true }]);
  t.deepEqual(report.files[0]!.notCovered, [11, 12]);
  t.regex(formatCoverage(report), /^t\.rego: 77\.8% \(7\/9 lines\)  not covered: 11-12$/m);
  const json = coverageJson(report) as { files: Record<string, { not_covered: unknown }> };
  t.deepEqual(json.files['t.rego']!.not_covered, [{ start: { row: 11 }, end: { row: 12 } }]);
});

test('a build without coverage calls no coverage builtin', async (t) => {
  const wasm = await compile({ modules: [{ path: 't.rego', source }], entrypoints: ['t/allow'] });
  const policy = await loadPolicy(wasm, undefined, hostBuiltins);
  t.deepEqual(policy.evaluate({ a: 1, b: 2 }, 't/allow'), [{ result: true }]);
  t.is(lineRanges([1, 2, 3, 5, 7, 8]), '1-3, 5, 7-8');
});
