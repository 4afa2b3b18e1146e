import { existsSync, readFileSync, statSync } from 'node:fs';
import { readBundle } from '../bundle/bundle-archive.js';
import { loadPolicyFiles, mountData, type PolicyFiles } from '../bundle/policy-files.js';
import { EvalError } from './errors.js';

const ARCHIVE = /\.(tar\.gz|tgz)$/;
const LOADABLE_FILE = /\.(rego|json|ya?ml)$/;

/** True for a path `-d` and `-b` read as a bundle archive. */
export function isBundleArchive(path: string): boolean {
  return ARCHIVE.test(path);
}

function mustExist(path: string): void {
  if (!existsSync(path)) throw new EvalError('eval_input_error', `${path}: no such file or directory`);
}

async function archiveFiles(path: string): Promise<PolicyFiles> {
  const bundle = await readBundle(readFileSync(path));
  return { modules: bundle.modules.map((m) => ({ ...m, path: `${path}${m.path}` })), data: bundle.data };
}

function merge(into: PolicyFiles, from: PolicyFiles, source: string): void {
  into.modules.push(...from.modules);
  mountData(into.data, [], from.data, source);
}

/**
 * What `warden eval -d PATH… -b BUNDLE…` evaluates against: directories and `.rego`/JSON/YAML files
 * for `-d` (every JSON/YAML file under a directory is data, as `opa eval -d DIR`), bundle directories or `.tar.gz` archives for `-b` (and a `.tar.gz` given to `-d`).
 * A file of any other type is an error naming it: a policy silently left out would change answers.
 */
export async function loadEvalSources(data: string[], bundles: string[]): Promise<PolicyFiles> {
  const files: PolicyFiles = { modules: [], data: {} };
  for (const path of data) {
    mustExist(path);
    if (isBundleArchive(path)) merge(files, await archiveFiles(path), path);
    else if (statSync(path).isDirectory() || LOADABLE_FILE.test(path)) merge(files, loadPolicyFiles([path], { allDataFiles: true }), path);
    else throw new EvalError('eval_unsupported_file', `${path}: not a loadable file (want .rego, .json, .yaml, .yml, a bundle .tar.gz, or a directory)`);
  }
  for (const path of bundles) {
    mustExist(path);
    if (isBundleArchive(path)) merge(files, await archiveFiles(path), path);
    else if (statSync(path).isDirectory()) merge(files, loadPolicyFiles([path]), path);
    else throw new EvalError('eval_unsupported_file', `${path}: a bundle is a directory or a .tar.gz archive`);
  }
  return files;
}
