import { readFile } from 'node:fs/promises';
import { stat } from 'node:fs/promises';
import { bundleFromFiles, loadPolicyFiles, readBundleFiles, verifyBundleFiles, type BundleVerificationOptions } from '../bundle/index.js';
import { compilePlan } from '../wasm/index.js';
import { dataDigest, dataDocument, readFileShared, yamlDataDocument, type DataDocument } from '../bundle/data-documents.js';
import { CompileError } from '../rego/errors.js';
import { EngineError } from './errors.js';
import { buildRevision, contentRevisionId, type PolicyCompiler, type PolicyRevision } from './revision.js';

/** Where policy comes from, and how to compile it. */
export interface PolicySourceOptions {
  /** A policy directory in OPA's bundle layout. */
  policies?: string;
  /** An OPA bundle (`.tar.gz`, built with `-t rego`, `-t wasm` or `-t plan`); wins over `policies`. */
  bundle?: string;
  /** Rule paths the module must export (`warden/authz/decision`). */
  entrypoints: string[];
  /** Compiles Rego modules; needed unless the bundle carries Wasm or a plan. */
  compiler?: PolicyCompiler;
  /** Serve only bundles signed with this key (OPA's `/.signatures.json`); needs `bundle`. */
  verification?: BundleVerificationOptions;
  /** Load the data into an instance on this thread (default true); false where other threads evaluate (see buildRevision). */
  instantiate?: boolean;
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** The compiler's diagnostics as `file:line:col: code: message` lines, when it gave structured ones. */
function diagnosticLines(e: unknown): string[] {
  return e instanceof CompileError ? e.diagnostics.map((d) => `${d.file}:${d.line}:${d.col}: ${d.code}: ${d.message}`) : [];
}

async function compileModules(
  modules: Array<{ path: string; source: string }>,
  options: PolicySourceOptions,
  where: string,
): Promise<Uint8Array> {
  if (!options.compiler) throw new EngineError('engine_invalid_config', `${where} holds Rego source but no compiler was given`);
  if (modules.length === 0) throw new EngineError('engine_policy_files', `${where} holds no .rego files`);
  try {
    return await options.compiler(modules, options.entrypoints);
  } catch (e) {
    throw new EngineError('engine_compile_failed', `policy in ${where} does not compile: ${message(e)}`, { cause: e, details: diagnosticLines(e) });
  }
}

/** The data files as their texts (read by the I/O threads, never parsed here), checked only where it is cheap. */
async function readDataDocuments(dataFiles: ReadonlyArray<{ mount: string[]; file: string }>): Promise<DataDocument[]> {
  return Promise.all(
    dataFiles.map(async ({ mount, file }) => {
      if (file.endsWith('.json')) return dataDocument(file, mount, await readFileShared(file));
      return yamlDataDocument(file, mount, await readFile(file, 'utf8'));
    }),
  );
}

async function fromDirectory(dir: string, options: PolicySourceOptions): Promise<PolicyRevision> {
  let files;
  let dataDocuments: DataDocument[];
  try {
    if (!(await stat(dir)).isDirectory()) throw new Error('not a directory');
    files = loadPolicyFiles([dir], { dataUnread: true });
    dataDocuments = await readDataDocuments(files.unreadDataFiles ?? []);
  } catch (e) {
    throw new EngineError('engine_policy_files', `cannot read policy directory ${dir}: ${message(e)}`, { cause: e });
  }
  // Rego tests are for `warden test`; they never decide a request.
  const modules = files.modules.filter((m) => !m.path.endsWith('_test.rego')).sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const hashInput = modules.map((m) => `${m.path}\0${m.source}`).join('\0') + '\0' + (await dataDigest(dataDocuments)) + '\0' + options.entrypoints.join(',');
  const wasm = await compileModules(modules, options, dir);
  return buildRevision({ wasm, dataDocuments, source: dir, id: contentRevisionId(hashInput), modules }, { instantiate: options.instantiate });
}

async function fromBundle(file: string, options: PolicySourceOptions): Promise<PolicyRevision> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (e) {
    throw new EngineError('engine_policy_files', `cannot read bundle ${file}: ${message(e)}`, { cause: e });
  }
  return fromBundleBytes(bytes, file, options);
}

/** A revision from a bundle's bytes; `file` names where they came from (a path or a URL) in errors and as the source. */
async function fromBundleBytes(bytes: Uint8Array, file: string, options: PolicySourceOptions, readFiles?: Map<string, Buffer>): Promise<PolicyRevision> {
  let bundle;
  let files;
  try {
    files = readFiles ?? (await readBundleFiles(bytes));
  } catch (e) {
    throw new EngineError('engine_policy_files', `cannot read bundle ${file}: ${message(e)}`, { cause: e });
  }
  if (options.verification) {
    try {
      await verifyBundleFiles(files, options.verification);
    } catch (e) {
      throw new EngineError('engine_bundle_unverified', `bundle ${file} refused: ${message(e)}`, { cause: e });
    }
  }
  try {
    // The service's loader keeps the data as its files' texts (see RevisionParts.dataDocuments).
    bundle = bundleFromFiles(files, { dataUnread: true });
  } catch (e) {
    throw new EngineError('engine_policy_files', `cannot read bundle ${file}: ${message(e)}`, { cause: e });
  }
  let wasm: Uint8Array;
  let modules: Array<{ path: string; source: string }> = [];
  if (bundle.wasm) wasm = bundle.wasm;
  else if (bundle.plan !== undefined) {
    try {
      wasm = await compilePlan(bundle.plan);
    } catch (e) {
      throw new EngineError('engine_compile_failed', `plan in bundle ${file} does not compile: ${message(e)}`, { cause: e });
    }
  } else {
    modules = bundle.modules.filter((m) => !m.path.endsWith('_test.rego'));
    wasm = await compileModules(modules, options, file);
  }
  const id = bundle.manifest.revision || contentRevisionId(bytes, options.entrypoints.join(','));
  return buildRevision({ wasm, dataDocuments: bundle.dataDocuments ?? [], source: file, id, modules }, { instantiate: options.instantiate });
}

/**
 * Loads one revision from a bundle file or a policy directory (`*.rego` anywhere, `_test.rego`
 * excluded; `data.json`/`data.yaml` under `a/b/` mounted at `data.a.b`). Every requested entrypoint
 * must exist: Rego that has no rule for one does not compile, and a module without one does not load.
 *
 * @example
 * const rev = await loadRevision({ policies: 'policies/', entrypoints: ['warden/authz/decision'], compiler });
 * @throws EngineError `engine_policy_files`, `engine_bundle_unverified`, `engine_compile_failed`, `engine_load_failed` or `engine_invalid_config`
 */
export async function loadRevision(options: PolicySourceOptions): Promise<PolicyRevision> {
  let revision: PolicyRevision;
  // A directory carries no signature: verification configured for one would verify nothing.
  if (options.verification && !options.bundle) throw new EngineError('engine_invalid_config', 'bundle verification is configured but no bundle is: signatures are checked on bundles only');
  if (options.bundle) revision = await fromBundle(options.bundle, options);
  else if (options.policies) revision = await fromDirectory(options.policies, options);
  else throw new EngineError('engine_invalid_config', 'no policy directory or bundle configured');
  return withEntrypoints(revision, options.entrypoints);
}

/**
 * Loads one revision from a bundle's bytes (downloaded from a bundle server, or its cache): read,
 * verified when `options.verification` is set, compiled, and checked for every entrypoint, exactly as
 * a bundle file is. `where` names the bundle in errors and becomes the revision's source.
 *
 * @example
 * const rev = await loadBundleRevision(bytes, 'https://bundles.example.com/b.tar.gz', { entrypoints, compiler, verification });
 * @throws EngineError `engine_policy_files`, `engine_bundle_unverified`, `engine_compile_failed` or `engine_load_failed`
 */
export async function loadBundleRevision(bytes: Uint8Array, where: string, options: Omit<PolicySourceOptions, 'bundle' | 'policies'>, readFiles?: Map<string, Buffer>): Promise<PolicyRevision> {
  return withEntrypoints(await fromBundleBytes(bytes, where, options, readFiles), options.entrypoints);
}

function withEntrypoints(revision: PolicyRevision, entrypoints: readonly string[]): PolicyRevision {
  // A module built for other entrypoints (a bundle's Wasm or plan) would deny every check as an error.
  const missing = entrypoints.filter((e) => !revision.entrypoints.includes(e));
  if (missing.length > 0) {
    const has = revision.entrypoints.length > 0 ? revision.entrypoints.join(', ') : 'none';
    throw new EngineError('engine_load_failed', `policy from ${revision.source} has no entrypoint ${missing.join(', ')} (it has ${has})`);
  }
  return revision;
}
