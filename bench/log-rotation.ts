// What the rotating writer costs in the decision-log worker against the plain synchronous pino
// destination it replaces for files: MB/s and records/s writing 1 MiB chunks of ~600-byte records
// (as the worker batches them), with no rotation, daily rotation, and size rotation every 8 MB.
// Usage: npm run bench:logroll [-- --records 300000 --rounds 3]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { RotatingFile } from '../src/audit/rotating-file.js';

const { values } = parseArgs({ options: { records: { type: 'string', default: '300000' }, rounds: { type: 'string', default: '3' } } });
const records = Number(values.records);
const rounds = Number(values.rounds);
const CHUNK_CHARS = 1 << 20;

const line = (n: number) =>
  `${JSON.stringify({ log: 'decision', decision_id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`, time: '2026-12-03T08:00:00.000Z', api: 'authorizer', requester: { id: 'spiffe://warden.local/ns/shop/sa/frontend', authenticated_by: 'mtls' }, subject: { id: 'spiffe://warden.local/ns/shop/sa/frontend', authenticated_by: 'requester' }, action: 'orders.read', resource: { service: 'orders', path: '/orders/123/items', attributes: { owner: 'alice' } }, context: { tenant: 'acme', trace_id: '4bf92f3577b34da6a3ce929d0e0e4736' }, allowed: true, reasons: [], revision: 'r1', cached: false, latency: 0.21 })}\n`;
const chunks: string[] = [];
let pending = '';
for (let n = 0; n < records; n++) {
  pending += line(n);
  if (pending.length >= CHUNK_CHARS) {
    chunks.push(pending);
    pending = '';
  }
}
if (pending) chunks.push(pending);
const bytes = chunks.reduce((sum, c) => sum + Buffer.byteLength(c), 0);

type Writer = { write(text: string): void; close(): void };
const writers: Record<string, (file: string) => Writer> = {
  'pino.destination (sync, before)': (file) => {
    const boom = pino.destination({ dest: file, sync: true });
    return { write: (text) => void boom.write(text), close: () => boom.flushSync() };
  },
  'RotatingFile daily': (file) => new RotatingFile(file, { schedule: { kind: 'daily' }, retentionMs: 7 * 86_400_000, maintenanceIntervalMs: false }),
  'RotatingFile size:8MB': (file) => new RotatingFile(file, { schedule: { kind: 'size', bytes: 8_000_000 }, retentionMs: 7 * 86_400_000, maintenanceIntervalMs: false }),
};

console.log(`${records} records, ${(bytes / 1e6).toFixed(1)} MB in ${chunks.length} chunks; median of ${rounds} rounds`);
for (const [name, open] of Object.entries(writers)) {
  const times: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const dir = mkdtempSync(join(tmpdir(), 'warden-bench-logroll-'));
    const writer = open(join(dir, 'decisions.log'));
    const start = process.hrtime.bigint();
    for (const chunk of chunks) writer.write(chunk);
    writer.close();
    times.push(Number(process.hrtime.bigint() - start) / 1e9);
    rmSync(dir, { recursive: true, force: true });
  }
  const s = times.sort((a, b) => a - b)[Math.floor(times.length / 2)]!;
  console.log(`${name.padEnd(32)} ${(bytes / 1e6 / s).toFixed(0).padStart(6)} MB/s ${Math.round(records / s).toLocaleString('en').padStart(12)} records/s`);
}
