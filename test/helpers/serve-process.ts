/** `warden serve` as an operator runs it: a real process in a folder of its own, its stderr, its exit. */
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { temporaryDirectory } from './temp-dir.js';

export const MAIN = join(process.cwd(), 'src/cli/main.ts');
// The children run in a temporary folder, so tsx is named by path rather than resolved from there.
export const TSX = pathToFileURL(join(process.cwd(), 'node_modules/tsx/dist/loader.mjs')).href;

/** A temporary folder holding a copy of the bundled policies/. */
export function servingFolder(prefix = 'warden-serve-'): string {
  const dir = temporaryDirectory(prefix);
  cpSync(join(process.cwd(), 'policies'), join(dir, 'policies'), { recursive: true });
  return dir;
}

export interface ServeProcess extends ChildProcess {
  /** Resolves when the process has ended and its output is read, with its exit code and how long it ran. */
  readonly exited: Promise<{ code: number | null; ms: number }>;
  /** Everything it wrote to stderr so far. */
  stderrText(): string;
  /** Resolves with `host:port` once it says it is serving; rejects if it exits first or takes too long. */
  serving(timeoutMs?: number): Promise<string>;
}

/** Starts `warden serve --dev ARGS…` in `dir`; stdout is ignored unless `stdout: 'pipe'`. */
export function startServe(dir: string, args: string[], stdout: 'ignore' | 'pipe' = 'ignore'): ServeProcess {
  const started = Date.now();
  const child = spawn(process.execPath, ['--import', TSX, MAIN, 'serve', '--dev', ...args], { cwd: dir, stdio: ['ignore', stdout, 'pipe'] });
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  // 'close', not 'exit': only then has everything the process wrote to stderr been read.
  const exited = new Promise<{ code: number | null; ms: number }>((resolve) => child.once('close', (code) => resolve({ code, ms: Date.now() - started })));
  const serving = async (timeoutMs = 90_000): Promise<string> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const m = /serving on ([^\s,]+)[,\n]/.exec(err);
      if (m) return m[1]!;
      if (child.exitCode !== null || Date.now() > deadline) throw new Error(`server did not start: ${err}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  return Object.assign(child, { exited, stderrText: () => err, serving });
}
