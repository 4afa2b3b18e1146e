import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BundleServiceError } from './errors.js';

/** What is kept beside a cached bundle. */
export interface CachedBundleMeta {
  etag: string | undefined;
  revision: string;
  downloadedAt: string;
}

/** The last bundle that activated, on disk (`bundleCacheDir`), to serve at a restart while the server is down. */
export interface CachedBundle {
  bytes: Buffer;
  meta: CachedBundleMeta;
}

const BUNDLE = 'bundle.tar.gz';
const META = 'bundle.json';

async function writeAtomically(path: string, data: Buffer | string): Promise<void> {
  const temp = `${path}.${process.pid}.tmp`;
  await writeFile(temp, data, { mode: 0o600 });
  await rename(temp, path);
}

/**
 * Writes `bytes` as the cached bundle. The metadata goes first and comes back last, so a crash part
 * way leaves a bundle without an ETag (downloaded again in full), never an ETag of a newer bundle
 * beside an older one (which the server would answer 304 to).
 *
 * @throws BundleServiceError `bundle_cache_failed` naming the folder
 */
export async function writeCachedBundle(dir: string, bytes: Buffer, meta: CachedBundleMeta): Promise<void> {
  try {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    await rm(join(dir, META), { force: true });
    await writeAtomically(join(dir, BUNDLE), bytes);
    await writeAtomically(join(dir, META), `${JSON.stringify(meta)}\n`);
  } catch (e) {
    throw new BundleServiceError('bundle_cache_failed', `cannot write the bundle cache in ${dir}: ${(e as Error).message}`, { cause: e });
  }
}

/**
 * The cached bundle in `dir`, or undefined when there is none. Its ETag is dropped when the metadata
 * is missing or unreadable. The bytes are not trusted: the caller activates (and verifies) them again.
 *
 * @throws BundleServiceError `bundle_cache_failed` when the bundle exists but cannot be read
 */
export async function readCachedBundle(dir: string): Promise<CachedBundle | undefined> {
  let bytes: Buffer;
  try {
    bytes = await readFile(join(dir, BUNDLE));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new BundleServiceError('bundle_cache_failed', `cannot read the cached bundle in ${dir}: ${(e as Error).message}`, { cause: e });
  }
  let meta: CachedBundleMeta = { etag: undefined, revision: '', downloadedAt: '' };
  try {
    const parsed = JSON.parse(await readFile(join(dir, META), 'utf8')) as Partial<CachedBundleMeta>;
    meta = {
      etag: typeof parsed.etag === 'string' ? parsed.etag : undefined,
      revision: typeof parsed.revision === 'string' ? parsed.revision : '',
      downloadedAt: typeof parsed.downloadedAt === 'string' ? parsed.downloadedAt : '',
    };
  } catch {
    // Without its metadata the bundle still serves; the next download is a full one.
  }
  return { bytes, meta };
}
