/**
 * The service tests' policy (see test-policy.ts) with rules that run away, for evaluation budgets:
 *
 * warden/authz/decision, action "spin" / warden/envoy/decision, method "SPIN":
 *   five nested scans over an array of 100 strings: 10¹⁰ iterations inside Wasm
 * warden/authz/decision, action "sleep" / warden/envoy/decision, method "SLEEP":
 *   test.sleep("30s"), a host builtin that blocks its thread
 * warden/authz/decision, action "nap" / warden/envoy/decision, method "NAP":
 *   test.sleep("300ms"), then decides as below (a slow rule that does end)
 * Everything else decides as the test policy does.
 */
import { compilePlan } from '../../../src/wasm/index.js';
import type { PolicyCompiler } from '../../../src/engine/index.js';
import { local, stmt, str, type Json } from '../../helpers/plan-builder.js';
import { testPlan } from './test-policy.js';

function runawayBlocks(strings: string[], field: 'action' | 'method', spin: string, sleep: string, nap: string): Json[] {
  const at = (s: string) => {
    let i = strings.indexOf(s);
    if (i < 0) i = strings.push(s) - 1;
    return str(i);
  };
  const actionOf = (target: number): Json[] =>
    field === 'action'
      ? [stmt('DotStmt', { source: local(0), key: at('action'), target })]
      : [stmt('DotStmt', { source: local(0), key: at('http'), target: target + 50 }), stmt('DotStmt', { source: local(target + 50), key: at('method'), target })];
  const scan = (depth: number): Json => ({
    stmts: depth === 0 ? [stmt('EqualStmt', { a: local(70), b: at('never') })] : [stmt('ScanStmt', { source: 62, key: 100 + depth * 2, value: 101 + depth * 2, block: scan(depth - 1) })],
  });
  const hundred = [stmt('MakeArrayStmt', { capacity: 100, target: 62 }), ...Array.from({ length: 100 }, () => stmt('ArrayAppendStmt', { array: 62, value: at('x') }))];
  return [
    { stmts: [...actionOf(60), stmt('EqualStmt', { a: local(60), b: at(spin) }), ...hundred, stmt('ScanStmt', { source: 62, key: 61, value: 70, block: scan(4) })] },
    { stmts: [...actionOf(80), stmt('EqualStmt', { a: local(80), b: at(sleep) }), stmt('CallStmt', { func: 'test.sleep', args: [at('30s')], result: 81 })] },
    // No assignment: the blocks after it decide.
    { stmts: [...actionOf(90), stmt('EqualStmt', { a: local(90), b: at(nap) }), stmt('CallStmt', { func: 'test.sleep', args: [at('300ms')], result: 91 })] },
  ];
}

/** The test plan with the runaway rules first in both entrypoints. */
export function slowPlan(): Json {
  const plan = testPlan() as { static: { strings: Array<{ value: string }> }; plans: { plans: Array<{ name: string; blocks: Json[] }> } };
  const strings = plan.static.strings.map((s) => s.value);
  const [authz, envoy] = plan.plans.plans;
  authz!.blocks.unshift(...runawayBlocks(strings, 'action', 'spin', 'sleep', 'nap'));
  envoy!.blocks.unshift(...runawayBlocks(strings, 'method', 'SPIN', 'SLEEP', 'NAP'));
  plan.static.strings = strings.map((value) => ({ value }));
  (plan.static as Json).builtin_funcs = [{ name: 'test.sleep', decl: { type: 'function', args: [{ type: 'string' }], result: { type: 'null' } } }];
  return plan as unknown as Json;
}

/** A PolicyCompiler returning {@link slowPlan}'s Wasm whatever the Rego says. */
export function slowCompiler(): PolicyCompiler {
  return async () => compilePlan(slowPlan());
}
