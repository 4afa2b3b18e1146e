/** Drives the CLI as a user does: real folders, a real process, exit code and output. */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { wardenArgs } from '../../scripts/fleet/warden-command.js';
import { temporaryDirectory } from './temp-dir.js';


/** Runs `warden ARGS…` in `cwd` (tsx named by path, so any folder works). */
export function warden(args: string[], cwd: string): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, wardenArgs(args), { cwd, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/**
 * {@link warden} without blocking: tests of one file run side by side, and a slow start on a busy
 * machine does not hold up the rest of the file.
 */
export function wardenAsync(args: string[], cwd: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, wardenArgs(args), { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  // 'close', not 'exit': only then has all of its output been read.
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** A temporary folder holding `files` (paths relative to it). */
export function folder(files: Record<string, string>, prefix = 'warden-test-'): string {
  const root = temporaryDirectory(prefix);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return root;
}
