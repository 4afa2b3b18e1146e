import test from 'ava';
import { randomUUID } from 'node:crypto';
import * as protoLoader from '@grpc/proto-loader';
import type { MethodDefinition } from '@grpc/grpc-js';
import type { DecisionOutcome } from '../../src/engine/index.js';
import { answerParts, cachedAnswerParts, checkAnswer, DECISION_ID_FIELD, type EncodeCheckResponse } from '../../src/server/check-answer.js';
import { decodeResult, encodeResult } from '../../src/server/check-worker/wire.js';
import { LOADER_OPTIONS, loadPackageDefinition, rawRequestService } from '../../src/server/protos.js';

// The real proto, loaded as the server loads it (encode) and with defaults (decode, to compare whole messages).
const served = rawRequestService(loadPackageDefinition(), 'warden.authz.v1.Authorizer');
const encode = served.Check!.responseSerialize as EncodeCheckResponse;
const withDefaults = protoLoader.loadSync(['warden/authz/v1/authz.proto'], { ...LOADER_OPTIONS, defaults: true });
const check = (withDefaults['warden.authz.v1.Authorizer'] as unknown as Record<string, MethodDefinition<unknown, unknown>>).Check!;
/** Decoded with defaults; `retry_after_ms` 0 is proto3's "not set", as the object leaves it out. */
const decode = (bytes: Buffer) => {
  const { retry_after_ms: retry, ...rest } = check.responseDeserialize(bytes) as Record<string, unknown>;
  return retry === 0 ? rest : { ...rest, retry_after_ms: retry };
};

const outcomes: Record<string, DecisionOutcome> = {
  allow: { decision: { allow: true, reasons: [] }, revision: 'rev-1', cached: false, inputJson: '{"action":"read"}' },
  deny: { decision: { allow: false, reasons: ['not granted', 'outside business hours'] }, revision: 'rev-1', cached: false, inputJson: '{"action":"delete"}' },
  cached: { decision: { allow: true, reasons: ['granted by role'] }, revision: 'rev-2', cached: true, inputJson: '{"action":"list"}', ttlLeftMs: 1000 },
  unicode: { decision: { allow: false, reasons: ['zugriff verweigert: «Größe» 🚫', '拒否されました', 'a\u0001b\u0000c'] }, revision: 'rév-ü', cached: true, inputJson: '{"action":"lire"}' },
  'rate limited': { decision: { allow: false, reasons: ['rate limited: per-caller (20/s, burst 40)'], refusedBy: 'rate_limit', retryAfterMs: 49.2 }, revision: 'rev-1', cached: false, inputJson: '{"action":"read"}' },
};

for (const [name, outcome] of Object.entries(outcomes)) {
  test(`the bytes and the object answer decode to the same CheckResponse: ${name}`, (t) => {
    const id = randomUUID();
    const parts = outcome.cached ? cachedAnswerParts(outcome, encode) : answerParts(outcome, encode);
    const bytes = checkAnswer(parts, id, true);
    const object = checkAnswer(parts, id, false);
    t.true(Buffer.isBuffer(bytes));
    t.false(Buffer.isBuffer(object));
    const retry = outcome.decision.retryAfterMs;
    const expected = { allowed: outcome.decision.allow, reasons: outcome.decision.reasons, decision_id: id, policy_revision: outcome.revision, cached: outcome.cached, ...(retry !== undefined ? { retry_after_ms: Math.ceil(retry) } : {}) };
    t.deepEqual(decode(bytes as Buffer), expected);
    t.deepEqual(object, expected);
    // What the server's serializer makes of the object decodes to the same message.
    t.deepEqual(decode(encode(object as never)), expected);
    // Parts that crossed the ring from an evaluation worker make the same answer.
    const line = encodeResult({ id: 1, kind: 'decided', revision: outcome.revision, allow: outcome.decision.allow, reasons: outcome.decision.reasons, cached: outcome.cached, answer: { body: parts.body!, logTail: parts.logTail } });
    const result = decodeResult(line);
    if (result.kind !== 'decided') return t.fail('not decided');
    t.deepEqual(decode(checkAnswer({ ...parts, body: result.answer.body }, id, true) as Buffer), expected);
  });
}

test('a cached decision is encoded once: later answers share its parts, and differ only in their decision id', (t) => {
  const outcome = outcomes.cached!;
  const first = cachedAnswerParts(outcome, encode);
  t.is(cachedAnswerParts({ ...outcome }, encode), first);
  const [a, b] = [checkAnswer(first, randomUUID(), true) as Buffer, checkAnswer(first, randomUUID(), true) as Buffer];
  t.deepEqual(a.subarray(2 + DECISION_ID_FIELD.length), b.subarray(2 + DECISION_ID_FIELD.length));
  t.notDeepEqual(a, b);
});

test('the prefix checkAnswer writes matches the .proto: decision_id is field 3, a string (length-delimited), and randomUUID is 36 characters', (t) => {
  const response = (withDefaults['warden.authz.v1.CheckResponse'] as { type: { field: Array<{ name: string; number: number; type: string; label: string }> } }).type;
  const field = response.field.find((f) => f.name === 'decision_id');
  t.truthy(field, 'CheckResponse has a decision_id');
  t.is(field!.number, DECISION_ID_FIELD.number);
  // Wire type 2 (length-delimited) is what strings, bytes and messages use; only a string holds a UUID's text.
  t.is(field!.type, 'TYPE_STRING');
  t.is(DECISION_ID_FIELD.wireType, 2);
  t.not(field!.label, 'LABEL_REPEATED');
  // One length byte: a varint holds up to 127 in one byte.
  t.true(DECISION_ID_FIELD.length < 128);
  for (let i = 0; i < 100; i++) t.is(randomUUID().length, DECISION_ID_FIELD.length);
});

test('an id of another length is answered as an object rather than with a wrong prefix', (t) => {
  const parts = answerParts(outcomes.allow!, encode);
  const answer = checkAnswer(parts, 'short-id', true);
  t.false(Buffer.isBuffer(answer));
  t.is((answer as { decision_id: string }).decision_id, 'short-id');
});
