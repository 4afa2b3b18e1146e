import { createHash } from 'node:crypto';
import type { BigIntStats } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { isHiddenEntry, isPolicyFileName, MANIFEST_FILE } from '../bundle/index.js';
import { hashInSlices } from '../bundle/sliced-hash.js';
import { EngineError } from './errors.js';

/** A directory whose entries decide a {@link SourceSnapshot}, with the identity of the inode it was when seen. */
export interface WatchedDirectory {
  readonly path: string;
  /** `dev:ino`: a folder deleted and recreated, or a symlink swapped, gets a new one. */
  readonly key: string;
}

/** What one look at the policy source saw. */
export interface SourceSnapshot {
  /** Digest of the names and bytes of every file the loader reads: equal digests load equal revisions. */
  readonly digest: string;
  /** The source's folders (dot folders left out, as the loader leaves them out) and the folder holding the source. */
  readonly directories: readonly WatchedDirectory[];
}

/** Where the policy comes from (the fields of `PolicySourceOptions` that name it). */
export interface PolicySource {
  policies?: string;
  bundle?: string;
}

/**
 * A file changed this recently may change again within one tick of its coarse timestamp without its
 * stat changing (git's "racily clean" entries), so its bytes are read again rather than trusted.
 */
const RACY_MS = 2_000;

interface HashedFile {
  readonly stat: string;
  readonly hash: string;
}

function errorCode(e: unknown): string | undefined {
  return (e as NodeJS.ErrnoException | undefined)?.code;
}

function unreadable(what: string, e: unknown): EngineError {
  return new EngineError('engine_policy_files', `cannot read policy source ${what}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
}

function statKey(st: BigIntStats): string {
  return `${st.dev}:${st.ino}:${st.size}:${st.mtimeNs}:${st.ctimeNs}`;
}

function sha256(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/**
 * Fingerprints a policy directory or bundle file by content, never by inode: files replaced by
 * rename, symlink swaps (Kubernetes ConfigMaps' `..data`), and folders deleted and recreated all
 * change the digest exactly when what the loader would read changes. It walks the directory as
 * `loadPolicyFiles` does with bundle semantics, as `serve` loads it (symlinks followed, dot entries
 * skipped, `*.rego`, `data.{json,yaml,yml}` and the root `.manifest`; not the `allDataFiles` mode of
 * `warden test` and `eval`, whose other JSON and YAML files a served policy never reads), and rereads a file only when its stat changed or is recent, so a poll of
 * an unchanged source costs one `stat` per file.
 *
 * @example
 * const fingerprinter = new SourceFingerprinter({ policies: 'policies/' });
 * const { digest } = await fingerprinter.snapshot();
 */
export class SourceFingerprinter {
  private readonly source: PolicySource;
  private hashes = new Map<string, HashedFile>();

  constructor(source: PolicySource) {
    this.source = source;
  }

  /**
   * Looks at the source now.
   *
   * @throws EngineError `engine_policy_files` when the source is gone or unreadable,
   *   `engine_invalid_config` when none is configured
   */
  async snapshot(): Promise<SourceSnapshot> {
    const seen = new Map<string, HashedFile>();
    const lines: string[] = [];
    const directories: WatchedDirectory[] = [];
    const target = this.source.bundle ?? this.source.policies;
    if (target === undefined) throw new EngineError('engine_invalid_config', 'no policy directory or bundle configured');
    const path = resolve(target);
    await this.addDirectory(dirname(path), directories);
    if (this.source.bundle) {
      const hash = await this.hashFile(path, seen);
      if (hash === undefined) throw unreadable(path, new Error('no such file'));
      lines.push(`bundle\0${hash}`);
    } else {
      let st: BigIntStats;
      try {
        st = await stat(path, { bigint: true });
      } catch (e) {
        throw unreadable(path, e);
      }
      if (!st.isDirectory()) throw unreadable(path, new Error('not a directory'));
      directories.push({ path, key: `${st.dev}:${st.ino}` });
      await this.walk(path, '', lines, directories, seen);
      const manifest = await this.hashFile(join(path, MANIFEST_FILE), seen);
      if (manifest !== undefined) lines.push(`${MANIFEST_FILE}\0${manifest}`);
    }
    this.hashes = seen;
    return { digest: sha256(lines.join('\n')), directories };
  }

  private async addDirectory(path: string, out: WatchedDirectory[]): Promise<void> {
    try {
      const st = await stat(path, { bigint: true });
      out.push({ path, key: `${st.dev}:${st.ino}` });
    } catch {
      // A missing parent only means nothing to watch there; the source itself decides readability.
    }
  }

  private async walk(dir: string, rel: string, lines: string[], directories: WatchedDirectory[], seen: Map<string, HashedFile>): Promise<void> {
    let names: string[];
    try {
      names = await readdir(dir);
    } catch (e) {
      // A subfolder removed between its parent's listing and now is a change, not an outage.
      if (rel !== '' && errorCode(e) === 'ENOENT') {
        lines.push(`${rel}\0gone`);
        return;
      }
      throw unreadable(dir, e);
    }
    // Sorted as the loader sorts, so equal trees give equal digests.
    for (const name of names.sort()) {
      if (isHiddenEntry(name)) continue;
      const path = join(dir, name);
      const relPath = rel === '' ? name : `${rel}/${name}`;
      let st: BigIntStats;
      try {
        st = await stat(path, { bigint: true });
      } catch (e) {
        // Gone since the listing, or a dangling symlink (a ConfigMap key mid-removal): the loader fails on
        // it too, so it is part of the digest; a later poll sees it resolved.
        if (errorCode(e) !== 'ENOENT') throw unreadable(path, e);
        lines.push(`${relPath}\0dangling`);
        continue;
      }
      if (st.isDirectory()) {
        directories.push({ path, key: `${st.dev}:${st.ino}` });
        lines.push(`${relPath}/`);
        await this.walk(path, relPath, lines, directories, seen);
      } else if (isPolicyFileName(name)) {
        const hash = await this.hashFile(path, seen);
        lines.push(`${relPath}\0${hash ?? 'dangling'}`);
      }
    }
  }

  /** The sha256 of a file's bytes, or undefined when it does not exist. */
  private async hashFile(path: string, seen: Map<string, HashedFile>): Promise<string | undefined> {
    let st: BigIntStats;
    try {
      st = await stat(path, { bigint: true });
    } catch (e) {
      if (errorCode(e) === 'ENOENT') return undefined;
      throw unreadable(path, e);
    }
    const key = statKey(st);
    const known = this.hashes.get(path);
    const racy = Number(st.mtimeMs) > Date.now() - RACY_MS || Number(st.ctimeMs) > Date.now() - RACY_MS;
    if (known && known.stat === key && !racy) {
      seen.set(path, known);
      return known.hash;
    }
    let bytes: Buffer;
    try {
      bytes = await readFile(path);
    } catch (e) {
      if (errorCode(e) === 'ENOENT') return undefined;
      throw unreadable(path, e);
    }
    const hash = createHash('sha256');
    await hashInSlices(hash, bytes);
    const hashed = { stat: key, hash: hash.digest('hex') };
    seen.set(path, hashed);
    return hashed.hash;
  }
}
