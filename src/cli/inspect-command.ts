import { parseArgs } from 'node:util';
import { REGO_VERSION_OPTIONS, regoVersionOf } from './rego-version-flag.js';
import { inspectBundle, type BundleInfo } from '../bundle/inspect-bundle.js';
import { renderTable } from '../eval/text-table.js';
import { OPA_EXIT, runCommand } from './output.js';

export const INSPECT_USAGE = 'warden inspect BUNDLE|DIR|FILE.rego [--format pretty|json] [--v0]';

function manifestRows(info: BundleInfo): string[][] {
  const m = info.manifest;
  const rows: string[][] = [];
  if (m.rego_version !== undefined) rows.push(['Rego Version', String(m.rego_version)]);
  if (m.revision) rows.push(['Revision', m.revision]);
  const roots = m.roots ?? [];
  if (roots.length > 1 || (roots.length === 1 && roots[0] !== '')) for (const root of [...roots].sort()) rows.push(['Roots', root]);
  if (m.metadata && Object.keys(m.metadata).length > 0) rows.push(['Metadata', JSON.stringify(m.metadata)]);
  return rows;
}

/** Namespace rows; a namespace is written once, on its first file (OPA's merged cells). */
function namespaceRows(info: BundleInfo): string[][] {
  return Object.keys(info.namespaces)
    .sort()
    .flatMap((ns) => info.namespaces[ns]!.map((file, i) => [i === 0 ? ns : '', file]));
}

/** `warden inspect`: a bundle's manifest, Wasm entrypoints and namespaces, as `opa inspect`. */
export function inspectCommand(argv: string[]): Promise<number> {
  return runCommand(async () => {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { format: { type: 'string', short: 'f', default: 'pretty' }, ...REGO_VERSION_OPTIONS },
    });
    if (positionals.length !== 1 || !['pretty', 'json'].includes(values.format!)) {
      process.stderr.write(`usage: ${INSPECT_USAGE}\n`);
      return OPA_EXIT.error;
    }
    const info = await inspectBundle(positionals[0]!, regoVersionOf(values));
    if (values.format === 'json') {
      process.stdout.write(`${JSON.stringify(info, null, 2)}\n`);
      return OPA_EXIT.ok;
    }
    const manifest = manifestRows(info);
    if (manifest.length > 0) process.stdout.write(`MANIFEST:\n${renderTable(['FIELD', 'VALUE'], manifest)}`);
    const namespaces = namespaceRows(info);
    if (namespaces.length > 0) process.stdout.write(`NAMESPACES:\n${renderTable(['NAMESPACE', 'FILE'], namespaces)}`);
    return OPA_EXIT.ok;
  }, OPA_EXIT.error);
}
