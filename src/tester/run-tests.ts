import { performance } from 'node:perf_hooks';
import { loadPolicy } from '@open-policy-agent/opa-wasm';
import { hostBuiltins } from '../builtins/index.js';
import { compile, parseModules, renameDuplicateTests } from '../rego/compile.js';
import type { PolicyFiles } from '../bundle/policy-files.js';
import type { CoverageRecorder } from './coverage.js';

export interface TestCase {
  /** `data.pkg.test_name` */
  name: string;
  entrypoint: string;
  file: string;
  line: number;
}

export interface TestResult extends TestCase {
  passed: boolean;
  /** Why it failed: undefined result, a value other than true, or an evaluation error. */
  reason?: string;
  durationMs: number;
}

/** Every rule named `test_*`, as OPA's test runner finds them (one test per definition). */
export function findTests(files: PolicyFiles, regoVersion: 0 | 1 = 1): TestCase[] {
  const { modules } = parseModules(files.modules, regoVersion);
  renameDuplicateTests(modules);
  const seen = new Map<string, TestCase>();
  for (const m of modules) {
    const pkg = m.package.path.map((p) => p.value);
    for (const r of m.rules) {
      const first = r.head.ref[0];
      if (r.head.ref.length !== 1 || first?.type !== 'var' || !first.name.startsWith('test_') || r.head.args) continue;
      const path = [...pkg, first.name];
      const name = `data.${path.join('.')}`;
      if (!seen.has(name)) seen.set(name, { name, entrypoint: path.join('/'), file: r.loc.file, line: r.loc.line });
    }
  }
  return [...seen.values()].sort((a, b) => a.name.localeCompare(b.name));
}

/** Compiles the policies once with every selected test as an entrypoint and runs each test. */
export async function runTests(files: PolicyFiles, options: { run?: RegExp; regoVersion?: 0 | 1; coverage?: CoverageRecorder; strictBuiltinErrors?: boolean } = {}): Promise<TestResult[]> {
  const tests = findTests(files, options.regoVersion).filter((t) => !options.run || options.run.test(t.name));
  const coverage = options.coverage !== undefined;
  // As `opa test`: a builtin that fails is undefined unless strict errors are asked for.
  const strictBuiltinErrors = options.strictBuiltinErrors ?? false;
  const wasm = await compile({ modules: files.modules, entrypoints: tests.map((t) => t.entrypoint), regoVersion: options.regoVersion, coverage, strictBuiltinErrors, separateDuplicateTests: true });
  if (tests.length === 0) return [];
  const policy = await loadPolicy(wasm, undefined, coverage ? { ...hostBuiltins, ...options.coverage!.builtins() } : hostBuiltins);
  policy.setData(files.data);
  return tests.map((t) => {
    const started = performance.now();
    let passed = false;
    let reason: string | undefined;
    try {
      const rows = policy.evaluate(undefined as unknown as object, t.entrypoint) as Array<{ result: unknown }>;
      if (rows.length === 0) reason = 'undefined';
      else if (rows[0]!.result !== true) reason = `value is ${JSON.stringify(rows[0]!.result)}, not true`;
      else passed = true;
    } catch (e) {
      reason = `error: ${describeThrown(e)}`;
    }
    return { ...t, passed, reason, durationMs: performance.now() - started };
  });
}

/** The SDK throws strings (aborts), plain objects (missing builtins) and Errors. */
export function describeThrown(e: unknown): string {
  if (e instanceof Error) return e.message;
  if (typeof e === 'object' && e !== null && 'message' in e) return String((e as { message: unknown }).message);
  return String(e);
}
