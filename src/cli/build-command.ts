import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { REGO_VERSION_OPTIONS, regoVersionOf } from './rego-version-flag.js';
import { loadPolicyFiles } from '../bundle/policy-files.js';
import { writeBundle } from '../bundle/bundle-archive.js';
import { compile } from '../rego/compile.js';
import { OPA_EXIT, runCommand } from './output.js';

export const BUILD_USAGE = 'warden build -b DIR [-e ENTRYPOINT]... -o FILE [--revision REV] [--v0]';

/** `warden build`: an OPA-layout bundle (policy.wasm, data.json, .manifest, sources). */
export function buildCommand(argv: string[]): Promise<number> {
  return runCommand(async () => {
    const { values } = parseArgs({
      args: argv,
      options: {
        bundle: { type: 'string', short: 'b', multiple: true },
        entrypoint: { type: 'string', short: 'e', multiple: true },
        output: { type: 'string', short: 'o', default: 'bundle.tar.gz' },
        revision: { type: 'string' },
        ...REGO_VERSION_OPTIONS,
      },
    });
    if (!values.bundle || values.bundle.length === 0) {
      process.stderr.write(`usage: ${BUILD_USAGE}\n`);
      return OPA_EXIT.error;
    }
    const files = loadPolicyFiles(values.bundle);
    const entrypoints = (values.entrypoint ?? ['warden/authz/decision']).map((e) => e.replace(/^data[./]/, '').replace(/\./g, '/'));
    const wasm = await compile({ modules: files.modules, entrypoints, regoVersion: regoVersionOf(values) });
    const revision = values.revision ?? createHash('sha256').update(wasm).update(JSON.stringify(files.data)).digest('hex').slice(0, 16);
    const archive = await writeBundle({
      manifest: { revision, roots: [''], wasm: entrypoints.map((entrypoint) => ({ entrypoint, module: '/policy.wasm' })), rego_version: regoVersionOf(values) },
      data: files.data,
      modules: files.modules.map((m) => ({ path: `/${m.path.replace(/^\.?\/+/, '')}`, source: m.source })),
      wasm,
    });
    writeFileSync(values.output!, archive);
    process.stdout.write(`wrote ${values.output} (revision ${revision}, ${entrypoints.length} entrypoint${entrypoints.length === 1 ? '' : 's'})\n`);
    return OPA_EXIT.ok;
  }, OPA_EXIT.error);
}
