import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { REGO_VERSION_OPTIONS, regoVersionOf } from './rego-version-flag.js';
import { loadPolicyFilesIgnoring } from '../bundle/ignored-files.js';
import { writeBundle, type Bundle } from '../bundle/bundle-archive.js';
import type { BundleSigningOptions } from '../bundle/bundle-signing.js';
import { SIGNING_ALGORITHMS, type SigningAlgorithm } from '../bundle/bundle-keys.js';
import { compile, compileToPlan } from '../rego/compile.js';
import { OPA_EXIT, runCommand } from './output.js';
import { stringifyJsonExact } from '../engine/exact-json.js';

export const BUILD_USAGE = 'warden build [PATH]... [-b DIR]... [-t wasm|plan] [-e ENTRYPOINT]... [--ignore PATTERN]... [-o FILE] [--revision REV] [--signing-key FILE [--signing-alg ALG] [--signing-key-id ID] [--claims-file FILE]] [--v0]';

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
        'signing-key': { type: 'string' },
        'signing-alg': { type: 'string' },
        'signing-key-id': { type: 'string' },
        'claims-file': { type: 'string' },
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
    const signing = signingOptions(values);
    if (typeof signing === 'string') {
      process.stderr.write(`warden build: ${signing}\n`);
      return OPA_EXIT.error;
    }
    const files = loadPolicyFilesIgnoring(roots, values.ignore ?? []);
    const entrypoints = (values.entrypoint ?? ['warden/authz/decision']).map((e) => e.replace(/^data[./]/, '').replace(/\./g, '/'));
    const regoVersion = regoVersionOf(values);
    const options = { modules: files.modules, entrypoints, regoVersion };
    const compiled: Pick<Bundle, 'wasm' | 'plan'> = target === 'plan' ? { plan: await compileToPlan(options) } : { wasm: await compile(options) };
    const revision = values.revision ?? createHash('sha256').update(compiled.wasm ?? JSON.stringify(compiled.plan)).update(stringifyJsonExact(files.data)).digest('hex').slice(0, 16);
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
    }, signing);
    writeFileSync(values.output!, archive);
    process.stdout.write(`wrote ${values.output} (${target}${signing ? `, signed ${signing.algorithm}` : ''}, revision ${revision}, ${entrypoints.length} entrypoint${entrypoints.length === 1 ? '' : 's'})\n`);
    return OPA_EXIT.ok;
  }, OPA_EXIT.error);
}

/** The signing flags as options, nothing when unsigned, or what is wrong with them. */
function signingOptions(values: { 'signing-key'?: string; 'signing-alg'?: string; 'signing-key-id'?: string; 'claims-file'?: string }): BundleSigningOptions | undefined | string {
  const keyFile = values['signing-key'];
  if (keyFile === undefined) {
    const stray = (['signing-alg', 'signing-key-id', 'claims-file'] as const).find((f) => values[f] !== undefined);
    return stray ? `--${stray} needs --signing-key` : undefined;
  }
  const algorithm = values['signing-alg'] ?? 'RS256';
  if (!(SIGNING_ALGORITHMS as readonly string[]).includes(algorithm)) return `unknown --signing-alg ${algorithm} (one of ${SIGNING_ALGORITHMS.join(', ')})`;
  let claims: Record<string, unknown> | undefined;
  const claimsFile = values['claims-file'];
  if (claimsFile !== undefined) {
    try {
      claims = JSON.parse(readFileSync(claimsFile, 'utf8')) as Record<string, unknown>;
    } catch (e) {
      return `cannot read --claims-file ${claimsFile}: ${(e as Error).message}`;
    }
    if (typeof claims !== 'object' || claims === null || Array.isArray(claims)) return `--claims-file ${claimsFile} must hold a JSON object`;
  }
  return { keyFile, algorithm: algorithm as SigningAlgorithm, ...(values['signing-key-id'] ? { keyId: values['signing-key-id'] } : {}), ...(claims ? { claims } : {}) };
}
