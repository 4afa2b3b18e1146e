import { dirname, isAbsolute, resolve } from 'node:path';
import { checkBundleServiceConfig, type BundleServiceConfig, type BundleServiceSettings } from '../bundle/index.js';
import { ServiceError } from './errors.js';
import { resolveTlsFilesBeside } from '../outbound/outbound-tls.js';

/** The serve config keys of the bundle service. */
export interface BundleServiceServeConfig {
  policies?: string;
  bundle?: string;
  /** Download bundles from a bundle server (`--bundle-url`), as OPA's bundle plugin does; excludes `policies` and `bundle`. */
  bundleService?: BundleServiceConfig;
  /** Where the last bundle that activated is kept, to serve at a restart while the server is down (`--bundle-cache-dir`). */
  bundleCacheDir?: string;
}

/**
 * The checked bundle service of `config`, or undefined when `bundleService` is not set.
 *
 * @throws ServiceError `invalid_config` naming the key and what is wrong: a bad field, `bundleService`
 *   together with `policies` or `bundle`, or `bundleCacheDir` without `bundleService`
 */
export function bundleServiceSettings(config: BundleServiceServeConfig): { settings: BundleServiceSettings; cacheDir: string | undefined } | undefined {
  const cacheDir: unknown = config.bundleCacheDir;
  if (cacheDir !== undefined && (typeof cacheDir !== 'string' || cacheDir === '')) throw new ServiceError('invalid_config', 'bundleCacheDir must be the path of a folder');
  if (config.bundleService === undefined) {
    if (cacheDir !== undefined) throw new ServiceError('invalid_config', 'bundleCacheDir (--bundle-cache-dir) needs bundleService (--bundle-url): it caches downloaded bundles');
    return undefined;
  }
  const other = config.bundle !== undefined ? 'bundle (--bundle)' : config.policies !== undefined ? 'policies (--policies)' : undefined;
  if (other) throw new ServiceError('invalid_config', `bundleService (--bundle-url) and ${other} are two policy sources: give one`);
  try {
    return { settings: checkBundleServiceConfig(config.bundleService), cacheDir: cacheDir as string | undefined };
  } catch (e) {
    throw new ServiceError('invalid_config', (e as Error).message, { cause: e });
  }
}

/** The config file's relative `bundleCacheDir` and `bundleService.tls` files, found beside the file. */
export function resolveBundleServicePaths(config: BundleServiceServeConfig, file: string): void {
  const beside = (path: unknown) => (typeof path === 'string' && path !== '' && !isAbsolute(path) ? resolve(dirname(file), path) : path);
  if (config.bundleCacheDir !== undefined) config.bundleCacheDir = beside(config.bundleCacheDir) as string;
  resolveTlsFilesBeside((config.bundleService as { tls?: unknown } | undefined)?.tls, file);
}
