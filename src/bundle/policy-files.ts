import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { findJsonSyntaxError, lineColOf } from './json-syntax-error.js';
import { applyRegoVersions, type RegoVersionFields } from './rego-versions.js';
import { PolicyFilesError } from './errors.js';
import { parseJsonExact } from '../engine/exact-json.js';
import { parseYamlExact } from '../engine/exact-yaml.js';

export interface PolicyFiles {
  /** Rego modules; `regoVersion` where a root's `.manifest` sets one (as `opa build -b` reads it). */
  modules: Array<{ path: string; source: string; regoVersion?: 0 | 1 }>;
  /** Every data file merged at its mount point (`a/b/data.json` → `data.a.b`). */
  data: Record<string, unknown>;
  /** With `dataUnread`: the data files, not read, with their mount points (`data` stays empty). */
  unreadDataFiles?: Array<{ mount: string[]; file: string }>;
}

const DATA_FILES = new Set(['data.json', 'data.yaml', 'data.yml']);

/** The file at a policy directory's root whose `rego_version` fields {@link loadPolicyFiles} applies. */
export const MANIFEST_FILE = '.manifest';

/** True for an entry {@link loadPolicyFiles} skips while walking a directory (dot files and folders). */
export function isHiddenEntry(name: string): boolean {
  return name.startsWith('.');
}

/** True for a file name {@link loadPolicyFiles} reads inside a directory with bundle semantics: `*.rego` and `data.{json,yaml,yml}`. */
export function isPolicyFileName(name: string): boolean {
  return name.endsWith('.rego') || DATA_FILES.has(name);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Which file put each value of a data tree there (keys: path segments joined by NUL), so a conflict names both files. */
export type DataOrigins = Map<string, string>;

function originOf(origins: DataOrigins | undefined, path: string[]): string | undefined {
  for (let n = path.length; n > 0 && origins; n--) {
    const file = origins.get(path.slice(0, n).join('\0'));
    if (file !== undefined) return file;
  }
  return undefined;
}

function conflict(file: string, where: string[], problem: string, origins: DataOrigins | undefined): PolicyFilesError {
  const other = originOf(origins, where);
  const also = other !== undefined && other !== file ? ` (also defined in ${other})` : '';
  return new PolicyFilesError(file, `data at ${where.join('.')} ${problem}${also}`);
}

/**
 * Puts `value` at `path` in `root`, merging objects; two different values at one place is an error
 * naming both files when `origins` records who wrote what (equal values merge, as they agree).
 */
export function mountData(root: Record<string, unknown>, path: string[], value: unknown, file: string, origins?: DataOrigins): void {
  mountAt(root, [], path, value, file, origins);
}

function mountAt(root: Record<string, unknown>, above: string[], path: string[], value: unknown, file: string, origins: DataOrigins | undefined): void {
  let node = root;
  for (let i = 0; i < path.length - 1; i++) {
    const seg = path[i]!;
    const next = node[seg];
    if (next === undefined) node[seg] = {};
    else if (!isObject(next)) throw conflict(file, [...above, ...path.slice(0, i + 1)], 'is not an object', origins);
    node = node[seg] as Record<string, unknown>;
  }
  if (path.length === 0) {
    if (!isObject(value)) throw new PolicyFilesError(file, 'a data file at the root must hold an object');
    for (const [k, v] of Object.entries(value)) mountAt(root, above, [k], v, file, origins);
    return;
  }
  const last = path[path.length - 1]!;
  const full = [...above, ...path];
  const existing = node[last];
  if (existing === undefined) {
    node[last] = value;
    origins?.set(full.join('\0'), file);
  } else if (isObject(existing) && isObject(value)) {
    for (const [k, v] of Object.entries(value)) mountAt(existing, full, [k], v, file, origins);
  } else if (!isDeepStrictEqual(existing, value)) {
    throw conflict(file, full, 'is defined twice, with different values', origins);
  }
}

/** Parses a data file's text (JSON for `*.json`, numbers exact: see parseJsonExact; else YAML); a syntax error names the file and its line:col. */
export function parseDataFile(name: string, text: string, file: string): unknown {
  if (name.endsWith('.json')) {
    try {
      return parseJsonExact(text);
    } catch (e) {
      const where = findJsonSyntaxError(text);
      if (!where) throw new PolicyFilesError(file, `not valid JSON: ${(e as Error).message}`);
      const { line, col } = lineColOf(text, where.offset);
      throw new PolicyFilesError(file, `not valid JSON at ${line}:${col}: ${where.problem}`);
    }
  }
  try {
    return parseYamlExact(text);
  } catch (e) {
    throw new PolicyFilesError(file, `not valid YAML: ${(e as Error).message}`);
  }
}

function walk(dir: string, out: string[], ignored: readonly RegExp[]): void {
  for (const name of readdirSync(dir).sort()) {
    if (isHiddenEntry(name) || ignored.some((re) => re.test(name))) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out, ignored);
    else out.push(p);
  }
}

/** How {@link loadPolicyFiles} picks data files inside a directory. */
export interface LoadPolicyFilesOptions {
  /**
   * Read every `*.json`, `*.yaml` and `*.yml` as data mounted at its directory's path, as `opa test
   * DIR` and `opa eval -d DIR` do; otherwise only `data.{json,yaml,yml}`, as in an OPA bundle (what
   * `serve` and `build` read).
   */
  allDataFiles?: boolean;
  /** File and directory names to leave out while walking (`*` and `?` wildcards), as `opa test --ignore`. */
  ignore?: readonly string[];
  /** List the data files in `unreadDataFiles` instead of reading them into `data` (the service reads them as bytes, and never parses them on its serving thread). */
  dataUnread?: boolean;
}

/** A name pattern with `*` (any run) and `?` (one character) as a RegExp matching whole names. */
function namePattern(glob: string): RegExp {
  const body = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${body}$`);
}

function isDataFileName(name: string): boolean {
  return name.endsWith('.json') || name.endsWith('.yaml') || name.endsWith('.yml');
}

/**
 * Loads a policy directory (or single files) in OPA's bundle layout: `*.rego` anywhere, `data.json`
 * and `data.yaml` (or, with `allDataFiles`, every JSON and YAML file) mounted at their directory's
 * path. Paths in the result are relative to the root.
 *
 * @example
 * const { modules, data } = loadPolicyFiles(['policies'], { allDataFiles: true });
 */
export function loadPolicyFiles(roots: string[], options: LoadPolicyFilesOptions = {}): PolicyFiles {
  const result: PolicyFiles = { modules: [], data: {} };
  const origins: DataOrigins = new Map();
  const ignored = (options.ignore ?? []).map(namePattern);
  for (const root of roots) {
    const isDir = statSync(root).isDirectory();
    const files: string[] = [];
    if (isDir) walk(root, files, ignored);
    else files.push(root);
    const modulesBefore = result.modules.length;
    for (const file of files) {
      const rel = isDir ? relative(root, file) : file;
      const name = rel.split(sep).pop()!;
      if (name.endsWith('.rego')) {
        result.modules.push({ path: isDir ? join(root, rel) : file, source: readFileSync(file, 'utf8') });
      } else if (DATA_FILES.has(name) || ((!isDir || options.allDataFiles) && isDataFileName(name))) {
        const mount = isDir ? rel.split(sep).slice(0, -1) : [];
        if (options.dataUnread) {
          (result.unreadDataFiles ??= []).push({ mount, file });
          continue;
        }
        mountData(result.data, mount, parseDataFile(name, readFileSync(file, 'utf8'), file), file, origins);
      }
    }
    const manifestFile = join(root, MANIFEST_FILE);
    if (isDir && existsSync(manifestFile)) {
      const manifest = parseDataFile('.manifest.json', readFileSync(manifestFile, 'utf8'), manifestFile) as RegoVersionFields;
      const fromRoot = applyRegoVersions(result.modules.slice(modulesBefore), manifest ?? {}, (p) => relative(root, p).split(sep).join('/'));
      result.modules.splice(modulesBefore, fromRoot.length, ...fromRoot);
    }
  }
  return result;
}
