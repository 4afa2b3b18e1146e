// Compiles the AssemblyScript runtime that every policy module is built on.
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
mkdirSync(join(root, 'build'), { recursive: true });
const asc = join(root, 'node_modules', 'assemblyscript', 'bin', 'asc.js');
execFileSync(
  process.execPath,
  [
    asc,
    join(root, 'src/wasm/runtime/index.ts'),
    '--runtime', 'stub',
    '--importMemory',
    '--initialMemory', '2',
    '--use', 'abort=',
    '--noAssert',
    '--disableWarning', '201',
    '-O3',
    '--converge',
    '--outFile', join(root, 'build/runtime.wasm'),
    '--textFile', join(root, 'build/runtime.wat'),
  ],
  { stdio: 'inherit' },
);
