import test from 'ava';
import { inputJsonOfTail, recordJsonWith, recordTail } from '../../src/audit/index.js';

const input = {
  action: 'orders.read',
  context: { note: 'say "hi"\n', nested: [1, { é: null }] },
  requester: { authenticated_by: 'mtls', id: 'spiffe://a/ns/x/sa/y' },
  resource: { attributes: {}, path: '/p', service: 's' },
  source: { ip: '10.0.0.1' },
  subject: { authenticated_by: 'requester', id: 'spiffe://a/ns/x/sa/z' },
};
const outcome = { decision_id: '6f1c2a9e-0c1d-4a5b-9e8f-0123456789ab', time: '2026-11-23T08:00:00.000Z', api: 'authorizer' as const, allowed: false, reasons: ['no grant for "z" — ünïcode'], revision: 'r1', cached: true, latency: 0.0123 };

test('a record built around the input JSON text is the record itself', (t) => {
  const text = recordJsonWith(outcome, recordTail(outcome, JSON.stringify(input)));
  t.deepEqual(JSON.parse(text), { ...outcome, ...input });
});

test('a tail made once serves every later call of a cached decision', (t) => {
  const tail = recordTail(outcome, JSON.stringify(input));
  const later = { decision_id: '00000000-0000-4000-8000-000000000000', time: '2026-11-23T09:00:00.000Z', api: 'authorizer' as const, latency: 0.5 };
  t.deepEqual(JSON.parse(recordJsonWith(later, tail)), { ...outcome, ...input, ...later });
});

test('an empty input leaves no stray comma', (t) => {
  t.deepEqual(JSON.parse(recordJsonWith(outcome, recordTail(outcome, '{}'))), outcome);
});

test('the input a tail was made around is read back from the tail and its length', (t) => {
  for (const inputJson of [JSON.stringify(input), '{}', '{"a":"}\\",\\"allowed\\":1"}']) {
    t.is(inputJsonOfTail(recordTail(outcome, inputJson), inputJson.length), inputJson);
  }
});
