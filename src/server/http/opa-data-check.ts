import type { DecisionRecord } from '../../audit/index.js';
import type { Identity } from '../../identity/index.js';
import type { ProtectedCall } from '../../protection/protected-call.js';
import { setCheckInput, type Check, type CheckRoute } from '../check-route/check.js';
import { decisionTime } from '../decision-time.js';
import { dataReference, opaDecisionAnswer, type OpaAnswerContext } from './opa-answer.js';
import type { OpaDataRequest } from './opa-request.js';

/** A data API check's own state: what was asked, and how the answer is to be written. */
export interface OpaCheckData {
  request: OpaDataRequest;
  context: OpaAnswerContext;
  /** The policy input, as built (see opaPolicyInput). */
  input?: unknown;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * The input the policy sees: an object input with `requester` set to the caller's verified
 * identity (whatever the caller put there: it cannot speak for someone else); no input at all is
 * `{"requester": …}`; any other value (a string, an array) as given.
 */
export function opaPolicyInput(request: OpaDataRequest, requester: Identity): unknown {
  if (!request.hasInput) return { requester };
  return isObject(request.input) ? { ...request.input, requester } : request.input;
}

/**
 * What the countermeasures see of a data API call: the caller is its own subject (an input's
 * `subject` is the caller's claim, not a credential Warden verified, so it must not get someone
 * else banned or rate limited); the service is `opa` and the action the document asked for, so
 * limits and bans by route can single out one document.
 */
export function opaProtectedCall(requester: Identity, sourceIp: string, document: string): ProtectedCall {
  return { subject: requester.id, requester: requester.id, address: sourceIp, service: 'opa', action: dataReference(document) };
}

/**
 * The route of one document of OPA's data API through the check pipeline: its entrypoint is the
 * document's path, its input the request's (see opaPolicyInput), its answer OPA's (opaDecisionAnswer)
 * and its record api `opa`, with the path, input and result as OPA's own decision logs have them.
 */
export function opaDataCheckRoute(entrypoint: string): CheckRoute {
  return {
    api: 'opa',
    entrypoint,
    shape: 'document',
    identify(check) {
      const data = check.data as OpaCheckData;
      const { connection } = check.state;
      data.input = opaPolicyInput(data.request, connection.requester);
      setCheckInput(check, data.input);
      check.call = opaProtectedCall(connection.requester, connection.sourceIp, entrypoint);
    },
    answer(check) {
      const { context } = check.data as OpaCheckData;
      return opaDecisionAnswer(check.outcome!, check.decisionId!, check.cacheHit, context);
    },
    record(check: Check, latency: number): DecisionRecord {
      const data = check.data as OpaCheckData;
      const { connection } = check.state;
      const { decision, revision, cached } = check.outcome!;
      return {
        decision_id: check.decisionId!,
        time: decisionTime(),
        api: 'opa',
        requester: connection.requester,
        subject: null,
        action: dataReference(entrypoint),
        resource: null,
        source: { ip: connection.sourceIp },
        path: entrypoint,
        input: data.input ?? null,
        ...(Object.hasOwn(decision, 'result') ? { result: decision.result } : {}),
        allowed: decision.allow,
        reasons: decision.reasons,
        revision,
        cached,
        latency,
      };
    },
  };
}
