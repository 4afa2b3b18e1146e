import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { loadPolicyFiles } from '../bundle/policy-files.js';
import { runTests } from '../tester/run-tests.js';
import { OPA_EXIT, runCommand } from './output.js';
import { REGO_VERSION_OPTIONS, regoVersionOf } from './rego-version-flag.js';
import { CoverageRecorder, coverageJson, formatCoverage } from '../tester/coverage.js';
import { explainFailure, formatExplanation } from '../tester/explain-failure.js';
import { parseModules } from '../rego/compile.js';

export const TEST_USAGE = 'warden test [PATH...] [--run REGEX] [-v] [--coverage] [--coverage-json FILE] [--strict-builtin-errors] [--v0]';

/** `warden test`: runs every `test_*` rule; the last line is `N passed, M failed`. */
export function testCommand(argv: string[]): Promise<number> {
  return runCommand(async () => {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        run: { type: 'string' },
        verbose: { type: 'boolean', short: 'v' },
        coverage: { type: 'boolean' },
        'coverage-json': { type: 'string' },
        'strict-builtin-errors': { type: 'boolean' },
        ...REGO_VERSION_OPTIONS,
      },
    });
    const files = loadPolicyFiles(positionals.length > 0 ? positionals : ['policies'], { allDataFiles: true });
    const regoVersion = regoVersionOf(values);
    const coverage = values.coverage || values['coverage-json'] ? new CoverageRecorder() : undefined;
    const results = await runTests(files, { run: values.run ? new RegExp(values.run) : undefined, regoVersion, coverage, strictBuiltinErrors: values['strict-builtin-errors'] ?? false });
    let passed = 0;
    for (const r of results) {
      if (r.passed) passed++;
      if (values.verbose) {
        process.stdout.write(`${r.passed ? 'PASS' : 'FAIL'}: ${r.name} (${r.durationMs.toFixed(2)} ms)${r.passed ? '' : ` at ${r.file}:${r.line}: ${r.reason}`}\n`);
        const why = r.passed ? undefined : await explainFailure(files, r, regoVersion);
        if (why) process.stdout.write(`${formatExplanation(why).join('\n')}\n`);
      }
      else if (!r.passed) process.stdout.write(`FAIL: ${r.name} at ${r.file}:${r.line}: ${r.reason}\n`);
    }
    if (coverage) {
      const report = coverage.report(parseModules(files.modules, regoVersion).modules);
      if (values.coverage) process.stdout.write(`${formatCoverage(report)}\n`);
      if (values['coverage-json']) writeFileSync(values['coverage-json'], `${JSON.stringify(coverageJson(report), null, 2)}\n`);
    }
    const failed = results.length - passed;
    process.stdout.write(`${passed} passed, ${failed} failed\n`);
    return failed > 0 ? OPA_EXIT.testsFailed : OPA_EXIT.ok;
  }, OPA_EXIT.error);
}
