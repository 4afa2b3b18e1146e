import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** A file of the built front end, read once. */
export interface StaticFile {
  body: Buffer;
  contentType: string;
  /** Content-hashed names may be cached; `index.html` may not. */
  immutable: boolean;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
};

/**
 * The front end built by `npm run build` (`build/console-web/`), read into memory at start, keyed
 * by URL path: only these paths are ever served, so no request names a file on disk.
 */
export function loadStaticFiles(root: string): Map<string, StaticFile> {
  const files = new Map<string, StaticFile>();
  if (!existsSync(join(root, 'index.html'))) return files;
  const walk = (dir: string, prefix: string): void => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) {
        walk(path, `${prefix}${name}/`);
        continue;
      }
      const ext = name.slice(name.lastIndexOf('.'));
      const contentType = TYPES[ext];
      if (!contentType) continue;
      files.set(`/${prefix}${name}`, { body: readFileSync(path), contentType, immutable: prefix.startsWith('assets/') });
    }
  };
  walk(root, '');
  return files;
}
