/** Alerts reaching a real Alertmanager (Debian's `prometheus-alertmanager`), started for the test. */
import test, { type ExecutionContext } from 'ava';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { banAlert } from '../../../src/protection/alerts/alert.js';
import { ensureDebianPackage } from '../../helpers/debian-package.js';
import { event, watch } from './helpers.js';

const BINARY = '/usr/bin/prometheus-alertmanager';
const withAlertmanager = (await ensureDebianPackage(console, 'prometheus-alertmanager', BINARY)) ? test.serial : test.skip;

interface GettableAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
  status: { state: string };
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Starts Alertmanager on a free loopback port, clustering off, files in a temp dir; stopped in teardown. */
async function startAlertmanager(t: ExecutionContext): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'warden-alertmanager-'));
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

async function listed(url: string, alertname: string): Promise<GettableAlert[]> {
  const response = await fetch(`${url}/api/v2/alerts?filter=${encodeURIComponent(`alertname="${alertname}"`)}`);
  if (!response.ok) throw new Error(`GET /api/v2/alerts: ${response.status}`);
  return (await response.json()) as GettableAlert[];
}

withAlertmanager('a new edge and a ban reach a real Alertmanager, with their labels, active until their end', async (t) => {
  const url = await startAlertmanager(t);
  const subject = 'spiffe://example.org/ns/shop/sa/web';
  // The fake clock starts on the real one: Alertmanager judges startsAt and endsAt by its own clock.
  const w = watch({ webhook: url, newEdge: { learnFor: '1m' }, resolveAfter: '10m' }, { delivery: { batchDelayMs: 20 } }, Date.now() - 120_000);
  t.teardown(() => w.monitor.close(0));
  w.monitor.observe(event(w.clock, { subject, service: 'payments' }));
  w.clock.ms = Date.now();
  w.monitor.observe(event(w.clock, { subject, service: 'payments' }));
  w.monitor.observe(event(w.clock, { subject, service: 'ledger', address: '10.0.0.7' }));
  const banEnds = Date.now() + 5 * 60_000;
  w.monitor.raise(banAlert({ by: 'source_ip', key: '203.0.113.9', untilMs: banEnds, denials: 10, withinMs: 60_000 }));

  const deadline = Date.now() + 15_000;
  let edges: GettableAlert[] = [];
  let bans: GettableAlert[] = [];
  while ((edges.length === 0 || bans.length === 0) && Date.now() < deadline) {
    await sleep(100);
    [edges, bans] = await Promise.all([listed(url, 'WardenNewEdge'), listed(url, 'WardenBan')]);
  }
  t.is(edges.length, 1, 'only the edge not learned');
  t.deepEqual(edges[0]!.labels, { alertname: 'WardenNewEdge', subject, service: 'ledger' });
  t.regex(edges[0]!.annotations['summary']!, /new edge: .* → ledger/);
  t.is(edges[0]!.status.state, 'active');
  t.is(Date.parse(edges[0]!.endsAt), w.clock.ms + 10 * 60_000);
  t.is(bans.length, 1);
  t.deepEqual(bans[0]!.labels, { alertname: 'WardenBan', address: '203.0.113.9' });
  t.regex(bans[0]!.annotations['summary']!, /^ban: address 203\.0\.113\.9 banned until /);
  t.is(Date.parse(bans[0]!.endsAt), banEnds);
  t.is(w.monitor.deliveryStats.failures, 0);
});
