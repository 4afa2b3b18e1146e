import test from 'ava';
import { Registry } from 'prom-client';
import type { DecisionOutcome, Engine } from '../../src/engine/index.js';
import { CheckPipeline } from '../../src/server/check-route/check-pipeline.js';
import type { Check, CheckRoute } from '../../src/server/check-route/check.js';
import type { CallState } from '../../src/server/pipeline.js';
import { ShadowEvaluator, ShadowMetrics, type ShadowClock, type ShadowDecide } from '../../src/shadow/index.js';

function callState(): CallState {
  const requester = { id: 'spiffe://example.org/ns/a/sa/b', authenticated_by: 'mtls' as const };
  return {
    api: 'authorizer',
    method: 'test',
    started: performance.now(),
    connection: { requester, sourceIp: '127.0.0.1', key: 'k', notBefore: 0, notAfter: Infinity, chain: [], trustGeneration: 0 },
    decisions: [],
  };
}

const route: CheckRoute = {
  api: 'authorizer',
  entrypoint: 'e',
  shape: 'authz',
  identify(check) {
    check.inputJson = '{"action":"read"}';
  },
  answer: (check) => ({ allowed: check.outcome!.decision.allow, reasons: check.outcome!.decision.reasons, id: check.decisionId }),
  record: (check) => `{"decision_id":"${check.decisionId}"}`,
};

/** Deferred turns and timers that run only when the test says. */
function manualClock(): ShadowClock & { turns: (() => void)[]; timers: (() => void)[] } {
  const turns: (() => void)[] = [];
  const timers: (() => void)[] = [];
  return { turns, timers, now: () => 0, defer: (fn) => void turns.push(fn), setTimer: (fn) => (timers.push(fn), () => undefined) };
}

function pipelineWith(decide: ShadowDecide, outcome: DecisionOutcome) {
  const clock = manualClock();
  const shadow = new ShadowEvaluator({ decide, revision: 'cand', metrics: new ShadowMetrics(new Registry()), logger: { warn: () => undefined } as never, clock });
  const engine = { lookup: () => outcome, decide: () => outcome, revision: { id: 'r' } } as unknown as Engine;
  return { pipeline: new CheckPipeline({ engine, shadow }), shadow, clock };
}

const ALLOW: DecisionOutcome = { decision: { allow: true, reasons: ['granted'] }, revision: 'r', cached: true, inputJson: '{"action":"read"}' };

for (const [name, decide] of [
  ['throws', () => { throw new Error('candidate broke'); }],
  ['hangs', () => new Promise(() => {})],
] as [string, ShadowDecide][]) {
  test(`a shadow that ${name} neither delays nor changes the live answer`, async (t) => {
    const { pipeline, shadow, clock } = pipelineWith(decide, ALLOW);
    t.true(pipeline.stages.some((s) => s.name === 'shadow'));
    const check: Check = { state: callState(), route };
    const answer = pipeline.run(check);
    t.false(answer instanceof Promise, 'answered in the same turn');
    t.deepEqual(answer, { allowed: true, reasons: ['granted'], id: check.decisionId });
    t.is(shadow.view().queued, 1, 'queued, not yet evaluated');
    clock.turns.shift()!();
    // A hang is cut off when its budget timer fires.
    for (const fire of clock.timers) fire();
    for (let i = 0; i < 10; i++) await Promise.resolve();
    t.is(shadow.view().disagreements.error, 1);
    t.is(shadow.recent()[0]!.decisionId, check.decisionId!);
    t.deepEqual(shadow.recent()[0]!.live, { allowed: true, reasons: ['granted'] });
  });
}

test('a check refused before the policy (a protection check) is not shadowed', (t) => {
  const clock = manualClock();
  const shadow = new ShadowEvaluator({ decide: () => ({ allowed: true, reasons: [] }), revision: 'cand', metrics: new ShadowMetrics(new Registry()), logger: { warn: () => undefined } as never, clock });
  const engine = { lookup: () => ALLOW, decide: () => ALLOW, revision: { id: 'r' } } as unknown as Engine;
  const pipeline = new CheckPipeline({ engine, shadow, protection: [() => 'banned'] });
  const answer = pipeline.run({ state: callState(), route }) as { allowed: boolean };
  t.false(answer.allowed);
  t.is(shadow.view().queued, 0);
  t.is(clock.turns.length, 0);
});
