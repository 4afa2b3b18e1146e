import { parseArgs } from 'node:util';
import { REGO_VERSION_OPTIONS, regoVersionOf } from './rego-version-flag.js';
import { loadPolicyFiles } from '../bundle/policy-files.js';
import { compile } from '../rego/compile.js';
import { opaErrorsJson, opaMessageJson } from '../rego/diagnostics-json.js';
import { CompileError } from '../rego/errors.js';
import { OPA_EXIT, runCommand } from './output.js';

export const CHECK_USAGE = 'warden check [PATH...] [-S|--strict] [--format pretty|json] [--v0]';

const CHECK_FORMATS = ['pretty', 'json'] as const;
type CheckFormat = (typeof CHECK_FORMATS)[number];

const OPTIONS = {
  ...REGO_VERSION_OPTIONS,
  strict: { type: 'boolean', short: 'S' },
  format: { type: 'string', default: 'pretty' },
} as const;

/**
 * `warden check`: parse and compile only, for CI. As `opa check`: silent and 0 when clean; the
 * errors on stderr and 1 when a policy is wrong (with `--format json`, OPA's `{"errors": […]}`).
 * `-S/--strict` adds OPA's strict-mode checks (unused imports, assignments and arguments,
 * duplicate imports, `input`/`data` shadowed, deprecated builtins).
 */
export function checkCommand(argv: string[]): Promise<number> {
  return runCommand(async () => {
    const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: OPTIONS });
    const format = values.format as CheckFormat;
    if (!CHECK_FORMATS.includes(format)) throw new Error(`check: unknown --format ${format} (${CHECK_FORMATS.join(', ')})`);
    const run = async (): Promise<number> => {
      const files = loadPolicyFiles(positionals.length > 0 ? positionals : ['policies']);
      await compile({ modules: files.modules, regoVersion: regoVersionOf(values), strict: values.strict ?? false });
      return OPA_EXIT.ok;
    };
    if (format === 'pretty') return run();
    try {
      return await run();
    } catch (e) {
      // OPA writes a failed check to stderr in either format.
      process.stderr.write(e instanceof CompileError ? opaErrorsJson(e.diagnostics) : opaMessageJson(e instanceof Error ? e.message : String(e)));
      return OPA_EXIT.error;
    }
  }, OPA_EXIT.error);
}
