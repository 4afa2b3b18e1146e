import { parseArgs } from 'node:util';
import { INPUT_OPTIONS, POLICY_SOURCE_OPTIONS } from './source-flags.js';
import { REGO_VERSION_OPTIONS, regoVersionOf } from './rego-version-flag.js';
import { loadEvalSources } from '../eval/eval-sources.js';
import { evaluateQuery, type EvalRequest } from '../eval/evaluate-query.js';
import { evaluateWithin } from '../eval/evaluate-within.js';
import { EVAL_FORMATS, formatEvalResult, type EvalFormat } from '../eval/eval-output.js';
import { durationFlag } from './duration-flag.js';
import { readInput } from '../eval/read-input.js';
import { OPA_EXIT, runCommand } from './output.js';

export const EVAL_USAGE =
  'warden eval [-d PATH]... [-b BUNDLE]... [-i FILE | -I] [-f json|values|bindings|raw|pretty] [--fail | --fail-defined] [--timeout DURATION] [--metrics] [--profile] [-p PACKAGE] [--v0] [--strict-builtin-errors] QUERY';

/** `warden eval`: evaluates a query against data and input, printing `opa eval`'s output shapes. */
export function evalCommand(argv: string[]): Promise<number> {
  return runCommand(async () => {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        ...POLICY_SOURCE_OPTIONS,
        ...INPUT_OPTIONS,
        format: { type: 'string', short: 'f', default: 'json' },
        fail: { type: 'boolean' },
        'fail-defined': { type: 'boolean' },
        timeout: { type: 'string' },
        metrics: { type: 'boolean' },
        profile: { type: 'boolean' },
        package: { type: 'string', short: 'p' },
        ...REGO_VERSION_OPTIONS,
        'strict-builtin-errors': { type: 'boolean' },
      },
    });
    if (positionals.length !== 1) {
      process.stderr.write(`usage: ${EVAL_USAGE}\n`);
      return OPA_EXIT.error;
    }
    const format = values.format as EvalFormat;
    if (!EVAL_FORMATS.includes(format)) {
      process.stderr.write(`warden eval: unknown --format ${format} (${EVAL_FORMATS.join(', ')})\n`);
      return OPA_EXIT.error;
    }
    if (values.fail && values['fail-defined']) {
      process.stderr.write('warden eval: --fail and --fail-defined exclude each other\n');
      return OPA_EXIT.error;
    }
    const timeoutMs = values.timeout === undefined ? 0 : durationFlag(values.timeout, '--timeout');
    const request: EvalRequest = {
      files: await loadEvalSources(values.data ?? [], values.bundle ?? []),
      query: positionals[0]!,
      input: readInput(values.input, values['stdin-input'] ?? false),
      regoVersion: regoVersionOf(values),
      strictBuiltinErrors: values['strict-builtin-errors'] ?? false,
      profile: values.profile ?? false,
      queryPackage: values.package,
    };
    const result = timeoutMs > 0 ? await evaluateWithin(request, timeoutMs) : await evaluateQuery(request);
    process.stdout.write(formatEvalResult(result, format, values.metrics ?? false));
    const defined = result.rows.length > 0;
    return (values.fail && !defined) || (values['fail-defined'] && defined) ? OPA_EXIT.error : OPA_EXIT.ok;
  }, OPA_EXIT.error);
}
