import { fileURLToPath } from 'node:url';

/** Where `npm run build` puts the front end: `build/console-web/` at the package root, from src/ or dist/. */
export const CONSOLE_WEB_ROOT = fileURLToPath(new URL('../../build/console-web/', import.meta.url));
