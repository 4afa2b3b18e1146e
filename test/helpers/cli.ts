/** Drives the CLI as a user does: real folders, a real process, exit code and output. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const main = join(process.cwd(), 'src/cli/main.ts');

/** Runs `warden ARGS…` in `cwd` (tsx named by path, so any folder works). */
export function warden(args: string[], cwd: string): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', import.meta.resolve('tsx'), main, ...args], { cwd, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A temporary folder holding `files` (paths relative to it). */
export function folder(files: Record<string, string>, prefix = 'warden-test-'): string {
  const root = mkdtempSync(join(tmpdir(), prefix));
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return root;
}
