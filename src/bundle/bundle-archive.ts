import { gunzipSync, gzipSync } from 'node:zlib';
import { dataDocument, yamlDataDocument, type DataDocument } from './data-documents.js';
import { Readable } from 'node:stream';
import tar from 'tar-stream';
import { mountData, parseDataFile } from './policy-files.js';
import { applyRegoVersions } from './rego-versions.js';
import { BundleError } from './errors.js';
import { signatureFile, type BundleSigningOptions } from './bundle-signing.js';
import { SIGNATURES_FILE } from './bundle-digests.js';
import { stringifyJsonExact } from '../engine/exact-json.js';

/** OPA's bundle manifest (`/.manifest`). */
export interface BundleManifest {
  revision?: string;
  roots?: string[];
  wasm?: Array<{ entrypoint: string; module: string }>;
  rego_version?: number;
  file_rego_versions?: Record<string, number>;
  metadata?: Record<string, unknown>;
}

/** The contents of an OPA bundle, as `opa build` writes it (`-t rego`, `-t wasm` or `-t plan`). */
export interface Bundle {
  manifest: BundleManifest;
  data: Record<string, unknown>;
  /** Rego modules; `regoVersion` where the manifest sets one (`rego_version`, `file_rego_versions`). */
  modules: Array<{ path: string; source: string; regoVersion?: 0 | 1 }>;
  /** `/policy.wasm` (or the module the manifest names), when the bundle has one. */
  wasm?: Uint8Array;
  /** `/plan.json`, when the bundle was built with `-t plan`. */
  plan?: unknown;
  /** The data files read (`/app/data.json`), for tools that list where data comes from. */
  dataFiles?: string[];
  /** With `dataUnread`: the data files as their JSON texts (`data` stays empty). */
  dataDocuments?: DataDocument[];
}

/**
 * Most bytes a bundle may expand to, as OPA's default bundle size limit (1 GiB): a few megabytes of
 * gzip can expand a thousandfold, and a bundle is read before its signature can be checked.
 */
export const MAX_EXPANDED_BUNDLE_BYTES = 1024 * 1024 * 1024;

/** The files of a gzipped tar bundle by path (`/data.json`), as stored: what a signature covers. */
export async function readBundleFiles(archive: Uint8Array, maxExpandedBytes = MAX_EXPANDED_BUNDLE_BYTES): Promise<Map<string, Buffer>> {
  let raw: Buffer;
  try {
    raw = gunzipSync(archive, { maxOutputLength: maxExpandedBytes });
  } catch (e) {
    if ((e as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') throw new BundleError(`bundle expands to more than ${maxExpandedBytes} bytes: refused (a gzip bomb, or a bundle too large to load)`);
    throw new BundleError(`bundle is not gzip data: ${(e as Error).message}`);
  }
  const files = new Map<string, Buffer>();
  const extract = tar.extract();
  const done = new Promise<void>((resolve, reject) => {
    extract.on('entry', (header, stream, next) => {
      const chunks: Buffer[] = [];
      stream.on('data', (c: unknown) => {
        chunks.push(c as Buffer);
      });
      stream.on('end', () => {
        if (header.type === 'file') files.set(`/${header.name.replace(/^\.?\/+/, '')}`, Buffer.concat(chunks));
        next();
      });
      stream.resume();
    });
    extract.on('finish', resolve);
    extract.on('error', (e: Error) => reject(new BundleError(`bundle is not a tar archive: ${e.message}`)));
  });
  Readable.from([raw]).pipe(extract);
  await done;
  return files;
}

/** Reads a gzipped tar bundle. */
export async function readBundle(archive: Uint8Array): Promise<Bundle> {
  return bundleFromFiles(await readBundleFiles(archive));
}

/** A bundle from its files by path, as {@link readBundleFiles} gives them. */
export function bundleFromFiles(files: ReadonlyMap<string, Buffer>, options: { dataUnread?: boolean } = {}): Bundle {
  const manifestText = files.get('/.manifest');
  let manifest: BundleManifest = {};
  if (manifestText) {
    try {
      manifest = JSON.parse(manifestText.toString('utf8')) as BundleManifest;
    } catch (e) {
      throw new BundleError(`/.manifest is not JSON: ${(e as Error).message}`);
    }
  }
  const bundle: Bundle = { manifest, data: {}, modules: [], dataFiles: [] };
  const wasmPath = manifest.wasm?.[0]?.module ?? '/policy.wasm';
  for (const [path, content] of [...files].sort(([a], [b]) => a.localeCompare(b))) {
    const name = path.split('/').pop()!;
    if (name === 'data.json' || name === 'data.yaml' || name === 'data.yml') {
      const mount = path.split('/').slice(1, -1);
      if (options.dataUnread) (bundle.dataDocuments ??= []).push(name === 'data.json' ? dataDocument(path, mount, content) : yamlDataDocument(path, mount, content.toString('utf8')));
      else mountData(bundle.data, mount, parseDataFile(name, content.toString('utf8'), path), path);
      bundle.dataFiles!.push(path);
    } else if (name.endsWith('.rego')) bundle.modules.push({ path, source: content.toString('utf8') });
    else if (path === wasmPath) bundle.wasm = new Uint8Array(content);
    else if (path === '/plan.json') {
      try {
        bundle.plan = JSON.parse(content.toString('utf8'));
      } catch (e) {
        throw new BundleError(`/plan.json is not JSON: ${(e as Error).message}`);
      }
    }
  }
  bundle.modules = applyRegoVersions(bundle.modules, manifest);
  return bundle;
}

/** Writes a gzipped tar bundle in OPA's layout; with `signing`, a `/.signatures.json` over its files. */
export async function writeBundle(bundle: Bundle, signing?: BundleSigningOptions): Promise<Uint8Array> {
  const files = new Map<string, Buffer>();
  const add = (name: string, content: Uint8Array | string) => {
    files.set(name, typeof content === 'string' ? Buffer.from(content, 'utf8') : Buffer.from(content));
  };
  add('/data.json', stringifyJsonExact(bundle.data));
  for (const m of bundle.modules) add(m.path.startsWith('/') ? m.path : `/${m.path}`, m.source);
  if (bundle.wasm) add('/policy.wasm', bundle.wasm);
  if (bundle.plan !== undefined) add('/plan.json', JSON.stringify(bundle.plan));
  add('/.manifest', JSON.stringify(bundle.manifest));
  if (signing) add(SIGNATURES_FILE, await signatureFile(files, signing));
  return packFiles(files);
}

/** A gzipped tar of `files`, in the order given, with fixed times so equal input gives equal bytes. */
export async function packFiles(files: ReadonlyMap<string, Uint8Array>): Promise<Uint8Array> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  pack.on('data', (c: unknown) => {
    chunks.push(c as Buffer);
  });
  const finished = new Promise<void>((resolve, reject) => {
    pack.on('end', resolve);
    pack.on('error', reject);
  });
  for (const [name, content] of files) {
    const buf = Buffer.from(content);
    pack.entry({ name, size: buf.length, mode: 0o644, mtime: new Date(0) }, buf);
  }
  pack.finalize();
  await finished;
  return new Uint8Array(gzipSync(Buffer.concat(chunks)));
}
