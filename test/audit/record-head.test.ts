import type { CredentialChecks } from '../../src/credentials/credential-checks.js';
import test from 'ava';
import { randomUUID } from 'node:crypto';
import { pino } from 'pino';
import { createRedactor, recordHead, recordJsonWith, recordTail, RECORD_HEAD_FIELDS, WardenMetrics } from '../../src/audit/index.js';
import { createLineRedactor } from '../../src/audit/line-redactor.js';
import type { Engine } from '../../src/engine/index.js';
import type { Check } from '../../src/server/check-route/check.js';
import { envoyRoute } from '../../src/server/check-route/envoy-route.js';
import { DEFAULT_LIMITS } from '../../src/server/config.js';
import { decisionTime } from '../../src/server/decision-time.js';

// The log worker's redactor reads back the head that the decision services write: these tests hold
// the two sides together, with records made by the real writers and times made by the real clock text.

const input = {
  action: 'orders.read',
  context: { password: 'hunter2', note: 'ok' },
  requester: { authenticated_by: 'mtls', id: 'spiffe://a/ns/x/sa/y' },
  resource: { attributes: {}, path: '/p', service: 's' },
  source: { ip: '10.0.0.1' },
  subject: { authenticated_by: 'requester', id: 'spiffe://a/ns/x/sa/z' },
};
const tail = recordTail({ allowed: true, reasons: ['ok'], revision: 'r1', cached: true }, JSON.stringify(input));
const whole = (text: string) => `{"log":"decision",${JSON.stringify(createRedactor()(JSON.parse(text))).slice(1)}`;

/** `decisionTime()` at `ms` since the epoch (Date.now stubbed for the call). */
function decisionTimeAt(ms: number): string {
  const now = Date.now;
  Date.now = () => ms;
  try {
    return decisionTime();
  } finally {
    Date.now = now;
  }
}

test('records written by recordJsonWith with decisionTime are read back by recordHead, and the redactor takes its shortcut', (t) => {
  const times = [
    decisionTime(),
    decisionTimeAt(Date.UTC(2026, 11, 3, 9, 0, 0, 0)), // zero milliseconds: still three digits
    decisionTimeAt(Date.UTC(2026, 0, 1, 0, 0, 0, 7)),
    decisionTimeAt(Date.UTC(2099, 11, 31, 23, 59, 59, 999)),
  ];
  t.is(times[1], '2026-12-03T09:00:00.000Z');
  const line = createLineRedactor();
  for (const time of times) {
    const id = randomUUID();
    const text = recordJsonWith({ decision_id: id, time, api: 'authorizer', latency: 0.25 }, tail);
    t.is(recordHead(text), `{"decision_id":"${id}","time":"${time}","api":"authorizer",`);
    t.deepEqual(Object.keys(JSON.parse(text)).slice(0, RECORD_HEAD_FIELDS.length), [...RECORD_HEAD_FIELDS]);
    t.is(line(text), whole(text));
    t.false(line(text).includes('hunter2'));
  }
  // Every one of those records shared one redacted middle: the shortcut was taken each time.
  t.is(line.memo.entries, 1);
});

test("Envoy's records, as its route writes them, have the same head", (t) => {
  const route = envoyRoute({ engine: {} as Engine, limits: DEFAULT_LIMITS, logger: pino({ level: 'silent' }), metrics: new WardenMetrics(), envoyDecision: 'e', credentials: {} as CredentialChecks });
  const envoyInput = { ...input, http: { method: 'GET', path: '/p', host: 'h', headers: { authorization: 'Bearer x' } } };
  const check = {
    decisionId: randomUUID(),
    outcome: { decision: { allow: true, reasons: [] }, revision: 'r1', cached: true, inputJson: '{}' },
    data: { input: envoyInput },
  } as unknown as Check;
  const text = JSON.stringify(route.record(check, 0.5));
  t.truthy(recordHead(text));
  const line = createLineRedactor();
  t.is(line(text), whole(text));
  t.is(line.memo.entries, 1);
});

test('a record whose head fields are reordered or preceded by another field is not read as a head: redacted whole, visibly without the shortcut', (t) => {
  const id = randomUUID();
  const time = decisionTime();
  const variants = [
    `{"time":"${time}","decision_id":"${id}","api":"authorizer",${tail}1}`,
    `{"decision_id":"${id}","api":"authorizer","time":"${time}",${tail}1}`,
    `{"level":30,"decision_id":"${id}","time":"${time}","api":"authorizer",${tail}1}`,
    `{"decision_id":"${id}","time":"${time.slice(0, -5)}Z","api":"authorizer",${tail}1}`,
  ];
  for (const text of variants) {
    t.is(recordHead(text), undefined, text.slice(0, 80));
    const line = createLineRedactor();
    t.is(line(text), whole(text));
    t.false(line(text).includes('hunter2'));
    t.is(line.memo.entries, 0);
  }
});
