import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, relative } from 'node:path';
import { loadPolicyFiles, type PolicyFiles } from './policy-files.js';

/** A shell glob over one name (`*`, `?`, `[abc]`), as Go's `filepath.Match` that OPA's `--ignore` uses. */
export function globToRegExp(pattern: string): RegExp {
  const body = pattern.replace(/[.+^${}()|\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]');
  return new RegExp(`^${body}$`);
}

/** True when a file or folder name matches one of the `--ignore` patterns. */
export function isIgnored(name: string, patterns: RegExp[]): boolean {
  return patterns.some((p) => p.test(name));
}

/**
 * {@link loadPolicyFiles} without the files and folders whose names match `ignore` (OPA's
 * `--ignore`): the roots are copied without them to a scratch folder and loaded from there, so the
 * loader's rules (mount points, manifests) apply unchanged; module paths name the original files.
 */
export function loadPolicyFilesIgnoring(roots: string[], ignore: string[]): PolicyFiles {
  if (ignore.length === 0) return loadPolicyFiles(roots);
  const patterns = ignore.map(globToRegExp);
  const scratch = mkdtempSync(join(tmpdir(), 'warden-ignore-'));
  try {
    const copies = roots.map((root, i) => {
      const copy = join(scratch, String(i), basename(root));
      cpSync(root, copy, { recursive: true, filter: (src) => src === root || !isIgnored(basename(src), patterns) });
      return { root, copy };
    });
    const files = loadPolicyFiles(copies.map((c) => c.copy));
    const original = (path: string) => {
      const from = copies.find((c) => path === c.copy || path.startsWith(`${c.copy}/`));
      return from ? join(from.root, relative(from.copy, path)) : path;
    };
    return { ...files, modules: files.modules.map((m) => ({ ...m, path: original(m.path) })) };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
