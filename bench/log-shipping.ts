// What shipping decision records to a decision-log service costs the serving thread: write() per
// record (on the decision's path), and the redact + encode + gzip + POST work done later in the same
// thread, per record, against a loopback collector that accepts everything.
// Usage: npm run bench:logship [-- --records 100000]
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { LogShipper, recordJsonWith, recordTail } from '../src/audit/index.js';

const { values } = parseArgs({ options: { records: { type: 'string', default: '100000' } } });
const records = Number(values.records);

let received = 0;
const collector = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    received++;
    res.end();
  });
});
collector.listen(0, '127.0.0.1');
await once(collector, 'listening');
const url = `http://127.0.0.1:${(collector.address() as AddressInfo).port}`;

const input = JSON.stringify({
  requester: { authenticated_by: 'mtls', id: 'spiffe://warden.local/ns/shop/sa/frontend', namespace: 'shop', service_account: 'frontend', trust_domain: 'warden.local' },
  subject: { authenticated_by: 'mtls', id: 'spiffe://warden.local/ns/shop/sa/frontend', namespace: 'shop', service_account: 'frontend', trust_domain: 'warden.local' },
  action: 'orders.read',
  resource: { attributes: { owner: 'alice' }, path: '/orders/123/items', service: 'orders' },
  context: { tenant: 'acme', trace_id: '4bf92f3577b34da6a3ce929d0e0e4736' },
  source: { ip: '10.0.0.1' },
});
const tail = recordTail({ allowed: true, reasons: ['granted: shop/frontend may orders.read on orders'], revision: 'rev-1', cached: true }, input);
const lines = Array.from({ length: records }, () => recordJsonWith({ decision_id: randomUUID(), time: new Date().toISOString(), api: 'authorizer', latency: 0.031 }, tail));

const shipper = new LogShipper({ url, maxDelaySeconds: 0.05, maxBufferBytes: 1024 * 1024 * 1024 });
const cpuBefore = process.cpuUsage();
const writeStart = process.hrtime.bigint();
for (const line of lines) shipper.write(line);
const writeNs = Number(process.hrtime.bigint() - writeStart);
const shipStart = Date.now();
await shipper.flush();
const shipMs = Date.now() - shipStart;
const cpu = process.cpuUsage(cpuBefore);
console.log(`records: ${records}, ${lines[0]!.length} bytes of JSON each, batches sent: ${shipper.sentBatches} (collector saw ${received}), dropped: ${shipper.dropped}`);
console.log(`write() on the decision path: ${(writeNs / records).toFixed(0)} ns per record`);
console.log(`shipping (redact, encode, gzip, POST): ${((shipMs * 1000) / records).toFixed(1)} µs per record wall, ${((cpu.user + cpu.system) / records).toFixed(1)} µs CPU per record in this process (collector included)`);
await shipper.close();
collector.close();
