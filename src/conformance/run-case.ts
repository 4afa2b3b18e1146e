import { loadPolicy } from '@open-policy-agent/opa-wasm';
import { hostBuiltins } from '../builtins/index.js';
import { compilePlan } from '../wasm/compile-plan.js';
import { describeThrown } from '../tester/run-tests.js';
import type { ConformanceCase, Mode } from './case-types.js';
import { resultsMatch } from './compare-results.js';

export interface RunResult {
  pass: boolean;
  reason?: string;
}


// As OPA's own harness: strict builtin errors only for cases marked `strict_error`.
async function compileCase(c: ConformanceCase, mode: Mode): Promise<Uint8Array> {
  if (mode === 'rego') {
    const modules = (c.modules ?? []).map((source, i) => ({ path: `module-${i}.rego`, source }));
    const { compile } = await import('../rego/compile.js');
    return compile({ modules, query: c.query ?? '', strictBuiltinErrors: c.strict_error === true });
  }
  if (c.plan === undefined) throw new Error('case has no plan');
  return compilePlan(c.plan, { strictBuiltinErrors: c.strict_error === true });
}

/** Runs one case end to end through `@open-policy-agent/opa-wasm`, as a user's program would. */
export async function runCase(c: ConformanceCase, mode: Mode): Promise<RunResult> {
  const wantsError = c.want_error_code !== undefined || c.want_error !== undefined;
  let wasm: Uint8Array;
  try {
    wasm = await compileCase(c, mode);
  } catch (e) {
    const diagnostics = (e as { diagnostics?: Array<{ code: string }> }).diagnostics ?? [];
    const codes = diagnostics.map((d) => d.code);
    if (wantsError && c.want_error_code?.startsWith('rego_') && codes.includes(c.want_error_code)) return { pass: true };
    return { pass: false, reason: `compile: ${describeThrown(e).slice(0, 600)}` };
  }
  if (c.want_error_code?.startsWith('rego_')) return { pass: false, reason: `wanted compile error ${c.want_error_code}, compiled fine` };
  let rows: unknown[];
  try {
    const policy = await loadPolicy(wasm, undefined, hostBuiltins);
    if (c.data !== undefined) policy.setData(c.data as object);
    const input = c.input_term !== undefined ? new TextEncoder().encode(c.input_term).buffer : c.input;
    const entrypoint = c.entrypoints?.[0] ?? 0;
    rows = policy.evaluate(input as object, entrypoint) as unknown[];
  } catch (e) {
    if (wantsError) return { pass: true };
    return { pass: false, reason: `evaluate: ${describeThrown(e)}` };
  }
  if (wantsError) {
    return { pass: false, reason: `wanted error ${c.want_error_code ?? ''} ${c.want_error ?? ''}, got ${JSON.stringify(rows).slice(0, 300)}` };
  }
  const want = (mode === 'plan' ? c.want_plan_result ?? c.want_result : c.want_result) ?? [];
  if (resultsMatch(c, want, rows)) return { pass: true };
  return { pass: false, reason: `want ${JSON.stringify(want).slice(0, 400)}, got ${JSON.stringify(rows).slice(0, 400)}` };
}
