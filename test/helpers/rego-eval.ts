import { loadPolicy } from '@open-policy-agent/opa-wasm';
import { compile } from '../../src/rego/index.js';
import { hostBuiltins } from '../../src/builtins/index.js';

/** Compiles one Rego module (or several) with `entrypoint`, runs it through OPA's Wasm SDK and returns the result set. */
export async function evaluateRego(source: string | Array<{ path: string; source: string }>, entrypoint: string, input?: unknown, data?: unknown): Promise<unknown> {
  const modules = typeof source === 'string' ? [{ path: 'p.rego', source }] : source;
  const wasm = await compile({ modules, entrypoints: [entrypoint] });
  const policy = await loadPolicy(wasm, undefined, hostBuiltins);
  if (data !== undefined) policy.setData(data as object);
  return policy.evaluate(input as object, entrypoint);
}
