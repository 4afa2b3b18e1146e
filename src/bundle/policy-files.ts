import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { applyRegoVersions, type RegoVersionFields } from './rego-versions.js';
import { PolicyFilesError } from './errors.js';

export interface PolicyFiles {
  /** Rego modules; `regoVersion` where a root's `.manifest` sets one (as `opa build -b` reads it). */
  modules: Array<{ path: string; source: string; regoVersion?: 0 | 1 }>;
  /** Every data file merged at its mount point (`a/b/data.json` → `data.a.b`). */
  data: Record<string, unknown>;
}

const DATA_FILES = new Set(['data.json', 'data.yaml', 'data.yml']);

/** The file at a policy directory's root whose `rego_version` fields {@link loadPolicyFiles} applies. */
export const MANIFEST_FILE = '.manifest';

/** True for an entry {@link loadPolicyFiles} skips while walking a directory (dot files and folders). */
export function isHiddenEntry(name: string): boolean {
  return name.startsWith('.');
}

/** True for a file name {@link loadPolicyFiles} reads inside a directory: `*.rego` and `data.{json,yaml,yml}`. */
export function isPolicyFileName(name: string): boolean {
  return name.endsWith('.rego') || DATA_FILES.has(name);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Puts `value` at `path` in `root`, merging objects; two different values at one place is an error. */
export function mountData(root: Record<string, unknown>, path: string[], value: unknown, file: string): void {
  let node = root;
  for (let i = 0; i < path.length - 1; i++) {
    const seg = path[i]!;
    const next = node[seg];
    if (next === undefined) node[seg] = {};
    else if (!isObject(next)) throw new PolicyFilesError(file, `data at ${path.slice(0, i + 1).join('.')} is not an object`);
    node = node[seg] as Record<string, unknown>;
  }
  if (path.length === 0) {
    if (!isObject(value)) throw new PolicyFilesError(file, 'a data file at the root must hold an object');
    for (const [k, v] of Object.entries(value)) mountData(root, [k], v, file);
    return;
  }
  const last = path[path.length - 1]!;
  const existing = node[last];
  if (existing === undefined) node[last] = value;
  else if (isObject(existing) && isObject(value)) for (const [k, v] of Object.entries(value)) mountData(existing, [k], v, file);
  else throw new PolicyFilesError(file, `data at ${path.join('.')} is defined twice`);
}

export function parseDataFile(name: string, text: string, file: string): unknown {
  try {
    return name.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (e) {
    throw new PolicyFilesError(file, `not valid ${name.endsWith('.json') ? 'JSON' : 'YAML'}: ${(e as Error).message}`);
  }
}

function walk(dir: string, out: string[]): void {
  for (const name of readdirSync(dir).sort()) {
    if (isHiddenEntry(name)) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else out.push(p);
  }
}

/**
 * Loads a policy directory (or single files) in OPA's bundle layout: `*.rego` anywhere, `data.json`
 * and `data.yaml` mounted at their directory's path. Paths in the result are relative to the root.
 */
export function loadPolicyFiles(roots: string[]): PolicyFiles {
  const result: PolicyFiles = { modules: [], data: {} };
  for (const root of roots) {
    const isDir = statSync(root).isDirectory();
    const files: string[] = [];
    if (isDir) walk(root, files);
    else files.push(root);
    const modulesBefore = result.modules.length;
    for (const file of files) {
      const rel = isDir ? relative(root, file) : file;
      const name = rel.split(sep).pop()!;
      if (name.endsWith('.rego')) {
        result.modules.push({ path: isDir ? join(root, rel) : file, source: readFileSync(file, 'utf8') });
      } else if (DATA_FILES.has(name) || (!isDir && (name.endsWith('.json') || name.endsWith('.yaml') || name.endsWith('.yml')))) {
        const mount = isDir ? rel.split(sep).slice(0, -1) : [];
        mountData(result.data, mount, parseDataFile(name, readFileSync(file, 'utf8'), file), file);
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
