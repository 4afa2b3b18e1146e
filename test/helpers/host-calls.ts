import { hostBuiltins } from '../../src/builtins/index.js';
import { HOST_BUILTIN_PREFIX } from '../../src/wasm/native-builtins.js';

/**
 * Warden's host builtins, each counting its calls: `calls` lists the builtins the module called on
 * the host, by OPA name (a Warden module calls `warden/<name>`, an OPA-built one `<name>`).
 */
export function countingHostBuiltins(): { builtins: typeof hostBuiltins; calls: string[] } {
  const calls: string[] = [];
  const builtins = Object.fromEntries(
    Object.entries(hostBuiltins).map(([name, f]) => [
      name,
      (...args: unknown[]) => {
        calls.push(name.startsWith(HOST_BUILTIN_PREFIX) ? name.slice(HOST_BUILTIN_PREFIX.length) : name);
        return (f as (...a: unknown[]) => unknown)(...args);
      },
    ]),
  ) as typeof hostBuiltins;
  return { builtins, calls };
}
