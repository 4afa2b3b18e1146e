// Writes docs/builtins.md from the builtin registry (`npm run docs:builtins`).
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderBuiltinReference } from '../src/builtins/registry/reference.js';

const target = fileURLToPath(new URL('../docs/builtins.md', import.meta.url));
writeFileSync(target, renderBuiltinReference());
process.stdout.write(`wrote ${target}\n`);
