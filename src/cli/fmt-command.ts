import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { FormatError, formatSource, type FormatTarget } from '../rego/format/index.js';
import { unifiedDiff } from '../rego/format/unified-diff.js';
import { OPA_EXIT, runCommand } from './output.js';

export const FMT_USAGE = 'warden fmt [PATH...] [-w] [-l] [-d] [--fail] [--v0-compatible | --v0-v1] [--drop-v0-imports]  (no PATH: stdin to stdout)';

const OPTIONS = {
  write: { type: 'boolean', short: 'w' },
  list: { type: 'boolean', short: 'l' },
  diff: { type: 'boolean', short: 'd' },
  fail: { type: 'boolean' },
  'v0-compatible': { type: 'boolean' },
  'v0-v1': { type: 'boolean' },
  'drop-v0-imports': { type: 'boolean' },
} as const;

function regoFiles(path: string): string[] {
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path, { withFileTypes: true })
    .filter((e) => !e.name.startsWith('.'))
    .sort((x, y) => (x.name < y.name ? -1 : 1))
    .flatMap((e) => (e.isDirectory() ? regoFiles(join(path, e.name)) : e.name.endsWith('.rego') ? [join(path, e.name)] : []));
}

/**
 * `warden fmt`: OPA's canonical formatting. Paths are files or folders (their `*.rego`); without
 * `-w`, `-l` or `-d` the formatted text goes to stdout. Exit 1 on a parse error, or with `--fail`
 * when some file's formatting differs.
 */
export function fmtCommand(argv: string[]): Promise<number> {
  return runCommand(async () => {
    const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: OPTIONS });
    if (values['v0-compatible'] && values['v0-v1']) throw new Error('--v0-compatible and --v0-v1 cannot be used together');
    const target: FormatTarget = values['v0-v1'] ? 'v0-compat-v1' : values['v0-compatible'] ? 'v0' : 'v1';
    // As OPA: only where the target makes them redundant (v1); ignored otherwise.
    const dropV0Imports = values['drop-v0-imports'] === true;
    if (positionals.length === 0) {
      const source = readFileSync(0, 'utf8');
      const formatted = formatOrReport(source, 'stdin', target, dropV0Imports);
      if (formatted === undefined) return OPA_EXIT.error;
      process.stdout.write(values.diff ? unifiedDiff(source, formatted, 'stdin') : formatted);
      return values.fail && formatted !== source ? OPA_EXIT.error : OPA_EXIT.ok;
    }
    let failed = false;
    let changed = false;
    for (const file of positionals.flatMap(regoFiles)) {
      const source = readFileSync(file, 'utf8');
      const formatted = formatOrReport(source, file, target, dropV0Imports);
      if (formatted === undefined) {
        failed = true;
        continue;
      }
      const differs = formatted !== source;
      changed ||= differs;
      if (values.list && differs) process.stdout.write(`${file}\n`);
      if (values.diff && differs) process.stdout.write(unifiedDiff(source, formatted, file));
      if (values.write && differs) writeFileSync(file, formatted);
      if (!values.list && !values.diff && !values.write) process.stdout.write(formatted);
    }
    return failed || (values.fail && changed) ? OPA_EXIT.error : OPA_EXIT.ok;
  }, OPA_EXIT.error);
}

function formatOrReport(source: string, file: string, target: FormatTarget, dropV0Imports: boolean): string | undefined {
  try {
    return formatSource(source, { file, target, dropV0Imports });
  } catch (e) {
    if (!(e instanceof FormatError)) throw e;
    process.stderr.write(`${e.message}\n`);
    return undefined;
  }
}
