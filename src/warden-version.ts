import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let known: string | undefined;

/**
 * Warden's version from its package.json (the nearest one named `warden` above this file, from
 * `src/` or `dist/` alike); `'unknown'` when none can be read. Read once.
 */
export function wardenVersion(): string {
  if (known !== undefined) return known;
  known = 'unknown';
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    try {
      const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: unknown; version?: unknown };
      if (manifest.name === 'warden' && typeof manifest.version === 'string') return (known = manifest.version);
    } catch {
      // No package.json here: look one directory up.
    }
    dir = dirname(dir);
  }
  return known;
}
