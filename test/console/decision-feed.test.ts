import test from 'ava';
import { DecisionFeed } from '../../src/console/decision-feed.js';
import { matchesFilter, parseDecisionFilter } from '../../src/console/decision-filter.js';
import { serviceGraph } from '../../src/console/service-graph.js';
import type { DecisionRecord } from '../../src/audit/index.js';

function record(id: string, over: Partial<DecisionRecord> = {}): DecisionRecord {
  return {
    decision_id: id,
    time: '2026-12-04T00:00:00Z',
    api: 'authorizer',
    requester: { id: 'spiffe://d/ns/a/sa/web' },
    subject: { id: 'spiffe://d/ns/a/sa/web' },
    action: 'read',
    resource: { service: 'orders', path: '/' },
    allowed: true,
    reasons: ['granted'],
    revision: 'r',
    cached: false,
    latency: 1,
    ...over,
  };
}

test('records are redacted as the decision log redacts them, including its extra paths', (t) => {
  const feed = new DecisionFeed({ redactPaths: ['context.customer.email'] });
  feed.write(record('1', { context: { password: 'hunter2', customer: { email: 'a@b.c', plan: 'gold' } } }));
  const held = feed.find('1')!.record as unknown as { context: Record<string, unknown> };
  t.false(JSON.stringify(held).includes('hunter2'));
  t.false(JSON.stringify(held).includes('a@b.c'));
  t.is((held.context.customer as Record<string, unknown>).plan, 'gold');
});

test('the ring is bounded: the oldest go, and cannot be found by id any more', (t) => {
  const feed = new DecisionFeed({ capacity: 3 });
  for (let i = 1; i <= 5; i++) feed.write(JSON.stringify(record(String(i))));
  t.deepEqual(feed.recent().map((h) => h.record.decision_id), ['3', '4', '5']);
  t.is(feed.find('1'), undefined);
  t.truthy(feed.find('5'));
});

test('listeners get each new record after the decision\'s turn; a throwing listener does not stop the others; bad JSON is dropped', async (t) => {
  const feed = new DecisionFeed();
  const got: string[] = [];
  feed.subscribe(() => {
    throw new Error('broken view');
  });
  const stop = feed.subscribe((h) => got.push(h.record.decision_id));
  feed.write(record('a'));
  feed.write('{not json');
  feed.write(JSON.stringify(record('c')));
  t.deepEqual(got, [], 'nothing is done for the views while the decision is being made');
  await new Promise((r) => setImmediate(r));
  t.deepEqual(got, ['a', 'c']);
  stop();
  feed.write(record('b'));
  await feed.flush();
  t.deepEqual(got, ['a', 'c']);
  t.is(feed.dropped, 1);
});

test('filters: subject, service, result, reason; a bad result value is refused', (t) => {
  const denied = record('x', { allowed: false, reasons: ['No grant lets web delete'], resource: { service: 'billing' } });
  t.true(matchesFilter(denied, parseDecisionFilter(new URLSearchParams('result=denied&service=BILL&reason=no grant&subject=sa/web'))));
  t.false(matchesFilter(denied, parseDecisionFilter(new URLSearchParams('result=allowed'))));
  t.false(matchesFilter(denied, parseDecisionFilter(new URLSearchParams('service=orders'))));
  t.throws(() => parseDecisionFilter(new URLSearchParams('result=maybe')), { message: /result must be/ });
});

test('the graph counts allowed and denied per caller → service inside the window only', (t) => {
  const held = [
    { record: record('old', { allowed: false }), timeMs: 0 },
    { record: record('1'), timeMs: 9_000 },
    { record: record('2', { allowed: false }), timeMs: 9_500 },
    { record: record('3', { subject: { id: 'spiffe://d/ns/a/sa/batch' } }), timeMs: 9_900 },
  ];
  const graph = serviceGraph(held, 5_000, 10_000);
  t.is(graph.decisions, 3);
  t.deepEqual(graph.edges, [
    { caller: 'spiffe://d/ns/a/sa/web', service: 'orders', allowed: 1, denied: 1 },
    { caller: 'spiffe://d/ns/a/sa/batch', service: 'orders', allowed: 1, denied: 0 },
  ]);
});

test('an Envoy check without a destination service is about its host, in the graph and the filters as in the live view', (t) => {
  const envoy = record('e', { api: 'envoy', resource: { service: '', path: '/' }, http: { method: 'GET', path: '/', host: 'shop.example' } });
  t.deepEqual(serviceGraph([{ record: envoy, timeMs: 0 }], 5_000, 1_000).edges.map((e) => e.service), ['shop.example']);
  t.true(matchesFilter(envoy, parseDecisionFilter(new URLSearchParams('service=shop.example'))));
  const neither = record('n', { api: 'envoy', resource: { service: '', path: '/' }, http: { method: 'GET', path: '/', host: '' } });
  t.deepEqual(serviceGraph([{ record: neither, timeMs: 0 }], 5_000, 1_000).edges.map((e) => e.service), ['(none)']);
});

test('a record whose id reads but whose JSON does not is never shown', (t) => {
  const feed = new DecisionFeed();
  feed.write('{"decision_id":"broken","time":');
  feed.write(JSON.stringify(record('fine')));
  t.is(feed.find('broken'), undefined);
  t.deepEqual(feed.recent().map((h) => h.record.decision_id), ['fine']);
});
