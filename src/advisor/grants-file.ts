import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { readBundleFiles } from '../bundle/index.js';
import { AdvisorError } from './errors.js';
import { readGrants, type Grant } from './grant.js';

/** Where the bundled layout keeps grants: `data.warden.config.grants`. */
export const GRANTS_PATH = ['warden', 'config', 'grants'] as const;

/** The data file holding the grants, as read. */
export interface GrantsFile {
  /** The file on disk, and its path relative to the policy directory (for the diff's headers). */
  file: string;
  relativePath: string;
  text: string;
  document: Record<string, unknown>;
  /** Keys from the file's root to the grants array (the mount point of its folder taken off). */
  keysInFile: string[];
  grants: Grant[];
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The keys left to walk inside a `data.json` mounted at `mount` to reach the grants, or undefined if they are not under it. */
function keysBelow(mount: string[]): string[] | undefined {
  if (mount.length > GRANTS_PATH.length) return undefined;
  return mount.every((seg, i) => seg === GRANTS_PATH[i]) ? GRANTS_PATH.slice(mount.length) : undefined;
}

/** A `data.json` candidate: its path relative to the policy root (`/`-separated), where to say it is, and its text. */
interface DataFileEntry {
  relativePath: string;
  file: string;
  text: () => string;
}

/** The first `data.json` (in path order) that holds `data.warden.config.grants`, read; `undefined` when none does. */
function grantsIn(entries: DataFileEntry[]): GrantsFile | undefined {
  for (const entry of [...entries].sort((a, b) => (a.relativePath < b.relativePath ? -1 : a.relativePath > b.relativePath ? 1 : 0))) {
    const keys = keysBelow(entry.relativePath.split('/').slice(0, -1));
    if (!keys) continue;
    const { file, relativePath } = entry;
    const text = entry.text();
    let document: unknown;
    try {
      document = JSON.parse(text);
    } catch (e) {
      throw new AdvisorError('advisor_invalid_grants', `${file}: not JSON (${(e as Error).message})`, { cause: e });
    }
    let at: unknown = document;
    for (const key of keys) at = isObject(at) ? at[key] : undefined;
    if (at === undefined || !isObject(document)) continue;
    return { file, relativePath, text, document, keysInFile: keys, grants: readGrants(at, `${file}: ${['data', ...GRANTS_PATH].join('.')}`) };
  }
  return undefined;
}

function unsupported(where: string): AdvisorError {
  return new AdvisorError(
    'advisor_unsupported_layout',
    `${where}: no data.json holds data.warden.config.grants; the advisor reads the bundled layout only (grants: [{service, caller: {namespace, service_account}, actions}], see policies/warden/config/data.json)`,
  );
}

/**
 * Finds the `data.json` of a policy directory that holds `data.warden.config.grants` (the bundled
 * layout, OPA's mounting: a file's folder is its path in `data`), and reads its grants.
 *
 * @throws AdvisorError `advisor_unsupported_layout` when no data.json holds them (other layouts are not read), `advisor_invalid_grants` when they are malformed
 */
export function readGrantsFile(policyDir: string): GrantsFile {
  let names: string[];
  try {
    names = readdirSync(policyDir, { recursive: true, encoding: 'utf8' });
  } catch (e) {
    throw new AdvisorError('advisor_unsupported_layout', `cannot read policy directory ${policyDir}: ${(e as Error).message}`, { cause: e });
  }
  const entries = names
    .filter((n) => n === 'data.json' || n.endsWith(`${sep}data.json`))
    .map((name) => {
      const file = join(policyDir, name);
      return { relativePath: relative(policyDir, file).split(sep).join('/'), file, text: () => readFileSync(file, 'utf8') };
    });
  const found = grantsIn(entries);
  if (!found) throw unsupported(policyDir);
  return found;
}

/**
 * The grants of an OPA bundle file (`.tar.gz`), read with the bundle reader `serve --bundle` and
 * `replay --bundle` use, from the `data.json` that holds `data.warden.config.grants`; the diff's
 * headers name that file's path inside the bundle.
 *
 * @example
 * const grants = await readBundleGrantsFile('bundle.tar.gz'); // grants.relativePath → 'warden/config/data.json'
 * @throws AdvisorError `advisor_unsupported_layout` for a bundle that cannot be read or holds no grants, `advisor_invalid_grants` when they are malformed
 */
export async function readBundleGrantsFile(bundlePath: string): Promise<GrantsFile> {
  let files: Map<string, Buffer>;
  try {
    files = await readBundleFiles(readFileSync(bundlePath));
  } catch (e) {
    throw new AdvisorError('advisor_unsupported_layout', `cannot read bundle ${bundlePath}: ${(e as Error).message}`, { cause: e });
  }
  const entries = [...files]
    .filter(([path]) => path.endsWith('/data.json'))
    .map(([path, content]) => ({ relativePath: path.slice(1), file: `${bundlePath}:${path}`, text: () => content.toString('utf8') }));
  const found = grantsIn(entries);
  if (!found) throw unsupported(bundlePath);
  return found;
}
