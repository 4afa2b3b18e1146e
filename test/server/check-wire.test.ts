import test from 'ava';
import { decodeJob, decodeResult, encodeJob, encodeResult, type CheckResult } from '../../src/server/check-worker/wire.js';

type Decided = Extract<CheckResult, { kind: 'decided' }>;
const answer = { body: Buffer.from([0x1a, 0x01, 0x00, 0xff, 0x01]), logTail: '"action":"read","allowed":true,"latency":' };

test('jobs and results travel through the ring text unchanged, raw bytes and a U+0001 in the body included', (t) => {
  const job = decodeJob(encodeJob({ id: 7, kind: 'check', connection: '[{"id":"spiffe://a"},"10.0.0.1"]', bytes: Buffer.from([0, 1, 2, 255]) }));
  t.deepEqual(job, { id: 7, kind: 'check', connection: '[{"id":"spiffe://a"},"10.0.0.1"]', bytes: Buffer.from([0, 1, 2, 255]) });
  const input = { id: 8, kind: 'input' as const, entrypoint: 'warden/envoy/decision', shape: 'envoy' as const, inputJson: '{"a":"\u0001 \u2603"}' };
  t.deepEqual(decodeJob(encodeJob(input)), input);
  for (const cached of [false, true]) {
    const sent: Decided = { id: 3, kind: 'decided', revision: 'r1', allow: true, reasons: ['ok'], cached, inputJson: '{"action":"read","\u00e9":"\u2603"}', answer, ...(cached ? { ttlLeftMs: 1234 } : {}) };
    t.deepEqual(decodeResult(encodeResult(sent)), sent);
    // The worker sends a fresh decision without its input (see CheckResult): none comes out.
    const fresh: Decided = { ...sent };
    delete fresh.inputJson;
    t.deepEqual(decodeResult(encodeResult(fresh)), fresh);
  }
  t.deepEqual(decodeResult(encodeResult({ id: 4, kind: 'rejected', code: 'invalid_argument', message: 'bad' })), { id: 4, kind: 'rejected', code: 'invalid_argument', message: 'bad' });
});

test('an evaluated input travels with its whole decision, Envoy details included', (t) => {
  const sent: CheckResult = { id: 9, kind: 'evaluated', revision: 'r2', decision: { allow: false, reasons: ['nope'], envoy: { http_status: 401, body: 'x' } }, cached: true, ttlLeftMs: Infinity };
  t.deepEqual(decodeResult(encodeResult(sent)), sent);
});

test('a cached decision without a TTL keeps an infinite time left across the ring (JSON has no Infinity)', (t) => {
  const sent: CheckResult = { id: 5, kind: 'decided', revision: 'r1', allow: false, reasons: [], cached: true, ttlLeftMs: Infinity, inputJson: '{}', answer };
  t.is((decodeResult(encodeResult(sent)) as { ttlLeftMs?: number }).ttlLeftMs, Infinity);
});
