import { parseArgs } from 'node:util';
import { REGO_VERSION_OPTIONS, regoVersionOf } from './rego-version-flag.js';
import { loadPolicyFiles } from '../bundle/policy-files.js';
import { compile } from '../rego/compile.js';
import { EXIT, runCommand } from './output.js';

export const CHECK_USAGE = 'warden check [PATH...] [--v0]';

/** `warden check`: parse and compile only, for CI; exit 2 with diagnostics when a policy is wrong. */
export function checkCommand(argv: string[]): Promise<number> {
  return runCommand(async () => {
    const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { ...REGO_VERSION_OPTIONS } });
    const files = loadPolicyFiles(positionals.length > 0 ? positionals : ['policies']);
    await compile({ modules: files.modules, regoVersion: regoVersionOf(values) });
    process.stdout.write(`${files.modules.length} module${files.modules.length === 1 ? '' : 's'} checked, no errors\n`);
    return EXIT.ok;
  });
}
