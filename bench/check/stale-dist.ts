import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function newestMtimeMs(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtimeMs(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/**
 * Throws when dist/ exists but src/ changed after it was built: the servers would load dist/ and
 * measure code that is not the code being worked on.
 */
export function refuseStaleDist(root: string): void {
  const built = join(root, 'dist', 'server', 'index.js');
  if (!existsSync(built)) return;
  if (newestMtimeMs(join(root, 'src')) > statSync(built).mtimeMs) {
    throw new Error('dist/ is older than src/: run `npm run build` first (or remove dist/ to measure src/ through tsx)');
  }
}
