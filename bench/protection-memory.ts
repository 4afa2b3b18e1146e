// What the countermeasures hold when many distinct addresses hammer: a per-address rate limit and an
// automatic ban by address, fed N distinct addresses (each denied by the policy, so each also opens a
// window towards a ban), with the store bounded at its default 100,000 keys. Prints the heap after a
// full GC, the keys held and the keys evicted, at each step; and the cost of one admit() in ns.
// Usage: node --expose-gc --import tsx bench/protection-memory.ts [--addresses 1000000]
import { parseArgs } from 'node:util';
import { MemoryStore } from '../src/protection/memory-store.js';
import { Protection } from '../src/protection/protection.js';
import { parseProtectionConfig } from '../src/protection/protection-config.js';

const { values } = parseArgs({ options: { addresses: { type: 'string', default: '1000000' } } });
const total = Number(values.addresses);
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc (see the usage line)');

const heapMb = () => {
  gc();
  return process.memoryUsage().heapUsed / 2 ** 20;
};
const store = new MemoryStore();
let ms = 1_800_000_000_000;
const protection = new Protection(
  parseProtectionConfig({
    rateLimits: [{ name: 'per-address', by: 'source_ip', perSecond: 50, burst: 100 }],
    autoBan: [{ by: 'source_ip', after: 10, within: '60s', banFor: '5m' }],
  }),
  { store, now: () => ms },
);
const call = { subject: 'spiffe://example.org/ns/shop/sa/web', requester: 'spiffe://example.org/ns/mesh/sa/envoy', address: '', service: 'payments', action: 'charge' };
const address = (i: number) => (i % 2 === 0 ? `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}` : `2001:db8::${(i >>> 16).toString(16)}:${(i & 0xffff).toString(16)}`);

const base = heapMb();
console.log(`heap before: ${base.toFixed(1)} MiB`);
const started = process.hrtime.bigint();
for (let i = 1; i <= total; i++) {
  call.address = address(i);
  protection.admit(call);
  protection.observe(call, false, 'policy');
  if (i % 1000 === 0) ms += 1;
  if (i % 100_000 === 0) {
    await new Promise((r) => setImmediate(r));
    console.log(`${i.toLocaleString('en')} addresses: heap +${(heapMb() - base).toFixed(1)} MiB, keys held ${store.size.toLocaleString('en')}, evicted ${store.evictions.toLocaleString('en')}`);
  }
}
const ns = Number(process.hrtime.bigint() - started) / total;
console.log(`admit + observe: ${ns.toFixed(0)} ns per call (incl. the bench loop and GC)`);

ms += 1000;
call.address = '192.0.2.1';
const rounds = 1_000_000;
const t0 = process.hrtime.bigint();
for (let i = 0; i < rounds; i++) protection.admit(call);
console.log(`admit, one address under its limit: ${(Number(process.hrtime.bigint() - t0) / rounds).toFixed(0)} ns per call`);
