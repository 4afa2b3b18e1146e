import test from 'ava';
import { WardenError } from '../src/errors.js';
import { BuiltinError } from '../src/builtins/errors.js';
import { BundleError, PolicyFilesError } from '../src/bundle/errors.js';
import { EngineError } from '../src/engine/errors.js';
import { IdentityError } from '../src/identity/errors.js';
import { PlanError } from '../src/ir/errors.js';
import { CompileError } from '../src/rego/errors.js';
import { ServiceError } from '../src/server/errors.js';
import { CodegenError } from '../src/wasm/errors.js';

test('every area error is a WardenError with a stable code, its own name and its cause', (t) => {
  const cause = new Error('underneath');
  const cases: Array<[WardenError, string, string]> = [
    [new EngineError('engine_compile_failed', 'x', { cause }), 'EngineError', 'engine_compile_failed'],
    [new ServiceError('invalid_config', 'x', { cause }), 'ServiceError', 'invalid_config'],
    [new IdentityError('identity_jwks_unavailable', 'x', { cause }), 'IdentityError', 'identity_jwks_unavailable'],
    [new BuiltinError('eval_type_error', 'x'), 'BuiltinError', 'eval_type_error'],
    [new BundleError('x'), 'BundleError', 'bundle_error'],
    [new PolicyFilesError('a.rego', 'x'), 'PolicyFilesError', 'policy_files_error'],
    [new PlanError('plans[0]', 'x'), 'PlanError', 'plan_error'],
    [new CodegenError('funcs[0]', 'x'), 'CodegenError', 'wasm_compile_error'],
    [new CompileError([{ code: 'rego_parse_error', message: 'x', file: 'a.rego', line: 1, col: 1 }]), 'CompileError', 'compile_failed'],
  ];
  for (const [error, name, code] of cases) {
    t.true(error instanceof WardenError, name);
    t.true(error instanceof Error, name);
    t.is(error.name, name);
    t.is(error.code, code);
  }
  t.is(cases[0]![0].cause, cause);
  t.is(cases[1]![0].cause, cause);
  t.is(cases[2]![0].cause, cause);
  t.is(new BundleError('x').cause, undefined, 'no cause unless given one');
});
