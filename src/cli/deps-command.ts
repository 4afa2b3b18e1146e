import { parseArgs } from 'node:util';
import { POLICY_SOURCE_OPTIONS } from './source-flags.js';
import { REGO_VERSION_OPTIONS, regoVersionOf } from './rego-version-flag.js';
import { loadEvalSources } from '../eval/eval-sources.js';
import { queryDependencies, refJson, refText, type QueryDependencies } from '../rego/dependencies.js';
import { renderTable } from '../eval/text-table.js';
import { OPA_EXIT, runCommand } from './output.js';

export const DEPS_USAGE = 'warden deps [-d PATH]... [-b BUNDLE]... [--format pretty|json] [--v0] QUERY';

/** OPA's table: two columns when there are both kinds of documents, else one. */
function prettyDeps(deps: QueryDependencies): string {
  const base = deps.base.map(refText);
  const virtual = deps.virtual.map(refText);
  if (base.length > 0 && virtual.length > 0) {
    const rows = Array.from({ length: Math.max(base.length, virtual.length) }, (_, i) => [base[i] ?? '', virtual[i] ?? '']);
    return renderTable(['BASE DOCUMENTS', 'VIRTUAL DOCUMENTS'], rows);
  }
  if (base.length > 0) return renderTable(['BASE DOCUMENTS'], base.map((r) => [r]));
  if (virtual.length > 0) return renderTable(['VIRTUAL DOCUMENTS'], virtual.map((r) => [r]));
  return '';
}

/** `warden deps`: the base and virtual documents a query depends on, as `opa deps`. */
export function depsCommand(argv: string[]): Promise<number> {
  return runCommand(async () => {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        ...POLICY_SOURCE_OPTIONS,
        format: { type: 'string', short: 'f', default: 'pretty' },
        ...REGO_VERSION_OPTIONS,
      },
    });
    if (positionals.length !== 1 || !['pretty', 'json'].includes(values.format!)) {
      process.stderr.write(`usage: ${DEPS_USAGE}\n`);
      return OPA_EXIT.error;
    }
    const files = await loadEvalSources(values.data ?? [], values.bundle ?? []);
    const deps = queryDependencies(files.modules, positionals[0]!, regoVersionOf(values));
    if (values.format === 'json') {
      const out = { ...(deps.base.length > 0 ? { base: deps.base.map(refJson) } : {}), ...(deps.virtual.length > 0 ? { virtual: deps.virtual.map(refJson) } : {}) };
      process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
    } else process.stdout.write(prettyDeps(deps));
    return OPA_EXIT.ok;
  }, OPA_EXIT.error);
}
