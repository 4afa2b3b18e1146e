import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { parseModule } from '../rego/syntax/index.js';
import { CompileError } from '../rego/errors.js';
import { readBundle, type BundleManifest } from './bundle-archive.js';
import { BundleError } from './errors.js';
import { MANIFEST_FILE, isHiddenEntry, loadPolicyFiles, parseDataFile } from './policy-files.js';

/** What `opa inspect` reports about a bundle. */
export interface BundleInfo {
  manifest: BundleManifest;
  wasm_modules?: Array<{ url: string; path: string; entrypoints: string[] }>;
  /** `data.app` → the files that contribute to it: modules by package, data files by mount, Wasm entrypoints. */
  namespaces: Record<string, string[]>;
}

const DATA_FILES = new Set(['data.json', 'data.yaml', 'data.yml']);
const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** `data.a.b`, `data.a["b-c"]`: a path as OPA prints a ref. */
export function dataRef(path: string[]): string {
  return ['data', ...path].map((p, i) => (i === 0 ? p : IDENT.test(p) ? `.${p}` : `[${JSON.stringify(p)}]`)).join('');
}

function packageOf(path: string, source: string, regoVersion: 0 | 1): string {
  const parsed = parseModule(source, { file: path, regoVersion });
  if (!parsed.module) throw new CompileError(parsed.diagnostics);
  return dataRef(parsed.module.package.path.map((p) => p.value));
}

function add(namespaces: Record<string, string[]>, key: string, file: string): void {
  (namespaces[key] ??= []).push(file);
}

function entrypointRef(entrypoint: string): string {
  return dataRef(entrypoint.replace(/^\/+/, '').split('/'));
}

function dataFilesIn(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir).sort()) {
    if (isHiddenEntry(name)) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) dataFilesIn(p, out);
    else if (DATA_FILES.has(name)) out.push(p);
  }
  return out;
}

/** Lists a bundle (a `.tar.gz` or a bundle directory) or one `.rego` file, as `opa inspect` does. */
export async function inspectBundle(path: string, regoVersion: 0 | 1 = 1): Promise<BundleInfo> {
  if (!existsSync(path)) throw new BundleError(`${path}: no such file or directory`);
  const namespaces: Record<string, string[]> = {};
  let manifest: BundleManifest;
  if (statSync(path).isDirectory()) {
    const manifestFile = join(path, MANIFEST_FILE);
    manifest = existsSync(manifestFile) ? (parseDataFile('.manifest.json', readFileSync(manifestFile, 'utf8'), manifestFile) as BundleManifest) : {};
    for (const m of loadPolicyFiles([path]).modules) add(namespaces, packageOf(m.path, m.source, m.regoVersion ?? regoVersion), m.path);
    for (const file of dataFilesIn(path)) {
      const mount = relative(path, file).split(sep).slice(0, -1);
      add(namespaces, dataRef(mount), file);
    }
  } else if (path.endsWith('.rego')) {
    manifest = {};
    add(namespaces, packageOf(path, readFileSync(path, 'utf8'), regoVersion), path);
  } else {
    const bundle = await readBundle(readFileSync(path));
    manifest = bundle.manifest;
    for (const m of bundle.modules) add(namespaces, packageOf(m.path, m.source, m.regoVersion ?? regoVersion), m.path);
    for (const file of bundle.dataFiles ?? []) add(namespaces, dataRef(file.split('/').slice(1, -1)), file);
  }
  for (const w of manifest.wasm ?? []) add(namespaces, entrypointRef(w.entrypoint), w.module);
  const byModule = new Map<string, string[]>();
  for (const w of manifest.wasm ?? []) byModule.set(w.module, [...(byModule.get(w.module) ?? []), entrypointRef(w.entrypoint)]);
  const wasm_modules = [...byModule].map(([module, entrypoints]) => ({ url: module, path: module, entrypoints }));
  return { manifest, ...(wasm_modules.length > 0 ? { wasm_modules } : {}), namespaces };
}
