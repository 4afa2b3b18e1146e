// What the console's decision tap costs the serving thread per decision (DecisionFeed.write, given
// the record's JSON text as the decision log is), with nobody watching and with a live view open
// (the deferred redaction and the SSE event's JSON counted in), and what reading 10,000 held
// decisions costs once (the first graph) and after, with the longest the event loop was held.
// Usage: npm run bench:console [-- --records 100000]
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { DecisionFeed } from '../src/console/decision-feed.js';
import { serviceGraph } from '../src/console/service-graph.js';

const { values } = parseArgs({ options: { records: { type: 'string', default: '100000' } } });
const records = Number(values.records);

const identity = (sa: string) => ({ authenticated_by: 'mtls', id: `spiffe://warden.local/ns/shop/sa/${sa}`, namespace: 'shop', service_account: sa, trust_domain: 'warden.local' });
const lines = Array.from({ length: 1000 }, (_, i) =>
  JSON.stringify({
    decision_id: randomUUID(),
    time: new Date().toISOString(),
    api: 'authorizer',
    requester: identity(`caller-${i % 20}`),
    subject: identity(`caller-${i % 20}`),
    action: 'orders.read',
    resource: { service: `svc-${i % 7}`, path: `/orders/${i}/items`, attributes: { owner: 'alice' } },
    context: { tenant: 'acme', trace_id: '4bf92f3577b34da6a3ce929d0e0e4736' },
    source: { ip: '10.0.0.1' },
    allowed: i % 5 !== 0,
    reasons: ['granted: shop/frontend may orders.read on orders'],
    revision: 'ed4e6076e8fd',
    cached: false,
    latency: 0.41,
  }),
);

async function perRecordUs(feed: DecisionFeed): Promise<number> {
  const start = process.hrtime.bigint();
  for (let i = 0; i < records; i++) {
    feed.write(lines[i % lines.length]!);
    if (i % 1000 === 999) await feed.flush();
  }
  await feed.flush();
  return Number(process.hrtime.bigint() - start) / 1000 / records;
}

async function graphMs(feed: DecisionFeed): Promise<{ ms: number; longestStallMs: number }> {
  const delay = monitorEventLoopDelay({ resolution: 1 });
  delay.enable();
  const t0 = performance.now();
  serviceGraph(await feed.recentRecords(), 3_600_000, Date.now());
  const ms = performance.now() - t0;
  delay.disable();
  return { ms, longestStallMs: delay.max / 1e6 };
}

for (let round = 1; round <= 3; round++) {
  const idle = await perRecordUs(new DecisionFeed());
  const watched = new DecisionFeed();
  watched.subscribe((held) => JSON.stringify(held.record));
  const live = await perRecordUs(watched);
  const held = new DecisionFeed();
  for (let i = 0; i < 10_000; i++) held.write(lines[i % lines.length]!);
  const first = await graphMs(held);
  const again = await graphMs(held);
  console.log(
    `round ${round}: write ${idle.toFixed(2)} µs/decision with nobody watching, ${live.toFixed(2)} µs with a live view open; ` +
      `graph of 10,000 held: ${first.ms.toFixed(0)} ms first (event loop held ≤ ${first.longestStallMs.toFixed(1)} ms at a time), ${again.ms.toFixed(0)} ms after`,
  );
}
