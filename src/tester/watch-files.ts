import { existsSync, statSync, watch, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';

/**
 * Calls `onChange` once things settle after any file under `roots` changes (`quietMs` without
 * further events), ignoring dot entries as the loader does. Directories are watched recursively
 * (fs.watch: Node 20 supports it on Linux, macOS and Windows); a single file through its folder.
 * Returns a function that stops watching.
 */
export function watchFiles(roots: readonly string[], onChange: () => void, quietMs = 150): () => void {
  let timer: NodeJS.Timeout | undefined;
  const changed = (name: string | null) => {
    if (name !== null && name.split(/[\\/]/).some((part) => part.startsWith('.'))) return;
    clearTimeout(timer);
    timer = setTimeout(onChange, quietMs);
  };
  const watchers: FSWatcher[] = roots.map((root) => {
    if (existsSync(root) && statSync(root).isDirectory()) return watch(root, { recursive: true }, (_event, name) => changed(name));
    const file = basename(root);
    return watch(dirname(root), (_event, name) => name === file && changed(name));
  });
  return () => {
    clearTimeout(timer);
    for (const w of watchers) w.close();
  };
}
