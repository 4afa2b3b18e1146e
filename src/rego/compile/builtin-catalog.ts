/**
 * The compiler's view of OPA's builtins, read from the one registry (src/builtins/registry): how
 * many arguments each takes (a call with one argument more binds the result to that argument,
 * `count(x, n)`), which are deprecated in Rego v1 and which have no result.
 */
import { BUILTINS } from '../../builtins/registry/index.js';

export { DEPRECATED_BUILTINS, NON_DETERMINISTIC, VOID_BUILTINS, builtinArity } from '../../builtins/registry/index.js';

/** Whether `name` is a builtin Warden knows. */
export function isBuiltin(name: string): boolean {
  return BUILTINS.has(name);
}
