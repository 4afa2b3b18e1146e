import { parseArgs } from 'node:util';
import { REGO_VERSION_OPTIONS, regoVersionOf } from './rego-version-flag.js';
import { loadPolicyFiles } from '../bundle/policy-files.js';
import { compile } from '../rego/compile.js';
import { OPA_EXIT, runCommand } from './output.js';

export const CHECK_USAGE = 'warden check [PATH...] [--v0]';

/** `warden check`: parse and compile only, for CI; as `opa check`, silent and 0 when clean, diagnostics and 1 when a policy is wrong. */
export function checkCommand(argv: string[]): Promise<number> {
  return runCommand(async () => {
    const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { ...REGO_VERSION_OPTIONS } });
    const files = loadPolicyFiles(positionals.length > 0 ? positionals : ['policies']);
    await compile({ modules: files.modules, regoVersion: regoVersionOf(values) });
    return OPA_EXIT.ok;
  }, OPA_EXIT.error);
}
