/** Runs this checkout's `warden` CLI (through tsx) from any folder. */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const WARDEN_MAIN = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));
/** tsx's loader, named by URL so that a child in another folder finds it. */
export const TSX_LOADER = import.meta.resolve('tsx');

/** `node --import tsx src/cli/main.ts ARGS…`: the arguments for `spawn(process.execPath, …)`. */
export function wardenArgs(args: string[]): string[] {
  return ['--import', TSX_LOADER, WARDEN_MAIN, ...args];
}

/** Runs `warden ARGS…` in `cwd` to its end; rejects with its stderr when it fails. */
export function runWarden(args: string[], cwd: string): Promise<string> {
  const child = spawn(process.execPath, wardenArgs(args), { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => (code === 0 ? resolve(stdout) : reject(new Error(`warden ${args.join(' ')} exited ${code}: ${stderr}`))));
  });
}
