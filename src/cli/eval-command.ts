import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { REGO_VERSION_OPTIONS, regoVersionOf } from './rego-version-flag.js';
import { parse as parseYaml } from 'yaml';
import { loadPolicyFiles } from '../bundle/policy-files.js';
import { evaluateQuery } from '../eval/evaluate-query.js';
import { OPA_EXIT, runCommand } from './output.js';

export const EVAL_USAGE = 'warden eval [-d PATH]... [-i FILE] [--format json|raw|pretty] [--v0] [--strict-builtin-errors] QUERY';

/** `warden eval`: evaluates a query against data and input, printing `opa eval`'s output shape. */
export function evalCommand(argv: string[]): Promise<number> {
  return runCommand(async () => {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        data: { type: 'string', short: 'd', multiple: true },
        input: { type: 'string', short: 'i' },
        format: { type: 'string', short: 'f', default: 'json' },
        ...REGO_VERSION_OPTIONS,
        'strict-builtin-errors': { type: 'boolean' },
      },
    });
    if (positionals.length !== 1) {
      process.stderr.write(`usage: ${EVAL_USAGE}\n`);
      return OPA_EXIT.error;
    }
    const format = values.format!;
    if (!['json', 'raw', 'pretty'].includes(format)) {
      process.stderr.write(`warden eval: unknown --format ${format} (json, raw or pretty)\n`);
      return OPA_EXIT.error;
    }
    const files = loadPolicyFiles(values.data ?? [], { allDataFiles: true });
    let input: unknown;
    if (values.input) {
      const text = readFileSync(values.input, 'utf8');
      input = values.input.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
    }
    const rows = await evaluateQuery(files, positionals[0]!, input, regoVersionOf(values), values['strict-builtin-errors'] ?? false);
    if (format === 'raw') {
      const value = rows[0]?.expressions[0]?.value;
      if (rows.length > 0) process.stdout.write(`${typeof value === 'string' ? value : JSON.stringify(value)}\n`);
      return OPA_EXIT.ok;
    }
    const out = rows.length > 0 ? { result: rows } : {};
    process.stdout.write(`${JSON.stringify(out, null, format === 'pretty' || format === 'json' ? 2 : 0)}\n`);
    return OPA_EXIT.ok;
  }, OPA_EXIT.error);
}
