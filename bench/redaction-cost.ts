// What redacting one decision-log record costs in the log worker (createLineRedactor, the screen
// included), for a typical Authorizer record and an Envoy record with headers, in µs per record.
// Usage: npm run bench:redact [-- --records 50000]
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { createLineRedactor } from '../src/audit/line-redactor.js';
import { mayNeedRedaction, recordJsonWith, recordTail } from '../src/audit/index.js';

const { values } = parseArgs({ options: { records: { type: 'string', default: '20000' } } });
const records = Number(values.records);

const authorizerInput = {
  action: 'orders.read',
  context: { tenant: 'acme', region: 'eu-west-1', trace_id: '4bf92f3577b34da6a3ce929d0e0e4736' },
  requester: { authenticated_by: 'mtls', id: 'spiffe://warden.local/ns/shop/sa/frontend', namespace: 'shop', service_account: 'frontend', trust_domain: 'warden.local' },
  resource: { attributes: { owner: 'alice', kind: 'order' }, path: '/orders/123/items', service: 'orders' },
  source: { ip: '10.0.0.1' },
  subject: { authenticated_by: 'requester', id: 'spiffe://warden.local/ns/shop/sa/frontend', namespace: 'shop', service_account: 'frontend', trust_domain: 'warden.local' },
};
const envoyRecord = (id: string) => ({
  decision_id: id,
  time: '2026-12-03T08:00:00.000Z',
  api: 'envoy',
  requester: authorizerInput.requester,
  subject: authorizerInput.subject,
  action: 'GET',
  resource: { service: 'catalog', path: '/items/42', attributes: { app: 'catalog' } },
  context: {},
  source: { ip: '10.0.0.9' },
  http: {
    method: 'GET',
    path: '/items/42?lang=en&page=2',
    host: 'catalog.shop',
    headers: {
      ':authority': 'catalog.shop',
      ':method': 'GET',
      ':path': '/items/42?lang=en&page=2',
      accept: 'application/json',
      'accept-encoding': 'gzip, deflate, br',
      authorization: 'Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ5In0.c2lnbmF0dXJl',
      cookie: 'session=abc; theme=dark',
      'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36',
      'x-request-id': '8f0e3c8e-4e3b-4d43-9c1f-8a1c0d9d7e21',
      'x-forwarded-for': '203.0.113.7',
      'x-forwarded-proto': 'https',
      'x-envoy-expected-rq-timeout-ms': '15000',
    },
  },
  allowed: true,
  reasons: ['granted'],
  revision: 'r1',
  cached: false,
  latency: 0.21,
});

const call = (i: number) => ({ decision_id: randomUUID(), time: '2026-12-03T08:00:00.000Z', api: 'authorizer' as const, latency: i / 1e4 });
const constants = { allowed: true, reasons: ['granted'], revision: 'r1' };
const freshTail = recordTail({ ...constants, cached: false }, JSON.stringify(authorizerInput));
const cachedTail = recordTail({ ...constants, cached: true }, JSON.stringify(authorizerInput));

/** µs per record of one pass of `run` over `texts`. */
function pass(texts: string[], run: (text: string) => unknown): number {
  const started = process.hrtime.bigint();
  let chars = 0;
  for (const t of texts) chars += String(run(t)).length;
  if (chars < 0) throw new Error('unreachable'); // keeps the results alive
  return Number(process.hrtime.bigint() - started) / 1e3 / texts.length;
}

const make = (f: (i: number) => string) => Array.from({ length: records }, (_, i) => f(i));
const fresh = make((i) => recordJsonWith(call(i), freshTail));
const cached = make((i) => recordJsonWith(call(i), cachedTail));
const envoy = make(() => JSON.stringify(envoyRecord(randomUUID())));
const cases: Array<[string, string[], (text: string) => unknown]> = [
  ['screen only (mayNeedRedaction), Authorizer', fresh, (t) => mayNeedRedaction(t)],
  ['screen only (mayNeedRedaction), Envoy', envoy, (t) => mayNeedRedaction(t)],
  ['line: Authorizer, fresh decision', fresh, createLineRedactor()],
  ['line: Authorizer, cached decision (memo hit)', cached, createLineRedactor()],
  ['line: Envoy with headers', envoy, createLineRedactor()],
];
// Rounds interleave the cases (a busy machine slows them alike); the best round of each is shown.
const best = cases.map(() => Infinity);
for (let round = 0; round < 7; round++) cases.forEach(([, texts, run], i) => (best[i] = Math.min(best[i]!, pass(texts, run))));
console.log(`${records} records a case, best of 7 rounds, one thread`);
cases.forEach(([label], i) => console.log(`${label.padEnd(46)} ${best[i]!.toFixed(2).padStart(7)} µs/record`));
