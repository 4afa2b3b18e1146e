import { loadPolicy } from '@open-policy-agent/opa-wasm';
import { compile } from '../../src/rego/index.js';
import { hostBuiltins } from '../../src/builtins/index.js';

/** Compiles one Rego module with `entrypoint`, runs it through OPA's Wasm SDK and returns the result set. */
export async function evaluateRego(source: string, entrypoint: string, input?: unknown, data?: unknown): Promise<unknown> {
  const wasm = await compile({ modules: [{ path: 'p.rego', source }], entrypoints: [entrypoint] });
  const policy = await loadPolicy(wasm, undefined, hostBuiltins);
  if (data !== undefined) policy.setData(data as object);
  return policy.evaluate(input as object, entrypoint);
}
