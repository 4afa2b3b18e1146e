/**
 * Real servers from Debian packages for tests (Alertmanager, Redis, …): installed on demand where the
 * test runs as root with apt-get, else the tests that need them are skipped with a printed reason —
 * except in CI (`WARDEN_REQUIRE_SERVERS=1`), where a missing server is a failure, not a skip.
 */
import { execFile } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** What the helper needs of its caller: somewhere to say why a test will not run (ava's `t`, or `console`). */
export interface LogsLike {
  log(...values: unknown[]): void;
}

const installs = new Map<string, Promise<string | undefined>>();

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

const APT_ENV = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };

async function apt(args: string[]): Promise<void> {
  await run('apt-get', ['-qq', ...args], { env: APT_ENV, timeout: 300_000, maxBuffer: 16 * 1024 * 1024 });
}

/** Installs `pkg`; resolves with why it could not, or undefined once `binary` is there. */
async function install(pkg: string, binary: string): Promise<string | undefined> {
  if (executable(binary)) return undefined;
  if (process.getuid?.() !== 0) return `${binary} is missing and this is not root: cannot apt-get install ${pkg}`;
  if (!executable('/usr/bin/apt-get')) return `${binary} is missing and there is no apt-get to install ${pkg}`;
  const installArgs = ['install', '-y', '--no-install-recommends', pkg];
  try {
    await apt(installArgs);
  } catch {
    // Package lists may be missing or stale on a fresh machine: refresh once and try again.
    try {
      await apt(['update']);
      await apt(installArgs);
    } catch (e) {
      return `apt-get install ${pkg} failed: ${(e as { stderr?: string }).stderr?.trim() || String(e)}`;
    }
  }
  return executable(binary) ? undefined : `apt-get installed ${pkg} but ${binary} is still missing`;
}

/**
 * Makes sure `binary` (from Debian package `pkg`) exists, installing the package once per process
 * when it is missing and that is possible. Resolves true when the binary is there; otherwise logs
 * why through `t` and resolves false, so the caller registers its tests as skipped — unless env
 * `WARDEN_REQUIRE_SERVERS=1`, where it rejects (CI must not skip real-server tests).
 *
 * @example
 * const withAlertmanager = (await ensureDebianPackage(console, 'prometheus-alertmanager', '/usr/bin/prometheus-alertmanager')) ? test : test.skip;
 */
export async function ensureDebianPackage(t: LogsLike, pkg: string, binary: string): Promise<boolean> {
  let pending = installs.get(pkg);
  if (pending === undefined) {
    pending = install(pkg, binary);
    installs.set(pkg, pending);
  }
  const problem = await pending;
  if (problem === undefined) return true;
  if (process.env['WARDEN_REQUIRE_SERVERS'] === '1') throw new Error(`WARDEN_REQUIRE_SERVERS=1 and ${problem}`);
  t.log(`skipped: the tests needing ${pkg} do not run: ${problem}`);
  return false;
}
