import { parseArgs } from 'node:util';
import { loadPolicyFiles } from '../bundle/policy-files.js';
import { runTests } from '../tester/run-tests.js';
import { EXIT, runCommand } from './output.js';

export const TEST_USAGE = 'warden test [PATH...] [--run REGEX] [-v] [--v0]';

/** `warden test`: runs every `test_*` rule; the last line is `N passed, M failed`. */
export function testCommand(argv: string[]): Promise<number> {
  return runCommand(async () => {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { run: { type: 'string' }, verbose: { type: 'boolean', short: 'v' }, v0: { type: 'boolean' }, coverage: { type: 'boolean' } },
    });
    if (values.coverage) {
      process.stderr.write('warden test: --coverage is not built yet\n');
      return EXIT.invalid;
    }
    const files = loadPolicyFiles(positionals.length > 0 ? positionals : ['policies']);
    const results = await runTests(files, { run: values.run ? new RegExp(values.run) : undefined, regoVersion: values.v0 ? 0 : 1 });
    let passed = 0;
    for (const r of results) {
      if (r.passed) passed++;
      if (values.verbose) process.stdout.write(`${r.passed ? 'PASS' : 'FAIL'}: ${r.name} (${r.durationMs.toFixed(2)} ms)${r.passed ? '' : ` — ${r.reason}`}\n`);
      else if (!r.passed) process.stdout.write(`FAIL: ${r.name} at ${r.file}:${r.line}: ${r.reason}\n`);
    }
    const failed = results.length - passed;
    process.stdout.write(`${passed} passed, ${failed} failed\n`);
    return failed > 0 ? EXIT.failed : EXIT.ok;
  });
}
