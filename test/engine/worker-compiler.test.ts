import test from 'ava';
import { loadPolicy } from '@open-policy-agent/opa-wasm';
import { hostBuiltins } from '../../src/builtins/index.js';
import { CompileError } from '../../src/rego/index.js';
import { servingCompiler, workerCompiler } from '../../src/engine/worker-compiler.js';

const good = { path: 'authz.rego', source: 'package authz\nallow if input.user == "alice"\n' };

test('compiles in a worker thread to a module the SDK loads', async (t) => {
  const compiler = workerCompiler();
  t.teardown(() => compiler.close());
  const [a, b] = await Promise.all([compiler([good], ['authz/allow']), compiler([good], ['authz/allow'])]);
  t.deepEqual(a, b);
  const policy = await loadPolicy(a!, undefined, hostBuiltins);
  t.deepEqual(policy.evaluate({ user: 'alice' }, 'authz/allow'), [{ result: true }]);
  t.deepEqual(policy.evaluate({ user: 'bob' }, 'authz/allow'), []);
});

test('a policy that does not compile rejects with the diagnostics, and the worker goes on', async (t) => {
  const compiler = workerCompiler();
  t.teardown(() => compiler.close());
  const bad = { path: 'bad.rego', source: 'package authz\nallow if {\n  x > 1\n}\n' };
  const error = await t.throwsAsync(compiler([bad], ['authz/allow']), { instanceOf: CompileError });
  t.regex(error!.message, /bad\.rego:3:3: rego_unsafe_var_error: var x is unsafe/);
  t.deepEqual(error!.diagnostics.map((d) => `${d.file}:${d.line}:${d.col}`), ['bad.rego:3:3']);
  t.true((await compiler([good], ['authz/allow'])).length > 0);
});

test('after close, the next compile starts a new worker', async (t) => {
  const compiler = workerCompiler();
  await compiler([good], ['authz/allow']);
  await compiler.close();
  t.true((await compiler([good], ['authz/allow'])).length > 0);
  await compiler.close();
});

test('the serving compiler gives the same module at startup (in-process) and on reload (worker)', async (t) => {
  const compiler = servingCompiler();
  t.teardown(() => compiler.close());
  const first = await compiler([good], ['authz/allow']);
  const reload = await compiler([good], ['authz/allow']);
  t.deepEqual(reload, first);
  const bad = { path: 'bad.rego', source: 'package authz\nallow if {\n  x > 1\n}\n' };
  await t.throwsAsync(compiler([bad], ['authz/allow']), { message: /bad\.rego:3:3/ });
});
