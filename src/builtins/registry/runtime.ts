import type { BuiltinGroup } from './declaration.js';

/** Outside the evaluation: HTTP, cloud providers, the runtime, tracing, tests and Rego metadata. */
export const RUNTIME: BuiltinGroup = {
  category: 'http',
  builtins: [
    { name: 'internal.print', signature: 'array[set[any]] -> void', categories: ['internal'], native: 'b_internal_print', unchecked: true },
    { name: 'http.send', signature: 'object[string: any] -> object[any: any]', host: true, unchecked: true, nondeterministic: true },
    { name: 'providers.aws.sign_req', signature: 'object[string: any], object[string: any], number -> object[any: any]', categories: ['providers.aws'], host: true, unchecked: true },
    { name: 'opa.runtime', signature: ' -> object[string: any]', categories: ['opa'], host: true, unchecked: true, nondeterministic: true },
    { name: 'test.sleep', signature: 'string -> null', categories: ['test'], host: true, unchecked: true },
    { name: 'trace', signature: 'string -> boolean', categories: ['tracing'], host: true, unchecked: true },
    { name: 'rego.metadata.rule', signature: ' -> any', categories: ['rego'], planner: true, unchecked: true },
    { name: 'rego.parse_module', signature: 'string, string -> object[string: any]', categories: ['rego'], host: true },
    { name: 'rego.metadata.chain', signature: ' -> array[any]', categories: ['rego'], planner: true, unchecked: true },
  ],
};
