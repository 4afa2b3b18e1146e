import type { BundleManifest } from './bundle-archive.js';
import { BundleError } from './errors.js';
import { SIGNATURES_FILE } from './bundle-digests.js';
import { parseJsonExact } from '../engine/exact-json.js';

/** One operation of a delta bundle's `patch.json`, as OPA defines them. */
export interface DeltaOperation {
  op: 'upsert' | 'remove' | 'replace';
  /** A slash-separated path under `data` (`/grants/bob`). */
  path: string;
  value?: unknown;
}

/** A delta bundle: its manifest (`"delta": true`) and its patch's operations, in order. */
export interface DeltaBundle {
  manifest: BundleManifest & { delta: true };
  operations: DeltaOperation[];
}

const MANIFEST_FILE = '/.manifest';
const PATCH_FILE = '/patch.json';
const OPS = new Set(['upsert', 'remove', 'replace']);

/**
 * The delta bundle `files` hold, or `undefined` when their manifest does not say `"delta": true` (a
 * snapshot). A delta carries only its manifest, `patch.json` and a signature, as in OPA: policy or
 * data files in one are refused.
 *
 * @example
 * deltaBundle(await readBundleFiles(bytes)) // → { manifest: { revision: 'r2', delta: true, roots: ['grants'] }, operations: [{ op: 'upsert', path: '/grants/bob', value: {} }] }
 * @throws BundleError saying what is wrong: a manifest or patch that is not JSON, an operation not upsert/remove/replace, a file a delta may not hold
 */
export function deltaBundle(files: ReadonlyMap<string, Buffer>): DeltaBundle | undefined {
  const manifestText = files.get(MANIFEST_FILE);
  if (!manifestText) return undefined;
  let manifest: BundleManifest & { delta?: unknown };
  try {
    manifest = JSON.parse(manifestText.toString('utf8')) as BundleManifest & { delta?: unknown };
  } catch (e) {
    throw new BundleError(`${MANIFEST_FILE} is not JSON: ${(e as Error).message}`);
  }
  if (manifest.delta !== true) return undefined;
  const foreign = [...files.keys()].filter((p) => p !== MANIFEST_FILE && p !== PATCH_FILE && p !== SIGNATURES_FILE);
  if (foreign.length > 0) throw new BundleError(`a delta bundle holds only ${MANIFEST_FILE} and ${PATCH_FILE}, not ${foreign.join(', ')}`);
  const patchText = files.get(PATCH_FILE);
  if (!patchText) throw new BundleError(`a delta bundle needs ${PATCH_FILE}`);
  let patch: unknown;
  try {
    patch = parseJsonExact(patchText.toString('utf8'));
  } catch (e) {
    throw new BundleError(`${PATCH_FILE} is not JSON: ${(e as Error).message}`);
  }
  const data = (patch as { data?: unknown } | null)?.data;
  if (!Array.isArray(data)) throw new BundleError(`${PATCH_FILE} must be {"data": [operations]}`);
  const operations = data.map((op: unknown, i): DeltaOperation => {
    const o = (typeof op === 'object' && op !== null ? op : {}) as Record<string, unknown>;
    if (typeof o.op !== 'string' || !OPS.has(o.op)) throw new BundleError(`${PATCH_FILE} data[${i}].op must be upsert, remove or replace, not ${JSON.stringify(o.op)}`);
    if (typeof o.path !== 'string' || !o.path.startsWith('/')) throw new BundleError(`${PATCH_FILE} data[${i}].path must be a path like "/grants/bob", not ${JSON.stringify(o.path)}`);
    if (o.op !== 'remove' && !Object.hasOwn(o, 'value')) throw new BundleError(`${PATCH_FILE} data[${i}] (${o.op}) has no value`);
    return o as unknown as DeltaOperation;
  });
  return { manifest: manifest as BundleManifest & { delta: true }, operations };
}
