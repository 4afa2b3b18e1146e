import { NON_DETERMINISTIC } from './registry/index.js';
import type { HostBuiltin, HostBuiltinTable } from './host-builtin.js';

// Whether the evaluation running now asked something outside its input and data: the clock, a
// random source, the network or the runtime. Its result then holds for this moment only, and a
// decision cache must not keep it. One flag per thread is exact because `evaluate` is synchronous:
// no other evaluation on this thread can run between the builtin call and the engine's read.
// Threads (the serving thread, the check worker) each load their own copy of this module.
let touched = false;

/**
 * Whether anything non-deterministic ran since the last call, clearing the record: an engine calls
 * it after each evaluation. Costs one read when nothing did.
 *
 * @example
 * const result = policy.evaluate(input, entrypoint);
 * if (!takeNondeterministic()) cache.set(key, result);
 */
export function takeNondeterministic(): boolean {
  if (!touched) return false;
  touched = false;
  return true;
}

/**
 * The wall clock in milliseconds, for builtins that fall back to "now" when the policy gives no
 * time (token expiry, certificate validity): reading it makes the evaluation non-deterministic.
 */
export function clockMs(): number {
  touched = true;
  return Date.now();
}

function noting(impl: HostBuiltin): HostBuiltin {
  return (...args) => {
    touched = true;
    return impl(...args);
  };
}

/**
 * `table` with every builtin in {@link NON_DETERMINISTIC} recording, when called, that the current
 * evaluation is non-deterministic (before it runs, so a call that fails still counts).
 */
export function withNondeterminismNoted(table: HostBuiltinTable): HostBuiltinTable {
  const out: HostBuiltinTable = { ...table };
  for (const name of NON_DETERMINISTIC) {
    const impl = table[name];
    if (impl !== undefined) out[name] = noting(impl);
  }
  return out;
}
