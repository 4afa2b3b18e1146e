import { HOST_BUILTIN_PREFIX } from '../wasm/native-builtins.js';
import { decodeArg, encodeError, encodeResult, plainResult } from './host-codec.js';
import { BuiltinError } from './errors.js';
import type { HostBuiltinTable } from './host-builtin.js';
import type { RegoValue } from './value.js';

type SdkBuiltin = (...args: unknown[]) => unknown;

/**
 * Wraps builtin implementations for `@open-policy-agent/opa-wasm`'s custom-builtin hook, twice:
 * `warden/<name>` speaks Warden's marker codec and reports errors as values (the module decides
 * strictness), `<name>` speaks plain JSON and throws, for modules built by OPA.
 */
export function toSdkBuiltins(table: HostBuiltinTable): Record<string, SdkBuiltin> {
  const out: Record<string, SdkBuiltin> = {};
  for (const [name, impl] of Object.entries(table)) {
    out[HOST_BUILTIN_PREFIX + name] = (...args: unknown[]) => {
      try {
        const r = impl(...args.map(decodeArg));
        return r === undefined ? undefined : encodeResult(r);
      } catch (e) {
        return encodeError(e, name);
      }
    };
    out[name] = (...args: unknown[]) => {
      try {
        const r = impl(...(args as RegoValue[]));
        return r === undefined ? undefined : plainResult(r);
      } catch (e) {
        if (e instanceof BuiltinError) throw new Error(`${e.code}: ${e.message}`);
        throw e;
      }
    };
  }
  return out;
}
