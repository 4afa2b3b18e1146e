import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { loadPolicyFiles } from '../bundle/policy-files.js';
import { durationFlag } from './duration-flag.js';
import { parseModules } from '../rego/compile.js';
import { CompileError } from '../rego/errors.js';
import { benchmarkLine, benchmarkTests } from '../tester/benchmark.js';
import { CoverageRecorder, coverageJson, formatCoverage } from '../tester/coverage.js';
import { inProcessEvaluator } from '../tester/evaluation.js';
import { TesterError } from '../tester/errors.js';
import { explainFailures } from '../tester/explain-failure.js';
import { jsonResult, type JsonTestResult } from '../tester/report-json.js';
import { countResults, resultLines, summaryLine } from '../tester/report-text.js';
import { evaluateTests, prepareTests, runTests, type TestResult } from '../tester/run-tests.js';
import { watchFiles } from '../tester/watch-files.js';
import { OPA_EXIT, printCompileError, runCommand } from './output.js';
import { REGO_VERSION_OPTIONS, regoVersionOf } from './rego-version-flag.js';

export const TEST_USAGE =
  'warden test [PATH...] [-r|--run REGEX] [-v] [--format pretty|json] [--coverage] [--coverage-json FILE] [--threshold PERCENT] [--timeout DURATION] [--fail-on-empty] [--bench] [--watch] [-z|--ignore PATTERN...] [--strict-builtin-errors] [--v0]';

/** How long each test runs as a benchmark with `--bench` (Go's default `-benchtime`). */
const BENCH_BUDGET_MS = 1000;

const OPTIONS = {
  run: { type: 'string', short: 'r' },
  verbose: { type: 'boolean', short: 'v' },
  format: { type: 'string', default: 'pretty' },
  coverage: { type: 'boolean' },
  'coverage-json': { type: 'string' },
  threshold: { type: 'string' },
  timeout: { type: 'string' },
  'fail-on-empty': { type: 'boolean' },
  bench: { type: 'boolean' },
  watch: { type: 'boolean' },
  ignore: { type: 'string', short: 'z', multiple: true },
  'strict-builtin-errors': { type: 'boolean' },
  ...REGO_VERSION_OPTIONS,
} as const;

type TestFlags = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>['values'];

interface TestSettings {
  roots: string[];
  flags: TestFlags;
  regoVersion: 0 | 1;
  threshold?: number;
  timeoutMs?: number;
}

function settingsOf(argv: string[]): TestSettings {
  const { values: flags, positionals } = parseArgs({ args: argv, allowPositionals: true, options: OPTIONS });
  if (flags.format !== 'pretty' && flags.format !== 'json') throw new TesterError('tester_invalid_option', `unknown --format ${flags.format} (pretty or json)`);
  let threshold: number | undefined;
  if (flags.threshold !== undefined) {
    threshold = Number(flags.threshold);
    if (flags.threshold.trim() === '' || !Number.isFinite(threshold) || threshold < 0 || threshold > 100) throw new TesterError('tester_invalid_option', `--threshold must be a percentage from 0 to 100, not ${JSON.stringify(flags.threshold)}`);
  }
  const timeoutMs = flags.timeout === undefined ? undefined : durationFlag(flags.timeout, '--timeout');
  return { roots: positionals.length > 0 ? positionals : ['policies'], flags, regoVersion: regoVersionOf(flags), threshold, timeoutMs };
}

function out(lines: string[]): void {
  if (lines.length > 0) process.stdout.write(`${lines.join('\n')}\n`);
}

/** Each passing test as a benchmark (OPA's `--bench`): its line with ns/op; others as usual. */
async function benchmark(results: TestResult[], setup: Parameters<typeof inProcessEvaluator>[0], flags: TestFlags): Promise<JsonTestResult[]> {
  const { policy } = await inProcessEvaluator(setup);
  const benchmarks = benchmarkTests(results, policy, BENCH_BUDGET_MS);
  if (flags.format === 'json') return results.map((r, i) => jsonResult(r, benchmarks[i]));
  results.forEach((r, i) => out(benchmarks[i] ? [benchmarkLine(r, benchmarks[i]!)] : resultLines(r, flags.verbose ?? false)));
  return [];
}

/** One run of the tests: its exit code (OPA's: 0, 2 when a test fails or coverage is short, 1 when nothing can run). */
async function runOnce(s: TestSettings): Promise<number> {
  const { flags } = s;
  const files = loadPolicyFiles(s.roots, { allDataFiles: true, ignore: flags.ignore });
  const wantsCoverage = flags.coverage || flags['coverage-json'] !== undefined || s.threshold !== undefined;
  const coverage = wantsCoverage && !flags.bench ? new CoverageRecorder() : undefined;
  const options = { run: flags.run ? new RegExp(flags.run) : undefined, regoVersion: s.regoVersion, coverage, strictBuiltinErrors: flags['strict-builtin-errors'] ?? false };
  let results: TestResult[];
  let json: JsonTestResult[] = [];
  if (flags.bench) {
    const prepared = await prepareTests(files, options);
    const setup = prepared.wasm && { wasm: prepared.wasm, data: files.data };
    results = await evaluateTests(prepared, setup ? await inProcessEvaluator(setup) : undefined);
    if (setup) json = await benchmark(results, setup, flags);
  } else {
    results = await runTests(files, { ...options, timeoutMs: s.timeoutMs });
    if (flags.format === 'json') json = results.map((r) => jsonResult(r));
    else {
      const failing = flags.verbose ? results.filter((r) => r.outcome === 'fail' && !r.cases) : [];
      const explanations = await explainFailures(files, failing, s.regoVersion);
      for (const r of results) out(resultLines(r, flags.verbose ?? false, explanations.get(r.name)));
    }
  }
  if (flags['fail-on-empty'] && results.length === 0) {
    process.stderr.write('warden test: no tests found\n');
    return OPA_EXIT.error;
  }
  const counts = countResults(results);
  let exit: number = counts.failed > 0 ? OPA_EXIT.testsFailed : OPA_EXIT.ok;
  const report = coverage?.report(parseModules(files.modules, s.regoVersion).modules);
  if (flags.format === 'json') process.stdout.write(`${JSON.stringify(flags.coverage && report ? coverageJson(report) : json, null, 2)}\n`);
  else {
    if (flags.coverage && report) out([formatCoverage(report)]);
    out([summaryLine(counts)]);
  }
  if (flags['coverage-json'] && report) writeFileSync(flags['coverage-json'], `${JSON.stringify(coverageJson(report), null, 2)}\n`);
  if (report && s.threshold !== undefined && report.percent < s.threshold) {
    // OPA's words (cover.CoverageThresholdError), and its exit code.
    process.stderr.write(`Code coverage threshold not met: got ${report.percent.toFixed(2)} instead of ${s.threshold.toFixed(2)}\n`);
    exit = OPA_EXIT.testsFailed;
  }
  return exit;
}

/** A run in `--watch` mode: errors are printed and the watch goes on. */
async function runWatched(s: TestSettings): Promise<void> {
  try {
    await runOnce(s);
  } catch (e) {
    if (e instanceof CompileError) printCompileError(e);
    else process.stderr.write(`warden: ${(e as Error).message ?? String(e)}\n`);
  }
}

/** `--watch`: runs, then runs again after each change under the paths, until the process is stopped. */
async function watchTests(s: TestSettings): Promise<number> {
  let running = Promise.resolve();
  let again = false;
  const rerun = () => {
    if (again) return;
    again = true;
    running = running.then(async () => {
      again = false;
      process.stdout.write('\n');
      await runWatched(s);
      process.stdout.write('Watching for changes (Ctrl-C to stop)...\n');
    });
  };
  // Watching starts first: Node's recursive fs.watch on Linux sets itself up asynchronously, and a
  // change made while the first run goes on must still bring a second one.
  watchFiles(s.roots, rerun);
  await runWatched(s);
  process.stdout.write('Watching for changes (Ctrl-C to stop)...\n');
  return new Promise<number>(() => {});
}

/** `warden test`: runs every `test_*` rule as `opa test`; the last line is `N passed, M failed`. */
export function testCommand(argv: string[]): Promise<number> {
  return runCommand(async () => {
    const settings = settingsOf(argv);
    return settings.flags.watch ? watchTests(settings) : runOnce(settings);
  }, OPA_EXIT.error);
}
