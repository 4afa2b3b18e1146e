// How long `warden replay` takes over a large log: N recorded decisions (default 100,000) of the
// bundled policy, gzipped into two rotated files, re-decided with the bundled policies (compile
// included). Every input is distinct (its path and source address vary), so the decision cache
// never answers: the worst case. Target: 100,000 in under 10 s on a 2-core machine.
// Usage: npm run bench:replay [-- --records 100000]
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { replayDecisions } from '../src/replay/index.js';

const { values } = parseArgs({ options: { records: { type: 'string', default: '100000' } } });
const records = Number(values.records);

const identity = (ns: string, sa: string) => ({ authenticated_by: 'mtls', id: `spiffe://warden.local/ns/${ns}/sa/${sa}`, namespace: ns, service_account: sa, trust_domain: 'warden.local' });
// Calls and the bundled policy's answers to them.
const calls = [
  { ns: 'shop', sa: 'frontend', service: 'orders', action: 'orders.read', allowed: true },
  { ns: 'shop', sa: 'checkout', service: 'payments', action: 'payments.charge', allowed: true },
  { ns: 'shop', sa: 'cart', service: 'inventory', action: 'inventory.read', allowed: true },
  { ns: 'shop', sa: 'frontend', service: 'payments', action: 'payments.refund', allowed: false },
];

function line(i: number): string {
  const c = calls[i % calls.length]!;
  const who = identity(c.ns, c.sa);
  const reasons = c.allowed ? [`granted: ${c.ns}/${c.sa} may ${c.action} on ${c.service}`] : [`no grant lets ${c.ns}/${c.sa} ${c.action} on ${c.service}`];
  const time = new Date(Date.UTC(2026, 11, 3) + i * 10).toISOString();
  const id = `00000000-0000-4000-8000-${i.toString(16).padStart(12, '0')}`;
  return JSON.stringify({
    log: 'decision', decision_id: id, time, api: 'authorizer', action: c.action, context: { trace: i.toString(16) }, requester: who,
    resource: { attributes: {}, path: `/${c.service}/${i}`, service: c.service }, source: { ip: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}` }, subject: who,
    allowed: c.allowed, reasons, revision: 'bench', cached: false, latency: 0.2,
  });
}

const dir = mkdtempSync(join(tmpdir(), 'warden-bench-replay-'));
try {
  const half = Math.floor(records / 2);
  const files = [join(dir, 'decisions.log.2026-12-03T00-00-00.000Z'), join(dir, 'decisions.log')];
  const lines = Array.from({ length: records }, (_, i) => line(i));
  writeFileSync(files[0]!, gzipSync(`${lines.slice(0, half).join('\n')}\n`));
  writeFileSync(files[1]!, `${lines.slice(half).join('\n')}\n`);
  const started = performance.now();
  const report = await replayDecisions({ files, policies: 'policies' });
  const seconds = (performance.now() - started) / 1000;
  console.log(`replay: ${report.records} records (one gzipped rotated file, one plain) re-decided in ${seconds.toFixed(2)} s (compile included), ${Math.round(report.records / seconds)} records/s`);
  console.log(`        replayed ${report.replayed}, unchanged ${report.unchanged}, changed ${report.records - report.unchanged - report.notReplayable.total}, not replayable ${report.notReplayable.total}`);
  console.log(`        target: 100,000 in < 10 s: ${records >= 100_000 ? (seconds < 10 ? 'met' : 'MISSED') : 'run with --records 100000 to check'}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
