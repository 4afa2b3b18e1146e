import type { PolicyFiles } from '../bundle/policy-files.js';
import { compile, parseModules, renameDuplicateTests } from '../rego/compile.js';
import { caseProbes } from './case-probes.js';
import { caseResults, type CaseResult } from './case-results.js';
import type { CoverageRecorder } from './coverage.js';
import { inProcessEvaluator, type Evaluation, type TestEvaluator } from './evaluation.js';
import { discoverTests, type DiscoveredTest, type TestCase } from './find-tests.js';
import { ruleNamesOf } from './probe-source.js';
import { workerEvaluator } from './worker-evaluator.js';

export { describeThrown } from './evaluation.js';
export { findTests, type TestCase, type TestKind } from './find-tests.js';

/** How a test ended, as OPA's runner tells them apart. */
export type TestOutcome = 'pass' | 'fail' | 'error' | 'skip';

export interface TestResult extends TestCase {
  outcome: TestOutcome;
  /** `outcome === 'pass'`. */
  passed: boolean;
  /** Why it did not pass: undefined, a value other than true, failing cases, an error, a timeout. */
  reason?: string;
  /** A parameterized test's cases, in key order. */
  cases?: CaseResult[];
  durationMs: number;
}

export interface RunTestsOptions {
  /** Only tests whose full name (`data.pkg.test_x`) matches. */
  run?: RegExp;
  regoVersion?: 0 | 1;
  coverage?: CoverageRecorder;
  strictBuiltinErrors?: boolean;
  /** Per-test limit; evaluation then runs on a worker thread that is stopped when a test runs past it. */
  timeoutMs?: number;
}

/** The selected tests compiled into one module, ready to evaluate. */
export interface PreparedTests {
  tests: DiscoveredTest[];
  /** Undefined when no test needs evaluating. */
  wasm?: Uint8Array;
  /** Each parameterized test's case-key probes (empty when the probes could not be compiled). */
  probes: Map<string, string[]>;
}

/** Finds the selected tests and compiles them, with their case probes, as one module. */
export async function prepareTests(files: PolicyFiles, options: RunTestsOptions = {}): Promise<PreparedTests> {
  const { modules } = parseModules(files.modules, options.regoVersion);
  renameDuplicateTests(modules);
  const tests = discoverTests(modules).filter((d) => !options.run || options.run.test(d.test.name));
  const runnable = tests.filter((d) => d.test.kind === 'single' || d.test.kind === 'cases');
  const base = {
    modules: files.modules,
    regoVersion: options.regoVersion,
    coverage: options.coverage !== undefined,
    // As `opa test`: a builtin that fails is undefined unless strict errors are asked for.
    strictBuiltinErrors: options.strictBuiltinErrors ?? false,
    separateDuplicateTests: true,
  };
  const entrypoints = runnable.map((d) => d.test.entrypoint);
  const probes = caseProbes(runnable, new Map(files.modules.map((m) => [m.path, m.source])), ruleNamesOf(modules));
  if (probes.modules.length > 0) {
    try {
      const probeEntrypoints = [...probes.entrypoints.values()].flat();
      const wasm = await compile({ ...base, modules: [...files.modules, ...probes.modules], entrypoints: [...entrypoints, ...probeEntrypoints] });
      return { tests, wasm, probes: probes.entrypoints };
    } catch {
      // A probe that does not compile (a body too unusual to cut) only costs failing cases their names.
    }
  }
  const wasm = await compile({ ...base, entrypoints });
  return { tests, wasm: runnable.length > 0 ? wasm : undefined, probes: new Map() };
}

function timeoutReason(ms: number): string {
  return `error: timed out after ${ms} ms (--timeout)`;
}

/** Candidate case keys from a test's probes; a probe that fails only loses its names. */
async function candidatesOf(evaluator: TestEvaluator, probes: readonly string[]): Promise<unknown[][]> {
  const out: unknown[][] = [];
  for (const probe of probes) {
    const e = await evaluator.evaluate(probe);
    const value = e.kind === 'rows' ? e.rows[0]?.result : undefined;
    if (Array.isArray(value)) for (const key of value) if (Array.isArray(key)) out.push(key);
  }
  return out;
}

function singleResult(test: TestCase, e: Evaluation): TestResult {
  const done = (outcome: TestResult['outcome'], reason?: string): TestResult => ({ ...test, outcome, passed: outcome === 'pass', ...(reason ? { reason } : {}), durationMs: e.durationMs });
  if (e.kind === 'timeout') return done('error', timeoutReason(e.durationMs));
  if (e.kind === 'error') return done('error', `error: ${e.message}`);
  if (e.rows.length === 0) return done('fail', 'undefined');
  if (e.rows[0]!.result !== true) return done('fail', `value is ${JSON.stringify(e.rows[0]!.result)}, not true`);
  return done('pass');
}

function casesResult(test: TestCase, e: Evaluation, candidates: unknown[][]): TestResult {
  if (e.kind !== 'rows') return singleResult(test, e);
  const value = e.rows[0]?.result;
  const cases = caseResults(value, candidates);
  const failed = cases.filter((c) => !c.passed).length;
  const base = { ...test, cases, durationMs: e.durationMs };
  if (value === undefined && cases.length === 0) return { ...base, outcome: 'fail', passed: false, reason: 'undefined' };
  if (failed > 0) return { ...base, outcome: 'fail', passed: false, reason: `${failed} of ${cases.length} cases failed` };
  return { ...base, outcome: 'pass', passed: true };
}

/** Runs prepared tests on `evaluator`, in name order. */
export async function evaluateTests(prepared: PreparedTests, evaluator: TestEvaluator | undefined): Promise<TestResult[]> {
  const results: TestResult[] = [];
  for (const { test } of prepared.tests) {
    if (test.kind === 'skip') results.push({ ...test, outcome: 'skip', passed: false, durationMs: 0 });
    else if (test.kind === 'invalid' || !evaluator) results.push({ ...test, outcome: 'error', passed: false, reason: `error: ${test.problem ?? 'not compiled'}`, durationMs: 0 });
    else if (test.kind === 'single') results.push(singleResult(test, await evaluator.evaluate(test.entrypoint)));
    else {
      const e = await evaluator.evaluate(test.entrypoint);
      results.push(casesResult(test, e, await candidatesOf(evaluator, prepared.probes.get(test.name) ?? [])));
    }
  }
  return results;
}

/**
 * Compiles the policies once with every selected test (and the case probes of parameterized
 * tests) as entrypoints and runs each test. Every `test_*` rule gives a result: a function named
 * `test_*` is an error, `todo_test_*` is skipped.
 */
export async function runTests(files: PolicyFiles, options: RunTestsOptions = {}): Promise<TestResult[]> {
  const prepared = await prepareTests(files, options);
  const setup = prepared.wasm ? { wasm: prepared.wasm, data: files.data, coverage: options.coverage } : undefined;
  const evaluator = setup ? (options.timeoutMs !== undefined ? await workerEvaluator(setup, options.timeoutMs) : await inProcessEvaluator(setup)) : undefined;
  try {
    return await evaluateTests(prepared, evaluator);
  } finally {
    await evaluator?.close();
  }
}
