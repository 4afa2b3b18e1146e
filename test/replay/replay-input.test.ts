import test from 'ava';
import type { DecisionRecord } from '../../src/audit/index.js';
import { redactedAt, rebuildInput } from '../../src/replay/index.js';
import { parseDecisionLine } from '../../src/replay/decision-line.js';
import { canonicalJson } from '../../src/engine/index.js';
import { authzRecord, workload } from '../helpers/decision-records.js';

const entrypoints = { decision: 'warden/authz/decision', envoyDecision: 'envoy/authz/allow' };

test('an authorizer record gives back exactly the input members it was logged with', (t) => {
  const record = authzRecord({ ns: 'shop', sa: 'frontend', service: 'orders', action: 'orders.read', allowed: true }, { context: { tenant: 'acme' } }) as unknown as DecisionRecord;
  const rebuilt = rebuildInput(record, entrypoints);
  if (!rebuilt.replayable) return t.fail(rebuilt.reason);
  t.deepEqual(rebuilt.input, {
    action: 'orders.read',
    context: { tenant: 'acme' },
    requester: workload('shop', 'frontend'),
    resource: { attributes: {}, path: '', service: 'orders' },
    source: { ip: '127.0.0.1' },
    subject: workload('shop', 'frontend'),
  });
  t.is(rebuilt.entrypoint, 'warden/authz/decision');
  t.is(rebuilt.shape, 'authz');
});

test("an Envoy record gets OPA-Envoy's parsed path, query and version back, with the Envoy entrypoint; a null subject is dropped", (t) => {
  const record = {
    decision_id: 'd', time: '2026-12-03T00:00:00.000Z', api: 'envoy', requester: workload('mesh', 'sidecar'), subject: null, action: 'GET',
    resource: { service: 'orders', path: '/orders/4%202', attributes: {} }, context: {}, source: { ip: '10.0.0.1' },
    http: { method: 'GET', path: '/orders/4%202?page=2&page=3#top', host: 'orders', headers: {} },
    allowed: false, reasons: ['x'], revision: 'r', cached: false, latency: 1,
  } as unknown as DecisionRecord;
  const rebuilt = rebuildInput(record, entrypoints);
  if (!rebuilt.replayable) return t.fail(rebuilt.reason);
  t.false('subject' in rebuilt.input);
  t.deepEqual(rebuilt.input.parsed_path, ['orders', '4 2']);
  t.deepEqual(rebuilt.input.parsed_query, { page: ['2', '3'] });
  t.deepEqual(rebuilt.input.version, { encoding: 'protojson', ext_authz: 'v3' });
  t.is(rebuilt.entrypoint, 'envoy/authz/allow');
  t.is(rebuilt.shape, 'envoy');
  t.true(rebuilt.partial);
});

test("an OPA REST record replays the input and path it asked for; without an input it is not replayable", (t) => {
  const base = { decision_id: 'd', time: '2026-12-03T00:00:00.000Z', api: 'opa', allowed: true, reasons: [], revision: 'r', cached: false, latency: 1, requester: {}, subject: {}, action: '', resource: {} };
  const asked = rebuildInput({ ...base, path: '/warden/authz/decision', input: { action: 'a' } } as unknown as DecisionRecord, entrypoints);
  t.like(asked, { replayable: true, input: { action: 'a' }, entrypoint: 'warden/authz/decision', shape: 'document' });
  t.like(rebuildInput({ ...base, path: 'warden/authz/decision' } as unknown as DecisionRecord, entrypoints), { replayable: false, reason: 'an OPA REST record asked without an input' });
});

test('a logged input is replayed with the digits of its numbers, not as a double rounds them', (t) => {
  const line = '{"decision_id":"d","time":"2026-12-03T00:00:00.000Z","api":"opa","allowed":true,"reasons":[],"revision":"r","cached":false,"latency":1,"path":"warden/authz/decision","input":{"account":12345678901234567891}}';
  const parsed = parseDecisionLine(line);
  if (parsed.kind !== 'record') return t.fail(parsed.kind);
  const rebuilt = rebuildInput(parsed.record, entrypoints);
  if (!rebuilt.replayable) return t.fail(rebuilt.reason);
  t.is(canonicalJson(rebuilt.input), '{"account":12345678901234567891}');
});

test('redaction markers are found in values, parts of values and keys, with their path', (t) => {
  t.is(redactedAt({ a: { b: ['x', 'Bearer [REDACTED]'] } }), 'input.a.b[1]');
  t.is(redactedAt({ deep: '[TRUNCATED]' }), 'input.deep');
  t.is(redactedAt({ 'token=[REDACTED]': 1 }), 'input.token=[REDACTED]');
  t.is(redactedAt({ a: 'REDACTED', b: ['[redacted]'] }), undefined);
});

test('a refused credential (an empty subject id) is not replayable', (t) => {
  const record = authzRecord({ ns: 'shop', sa: 'frontend', service: 'orders', action: 'orders.read', allowed: false, reasons: ['token rejected'] }, { subject: { id: '', authenticated_by: 'jwt' } }) as unknown as DecisionRecord;
  t.like(rebuildInput(record, entrypoints), { replayable: false, reason: 'a refused credential: denied before the policy ran' });
});
