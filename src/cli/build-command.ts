import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { REGO_VERSION_OPTIONS, regoVersionOf } from './rego-version-flag.js';
import { loadPolicyFilesIgnoring } from '../bundle/ignored-files.js';
import { writeBundle, type Bundle } from '../bundle/bundle-archive.js';
import { compile, compileToPlan } from '../rego/compile.js';
import { OPA_EXIT, runCommand } from './output.js';

export const BUILD_USAGE = 'warden build [PATH]... [-b DIR]... [-t wasm|plan] [-e ENTRYPOINT]... [--ignore PATTERN]... [-o FILE] [--revision REV] [--v0]';

const TARGETS = ['wasm', 'plan'];

/**
 * `warden build`: an OPA-layout bundle (data.json, .manifest, sources) with `policy.wasm` (`-t wasm`)
 * or OPA's plan IR as `plan.json` (`-t plan`), from positional paths and `-b` bundle directories.
 */
export function buildCommand(argv: string[]): Promise<number> {
  return runCommand(async () => {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        bundle: { type: 'string', short: 'b', multiple: true },
        target: { type: 'string', short: 't', default: 'wasm' },
        entrypoint: { type: 'string', short: 'e', multiple: true },
        ignore: { type: 'string', multiple: true },
        output: { type: 'string', short: 'o', default: 'bundle.tar.gz' },
        revision: { type: 'string' },
        ...REGO_VERSION_OPTIONS,
      },
    });
    const roots = [...positionals, ...(values.bundle ?? [])];
    if (roots.length === 0) {
      process.stderr.write(`usage: ${BUILD_USAGE}\n`);
      return OPA_EXIT.error;
    }
    const target = values.target!;
    if (!TARGETS.includes(target)) {
      process.stderr.write(`warden build: unknown target -t ${target} (wasm or plan)\n`);
      return OPA_EXIT.error;
    }
    const files = loadPolicyFilesIgnoring(roots, values.ignore ?? []);
    const entrypoints = (values.entrypoint ?? ['warden/authz/decision']).map((e) => e.replace(/^data[./]/, '').replace(/\./g, '/'));
    const regoVersion = regoVersionOf(values);
    const options = { modules: files.modules, entrypoints, regoVersion };
    const compiled: Pick<Bundle, 'wasm' | 'plan'> = target === 'plan' ? { plan: await compileToPlan(options) } : { wasm: await compile(options) };
    const revision = values.revision ?? createHash('sha256').update(compiled.wasm ?? JSON.stringify(compiled.plan)).update(JSON.stringify(files.data)).digest('hex').slice(0, 16);
    const archive = await writeBundle({
      manifest: {
        revision,
        roots: [''],
        ...(compiled.wasm ? { wasm: entrypoints.map((entrypoint) => ({ entrypoint, module: '/policy.wasm' })) } : {}),
        rego_version: regoVersion,
      },
      data: files.data,
      modules: files.modules.map((m) => ({ path: `/${m.path.replace(/^\.?\/+/, '')}`, source: m.source })),
      ...compiled,
    });
    writeFileSync(values.output!, archive);
    process.stdout.write(`wrote ${values.output} (${target}, revision ${revision}, ${entrypoints.length} entrypoint${entrypoints.length === 1 ? '' : 's'})\n`);
    return OPA_EXIT.ok;
  }, OPA_EXIT.error);
}
