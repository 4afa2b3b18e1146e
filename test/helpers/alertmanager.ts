/** A real Alertmanager (Debian's `prometheus-alertmanager`) for tests, on a free loopback port. */
import type { ExecutionContext } from 'ava';
import { spawn } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { temporaryDirectory } from './temp-dir.js';

export const ALERTMANAGER_BINARY = '/usr/bin/prometheus-alertmanager';
const BINARY = ALERTMANAGER_BINARY;

export interface GettableAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
  status: { state: string };
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Starts Alertmanager on a free loopback port, clustering off, files in a temp dir; stopped in teardown. */
export async function startAlertmanager(t: ExecutionContext): Promise<string> {
  const dir = temporaryDirectory('warden-alertmanager-');
  const config = join(dir, 'alertmanager.yml');
  writeFileSync(config, "route:\n  receiver: 'null'\nreceivers:\n  - name: 'null'\n");
  const port = await freePort();
  const child = spawn(BINARY, [`--config.file=${config}`, `--storage.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--cluster.listen-address=', '--log.level=warn'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise((resolve) => child.once('close', resolve));
  t.teardown(async () => {
    child.kill('SIGTERM');
    await Promise.race([exited, sleep(5000)]);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`alertmanager exited: ${stderr}`);
    const ready = await fetch(`${url}/-/ready`).then((r) => r.ok, () => false);
    if (ready) return url;
    if (Date.now() > deadline) throw new Error(`alertmanager not ready in 20 s: ${stderr}`);
    await sleep(100);
  }
}

export async function listed(url: string, alertname: string): Promise<GettableAlert[]> {
  const response = await fetch(`${url}/api/v2/alerts?filter=${encodeURIComponent(`alertname="${alertname}"`)}`);
  if (!response.ok) throw new Error(`GET /api/v2/alerts: ${response.status}`);
  return (await response.json()) as GettableAlert[];
}

