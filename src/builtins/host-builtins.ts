import { HOST_BUILTIN_PREFIX } from '../wasm/native-builtins.js';
import { decodeArg, encodeError, encodeResult, plainResult } from './host-codec.js';
import { BuiltinError } from './errors.js';
import type { HostBuiltinTable, MarkedArgsBuiltin } from './host-builtin.js';
import type { RegoValue } from './value.js';

type SdkBuiltin = (...args: unknown[]) => unknown;

/**
 * Wraps builtin implementations for `@open-policy-agent/opa-wasm`'s custom-builtin hook, twice:
 * `warden/<name>` speaks Warden's marker codec and reports errors as values (the module decides
 * strictness), `<name>` speaks plain JSON and throws, for modules built by OPA. Where `marked` has
 * an implementation of the same name, `warden/<name>` calls it with the arguments as they came.
 */
export function toSdkBuiltins(table: HostBuiltinTable, marked: Readonly<Record<string, MarkedArgsBuiltin>> = {}): Record<string, SdkBuiltin> {
  const out: Record<string, SdkBuiltin> = {};
  for (const [name, impl] of Object.entries(table)) {
    const readsMarkers = Object.prototype.hasOwnProperty.call(marked, name) ? marked[name] : undefined;
    out[HOST_BUILTIN_PREFIX + name] = (...args: unknown[]) => {
      try {
        const r = readsMarkers ? readsMarkers(...args) : impl(...args.map(decodeArg));
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
