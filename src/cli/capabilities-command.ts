import { parseArgs } from 'node:util';
import { currentCapabilities } from '../builtins/capabilities.js';
import { OPA_EXIT, runCommand } from './output.js';

export const CAPABILITIES_USAGE = 'warden capabilities [--current]';

/** `warden capabilities`: OPA's capabilities JSON for this Warden (there is one version: `--current` is the default). */
export function capabilitiesCommand(argv: string[]): Promise<number> {
  return runCommand(async () => {
    parseArgs({ args: argv, options: { current: { type: 'boolean' } } });
    process.stdout.write(`${JSON.stringify(currentCapabilities(), null, 2)}\n`);
    return OPA_EXIT.ok;
  }, OPA_EXIT.error);
}
