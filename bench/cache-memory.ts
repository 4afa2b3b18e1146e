// What one cached decision holds in the heap, for the bundled policy: N distinct authorizer checks
// (each a new action, so each a miss and a new entry) decided by one Engine whose cache holds them
// all. Three ways in: the check's input value beside its JSON (how the Authorizer API asks), its
// JSON alone (how Envoy and HTTP inputs ask), and the whole JSON as key (a module that carries no
// input reads, such as one OPA built). Prints heap bytes per entry after a full GC.
// Usage: node --expose-gc --import tsx bench/cache-memory.ts [--entries 20000]
import { parseArgs } from 'node:util';
import { Engine, loadRevision } from '../src/engine/index.js';
import { compile } from '../src/rego/index.js';
import { authzInput } from '../src/server/authz-input.js';
import { missRequest } from './check/protocol.js';

const { values } = parseArgs({ options: { entries: { type: 'string', default: '20000' } } });
const entries = Number(values.entries);
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc (see the usage line)');

const decision = 'warden/authz/decision';
const revision = await loadRevision({ policies: 'policies', entrypoints: [decision], compiler: (modules, entrypoints) => compile({ modules, entrypoints }) });
const whole = { ...revision, inputReads: undefined };
const requester = { authenticated_by: 'mtls' as const, id: 'spiffe://warden.local/ns/shop/sa/frontend', namespace: 'shop', service_account: 'frontend', trust_domain: 'warden.local' };
const from = { requester, sourceIp: '10.0.0.7', requesterJson: JSON.stringify(requester) };
const kept: Engine[] = [];

function bytesPerEntry(way: 'value' | 'text' | 'whole', round: number): number {
  const engine = new Engine({ maxEntries: entries, ttlMs: 0 });
  engine.swap(way === 'whole' ? whole : revision);
  kept.push(engine);
  gc!();
  const before = process.memoryUsage().heapUsed;
  for (let i = 0; i < entries; i++) {
    const input = authzInput(missRequest(`${round}-${i}`) as Parameters<typeof authzInput>[0], from, requester, 32);
    engine.decide(undefined, decision, 'authz', way === 'value' ? { inputJson: input.json, inputValue: input.value } : { inputJson: input.json });
  }
  gc!();
  if (engine.cacheSize !== entries) throw new Error(`expected ${entries} cached decisions, found ${engine.cacheSize}`);
  return (process.memoryUsage().heapUsed - before) / entries;
}

// One unmeasured pass first: code compiled and caches warmed do not count against the entries.
for (const way of ['value', 'text', 'whole'] as const) bytesPerEntry(way, 0);
console.log(`${entries} distinct decisions of the bundled policy, each kept in the cache`);
for (const [way, label] of [
  ['value', 'authorizer check (input value beside its JSON)'],
  ['text', 'input JSON alone (Envoy, HTTP)'],
  ['whole', 'whole input JSON as key (no input reads)'],
] as const) {
  console.log(`${label.padEnd(50)} ${bytesPerEntry(way, 1).toFixed(0).padStart(6)} bytes per cached decision`);
}
